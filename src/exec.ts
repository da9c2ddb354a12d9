import * as exec from '@actions/exec'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError } from './errors.js'

/** One external command: argv, never a shell string. */
export interface Command {
  command: string
  args: string[]
  cwd?: string
  /** Variables added to (or, with undefined, removed from) the clean child environment. */
  env?: Record<string, string | undefined>
}

export interface RunOptions {
  /** Do not echo the output to the log (it is still captured). */
  silent?: boolean
  /** Return a non-zero result instead of throwing. */
  allowFailure?: boolean
  /** What the failure message calls the command (e.g. "the wheel build"). */
  what?: string
  /** Bytes written to the child's stdin. */
  input?: Buffer
  /**
   * The command needs root (a package install). A container whose commands run as the host's user runs
   * this one as root; on the host it changes nothing (the caller plans sudo where it is not root).
   */
  asRoot?: boolean
}

export interface RunResult {
  exitCode: number
  stdout: string
  stderr: string
  /** The last lines of stdout and stderr together, for error messages. */
  tail: string
}

/**
 * Runs commands: on the host (ExecRunner), in a container (ContainerRunner), or a recording fake in tests.
 * `env` is the environment commands start from there (never the action's secrets); a Command's env changes it.
 */
export interface Runner {
  readonly env: Readonly<Record<string, string>>
  run(cmd: Command, options?: RunOptions): Promise<RunResult>
  /** The absolute path of `name` on the runner's PATH, or undefined. */
  which(name: string): Promise<string | undefined>
}

/** Variables never passed to a child process: the action's inputs (tokens) and the runner's own credentials. */
const SECRET_VARS =
  /^(INPUT_.*|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_(TOKEN|URL)|ACTIONS_RESULTS_URL|ACTIONS_CACHE_URL|ACTIONS_RUNTIME_URL|GITHUB_TOKEN|BINSTAR_API_TOKEN|ANACONDA_API_TOKEN)$/i

/** The environment of a child process: the action's environment less every secret, plus `extra`. */
export function childEnv(
  base: Readonly<Record<string, string | undefined>>,
  extra: Record<string, string | undefined> = {}
): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !SECRET_VARS.test(k)) env[k] = v
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/** Quotes an argv for display (`+ git clone -- 'a b'`). */
export function formatCommand(cmd: Command): string {
  const q = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
  return [cmd.command, ...cmd.args].map(q).join(' ')
}

const TAIL_LINES = 40
/** Lines kept for finding the cause of a failure (headline): a compiler error can be far above the end. */
const SCAN_LINES = 2000

class Tail {
  private lines: string[] = []
  constructor(private readonly size: number) {}
  push(line: string): void {
    this.lines.push(line)
    if (this.lines.length > this.size) this.lines.shift()
  }
  toString(): string {
    return this.lines.join('\n')
  }
}

/** The first executable `name` in the PATH-like list `pathVar`. */
export function whichIn(name: string, pathVar: string | undefined): string | undefined {
  const exts = process.platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : ['']
  for (const dir of (pathVar ?? '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext)
      try {
        fs.accessSync(candidate, fs.constants.X_OK)
        if (fs.statSync(candidate).isFile()) return candidate
      } catch {
        // not here
      }
    }
  }
  return undefined
}

/** The real runner over @actions/exec: runs with a clean environment, fails by default. */
export class ExecRunner implements Runner {
  readonly env: Readonly<Record<string, string>>

  constructor(baseEnv: Readonly<Record<string, string | undefined>> = process.env) {
    this.env = childEnv(baseEnv)
  }

  async which(name: string): Promise<string | undefined> {
    return whichIn(name, this.env.PATH ?? this.env.Path)
  }

  async run(cmd: Command, options: RunOptions = {}): Promise<RunResult> {
    // @actions/exec echoes the command line itself ([command]...) unless silent.
    const tail = new Tail(TAIL_LINES)
    const scan = new Tail(SCAN_LINES)
    const out = await exec.getExecOutput(cmd.command, cmd.args, {
      cwd: cmd.cwd,
      env: childEnv(this.env, cmd.env),
      silent: options.silent,
      ignoreReturnCode: true,
      input: options.input,
      listeners: {
        stdline: (l) => (tail.push(l), scan.push(l)),
        errline: (l) => (tail.push(l), scan.push(l))
      }
    })
    const result = { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, tail: tail.toString() }
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(formatCommand(cmd), out.exitCode, result.tail, options.what, scan.toString())
    }
    return result
  }
}
