/** Errors that reach the user. Each says what went wrong and what to do about it. */

export class ActionError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/** A bad input: the message names the input and the fix. */
export class InputError extends ActionError {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`)
  }
}

/** An external command exited non-zero. `tail` holds the last lines it printed. */
export class CommandError extends ActionError {
  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly tail: string,
    what?: string
  ) {
    const lines = tail.trim() ? `\nLast lines of its output:\n${tail.trimEnd()}` : ''
    super(`${what ?? `'${command}'`} failed with exit code ${exitCode}.${lines}`)
  }
}

export class CheckoutError extends ActionError {}
export class DependencyError extends ActionError {}
export class BuildError extends ActionError {}
export class RepairError extends ActionError {}
export class WheelTestError extends ActionError {}
export class UploadError extends ActionError {}

/** The message of anything thrown, Error or not. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message
  return typeof err === 'string' ? err : JSON.stringify(err)
}
