import * as exec from '@actions/exec'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError } from './errors.js'
import { Heartbeat, heartbeatMs } from './heartbeat.js'

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

/**
 * Runs `fn` (a library call that starts processes with the whole of process.env, as @actions/cache's tar
 * and @actions/tool-cache's tar and unzip do) with every secret but those in `keep` taken out of
 * process.env, and puts them back after. The inputs are read, and the tokens masked, before any such call.
 */
export async function withoutSecrets<T>(keep: ReadonlySet<string>, fn: () => Promise<T>): Promise<T> {
  const hidden: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || !SECRET_VARS.test(k) || keep.has(k.toUpperCase())) continue
    hidden[k] = v
    delete process.env[k]
  }
  try {
    return await fn()
  } finally {
    Object.assign(process.env, hidden)
  }
}

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

/** A bare command name (no directory part): looked up on a PATH. */
export const isBareName = (name: string, platform: NodeJS.Platform = process.platform): boolean =>
  !(platform === 'win32' ? /[\\/]/ : /\//).test(name)

/**
 * The file names tried for `name` in each PATH directory. On Windows: the name itself when it already ends
 * with one of PATHEXT's extensions, then the name with each of them (cmd.exe's search order; PATHEXT
 * defaults to .COM;.EXE;.BAT;.CMD).
 */
export function executableNames(name: string, platform: NodeJS.Platform, pathext?: string): string[] {
  if (platform !== 'win32') return [name]
  const exts = (pathext || '.COM;.EXE;.BAT;.CMD')
    .split(';')
    .map((e) => e.trim())
    .filter((e) => e.startsWith('.'))
  const own = exts.some((e) => name.toUpperCase().endsWith(e.toUpperCase())) ? [name] : []
  return [...own, ...exts.map((e) => name + e.toLowerCase())]
}

/**
 * A variable of a child's environment: on Windows whatever the case of its name, the spelling set last
 * winning (an override added under `Path` to an environment that has `PATH`).
 */
export function envValue(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  platform: NodeJS.Platform = process.platform
): string | undefined {
  if (platform !== 'win32') return env[name]
  let value: string | undefined
  for (const [k, v] of Object.entries(env)) if (k.toUpperCase() === name && v !== undefined) value = v
  return value
}

/** The first executable `name` in the PATH-like list `pathVar` (PATHEXT's extensions on Windows). */
export function whichIn(
  name: string,
  pathVar: string | undefined,
  pathext?: string,
  platform: NodeJS.Platform = process.platform
): string | undefined {
  const p = platform === 'win32' ? path.win32 : path.posix
  const names = executableNames(name, platform, pathext)
  for (const dir of (pathVar ?? '').split(p.delimiter).filter(Boolean)) {
    for (const file of names) {
      const candidate = p.join(dir, file)
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

/**
 * The file a command runs: a bare name found on the PATH of the child's own environment `env` (not the
 * action's: @actions/exec resolves a bare name with process.env.PATH), else the command as given.
 * Throws when a bare name is on no directory of that PATH.
 */
export function resolveCommand(command: string, env: Readonly<Record<string, string | undefined>>): string {
  if (!isBareName(command)) return command
  const pathVar = envValue(env, 'PATH')
  const found = whichIn(command, pathVar, envValue(env, 'PATHEXT'))
  if (found) return found
  throw new Error(
    `Unable to locate executable file: ${command}. It is on no directory of the PATH the command is given ` +
      `(${pathVar ?? 'none'}).`
  )
}

/** The real runner over @actions/exec: runs with a clean environment, fails by default. */
export class ExecRunner implements Runner {
  readonly env: Readonly<Record<string, string>>

  constructor(baseEnv: Readonly<Record<string, string | undefined>> = process.env) {
    this.env = childEnv(baseEnv)
  }

  async which(name: string): Promise<string | undefined> {
    return whichIn(name, envValue(this.env, 'PATH'), envValue(this.env, 'PATHEXT'))
  }

  async run(cmd: Command, options: RunOptions = {}): Promise<RunResult> {
    // @actions/exec echoes the command line itself ([command]...) unless silent.
    const tail = new Tail(TAIL_LINES)
    const scan = new Tail(SCAN_LINES)
    const env = childEnv(this.env, cmd.env)
    // A shown command that goes quiet gets a heartbeat line (what runs, how long, ninja's counter).
    const beat = options.silent
      ? undefined
      : new Heartbeat(options.what ?? path.basename(cmd.command), heartbeatMs(), (l) =>
          process.stdout.write(`${l}\n`)
        ).start()
    const line = (l: string): void => (tail.push(l), scan.push(l), beat?.line(l))
    const out = await exec
      .getExecOutput(resolveCommand(cmd.command, env), cmd.args, {
        cwd: cmd.cwd,
        env,
        silent: options.silent,
        ignoreReturnCode: true,
        input: options.input,
        listeners: {
          stdout: () => beat?.output(),
          stderr: () => beat?.output(),
          stdline: line,
          errline: line
        }
      })
      .finally(() => beat?.stop())
    const result = { exitCode: out.exitCode, stdout: out.stdout, stderr: out.stderr, tail: tail.toString() }
    if (out.exitCode !== 0 && !options.allowFailure) {
      throw new CommandError(formatCommand(cmd), out.exitCode, result.tail, options.what, scan.toString())
    }
    return result
  }
}
