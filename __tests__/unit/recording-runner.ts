/** A recording Runner for unit tests: no process is started; `respond` decides each result. */
import { CommandError } from '../../src/errors.js'
import { formatCommand, type Command, type Runner, type RunOptions, type RunResult } from '../../src/exec.js'

export type Response = Partial<RunResult> | void

export class FakeRunner implements Runner {
  readonly calls: Command[] = []
  /** The options of each call, by index. */
  readonly options: RunOptions[] = []
  constructor(
    private readonly respond: (cmd: Command) => Response = () => undefined,
    /** The base environment it reports, as ExecRunner reports the action's (less secrets). */
    readonly env: Record<string, string> = { PATH: '/usr/bin:/bin' },
    /** Names `which` finds, with their paths. */
    private readonly onPath: Record<string, string> = {}
  ) {}

  async which(name: string): Promise<string | undefined> {
    return this.onPath[name]
  }

  async run(cmd: Command, options: RunOptions = {}): Promise<RunResult> {
    this.calls.push(cmd)
    this.options.push(options)
    const r = this.respond(cmd) ?? {}
    const result: RunResult = {
      exitCode: r.exitCode ?? 0,
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      tail: r.tail ?? `${r.stdout ?? ''}${r.stderr ?? ''}`
    }
    if (result.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(formatCommand(cmd), result.exitCode, result.tail, options.what)
    }
    return result
  }

  /** The calls as display lines. */
  lines(): string[] {
    return this.calls.map(formatCommand)
  }
}
