/** Errors that reach the user. Each says what went wrong and what to do about it. */
import { headline } from './log-headline.js'

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

/**
 * An external command exited non-zero. `tail` holds the last lines it printed; the first line of the
 * message is the cause picked from its output (`headline`, from `log` when given, else from the tail).
 */
export class CommandError extends ActionError {
  readonly headline: string | undefined

  constructor(
    readonly command: string,
    readonly exitCode: number,
    readonly tail: string,
    what?: string,
    log?: string
  ) {
    const cause = headline(log ?? tail)
    const lines = tail.trim() ? `\nLast lines of its output:\n${tail.trimEnd()}` : ''
    const name = what ?? `'${command}'`
    super(
      cause
        ? `${name} failed: ${cause}\n(exit code ${exitCode})${lines}`
        : `${name} failed with exit code ${exitCode}.${lines}`
    )
    this.headline = cause
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
