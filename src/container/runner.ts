/**
 * A container as a Runner: started once, each command run in it with `docker exec`, as cibuildwheel's
 * OCIContainer does (cibuildwheel/oci_container.py), then removed.
 */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'
import { ActionError, CommandError, messageOf } from '../errors.js'
import { childEnv, formatCommand } from '../exec.js'
import type { Command, Runner, RunOptions, RunResult } from '../exec.js'
import { retryBaseDelay, withRetry } from '../util/retry.js'
import { classifyEngineFailure, engineCommand, engineEnvironment } from './engine.js'
import { CONTAINER_ENV_ALLOWLIST } from './image.js'

export interface ContainerOptions {
  /** The engine's executable: docker (the default) or a path to one. */
  engine?: string
  image: string
  /** Unique per run; dipy-wheels-<random> unless given. */
  name?: string
  /** Host directories, mounted at the same paths inside so every planned path holds there too. */
  mounts: readonly string[]
  /** Host variables passed in by name (their values from hostEnv). Default: CONTAINER_ENV_ALLOWLIST. */
  passEnv?: readonly string[]
  hostEnv: Readonly<Record<string, string | undefined>>
  /** Runs the engine's own commands on the host. */
  runner: Runner
  /** e.g. linux/arm64, for an image of another architecture (through QEMU). */
  platform?: string
  /**
   * The host user the commands run as inside (`--user uid:gid`), so that what they write in the mounts is
   * the runner's: GitHub's ubuntu runners are the user runner (uid 1001), not root. Root only for what
   * needs it (RunOptions.asRoot: package installs). Unset: the image's user (root). The mounts and HOME
   * must exist on the host first: a bind-mount source the daemon creates is root's.
   */
  user?: { uid: number; gid: number; home: string }
}

/** Failures of `docker run` worth another try: a pull that met a passing network fault, nothing final. */
const isNetworkFailure = (err: unknown): boolean =>
  err instanceof CommandError && classifyEngineFailure(err.tail) === 'transient'

/** /proc/<pid>/environ (or `env -0`): NAME=value entries separated by NUL. */
export function parseEnviron(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=')
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1)
  }
  return env
}

export class ContainerRunner implements Runner {
  readonly name: string
  private readonly engine: string
  /** The engine process's environment: what it needs, never the action's inputs or tokens. */
  private readonly engineEnv: Record<string, string>
  private baseEnv?: Record<string, string>
  private created = false

  constructor(private readonly opts: ContainerOptions) {
    this.engine = opts.engine ?? 'docker'
    this.name = opts.name ?? `dipy-wheels-${randomBytes(6).toString('hex')}`
    for (const dir of opts.mounts) {
      if (!dir.startsWith('/') || dir.includes(':')) {
        throw new ActionError(
          `Cannot mount ${JSON.stringify(dir)} in the container: ${this.engine} --volume needs an absolute path ` +
            "without ':'. Move the workspace or temp directory, or use container: off to build on the host."
        )
      }
    }
    this.engineEnv = engineEnvironment(opts.hostEnv)
  }

  /** The container's own environment, read once at start: where every command inside starts from. */
  get env(): Record<string, string> {
    if (!this.baseEnv) throw new ActionError(`The container ${this.name} is not started.`)
    return this.baseEnv
  }

  /** `docker run --detach` with the mounts and the allow-listed variables, then reads its environment. */
  async start(): Promise<void> {
    const { image, mounts, platform } = this.opts
    const host = childEnv(this.opts.hostEnv)
    const passed = (this.opts.passEnv ?? CONTAINER_ENV_ALLOWLIST).filter((n) => host[n] !== undefined)
    const user = this.opts.user
    // Variables by name only: the engine reads their values from its own environment, never from argv.
    // `tail -f /dev/null` keeps the container up for the execs; `rm --force` ends it. A user with no
    // passwd entry in the image gets HOME from us (the image's /root is not theirs).
    const args = ['run', '--detach', '--name', this.name]
      .concat(platform ? ['--platform', platform] : [])
      .concat(user ? ['--user', `${user.uid}:${user.gid}`, '--env', `HOME=${user.home}`] : [])
      .concat(mounts.flatMap((dir) => ['--volume', `${dir}:${dir}`]))
      .concat(passed.flatMap((n) => ['--env', n]))
      .concat(['--workdir', '/', image, 'tail', '-f', '/dev/null'])
    const runCmd = this.engineCommand(args, Object.fromEntries(passed.map((n) => [n, host[n]!])))
    const what = `${this.engine} run ${image}`
    const retry = {
      attempts: 3,
      baseDelayMs: retryBaseDelay(5000),
      retryable: isNetworkFailure,
      what: 'Starting the container'
    }
    try {
      await withRetry(async (attempt) => {
        if (attempt > 1) await this.remove()
        const r = await this.opts.runner.run(runCmd, { allowFailure: true })
        this.created = true // the engine ran: even a failed run can leave the named container behind
        if (r.exitCode !== 0) throw new CommandError(formatCommand(runCmd), r.exitCode, r.tail, what)
      }, retry)
    } catch (err) {
      throw new ActionError(
        `Could not start the container ${image}: ${messageOf(err)}\n` +
          'The Linux build runs in a container and needs Docker, as on the ubuntu runners; ' +
          'container: off builds on the host.',
        { cause: err }
      )
    }
    // /proc/self/environ is the kernel's copy, NUL-separated, in every Linux image (coreutils or busybox).
    const r = await this.exec(
      { command: 'cat', args: ['/proc/self/environ'] },
      { silent: true, what: 'Reading the container environment' }
    )
    this.baseEnv = parseEnviron(r.stdout)
  }

  /**
   * `docker exec`. The command's variables reach the container by name through the engine's environment
   * (`--env K`), never as K=V on argv. A name without a value is one the engine removes: the CLI passes a
   * name it does not have as it is (docker/cli opts/env.go ValidateEnv) and the daemon drops such a name
   * from the exec's environment (moby container/env.go ReplaceOrAppendEnvValues). So `{K: undefined}` is
   * `--env K` with K kept out of the engine's environment; no wrapper runs inside, and the base is the
   * container's, never the host's. Only variables the engine needs itself (PATH, HOME) go as K=V: paths.
   */
  async run(cmd: Command, options: RunOptions = {}): Promise<RunResult> {
    if (!this.baseEnv) throw new ActionError(`The container ${this.name} is not started.`)
    return this.exec(cmd, options)
  }

  private async exec(cmd: Command, options: RunOptions): Promise<RunResult> {
    const flags: string[] = []
    const values: Record<string, string> = {}
    for (const [k, v] of Object.entries(cmd.env ?? {})) {
      if (!Object.hasOwn(this.engineEnv, k)) {
        flags.push('--env', k)
        if (v !== undefined) values[k] = v
      } else if (v !== undefined) {
        flags.push('--env', `${k}=${v}`)
      } else {
        throw new ActionError(`Cannot remove ${k} inside the container: ${this.engine} needs it itself.`)
      }
    }
    const root = options.asRoot && this.opts.user ? ['--user', '0:0'] : []
    const args = [
      'exec',
      ...(options.input ? ['--interactive'] : []),
      ...root,
      '--workdir',
      cmd.cwd ?? '/'
    ].concat(flags, [this.name, cmd.command], cmd.args)
    const engineCmd = this.engineCommand(args, values)
    const result = await this.opts.runner.run(engineCmd, { ...options, allowFailure: true })
    if (result.exitCode !== 0 && !options.allowFailure) {
      // The whole output (not only the tail) is where the cause is looked for, as ExecRunner does.
      const log = `${result.stdout}\n${result.stderr}`
      throw new CommandError(formatCommand(cmd), result.exitCode, result.tail, options.what, log)
    }
    return result
  }

  /** `command -v` inside: the container's own PATH, never the host's. */
  async which(name: string): Promise<string | undefined> {
    const r = await this.run(
      { command: 'sh', args: ['-c', 'command -v -- "$1"', 'sh', name] },
      { silent: true, allowFailure: true }
    )
    const found = r.stdout.trim()
    return r.exitCode === 0 && found.startsWith('/') ? found : undefined
  }

  /** `docker rm --force`: idempotent, never throws (a failure is a warning). */
  async stop(): Promise<void> {
    if (!this.created) return
    await this.remove()
    this.created = false
    this.baseEnv = undefined
  }

  private async remove(): Promise<void> {
    try {
      const r = await this.opts.runner.run(this.engineCommand(['rm', '--force', this.name], {}), {
        silent: true,
        allowFailure: true
      })
      if (r.exitCode !== 0 && !/no such container/i.test(r.tail)) {
        core.warning(`Could not remove the container ${this.name} (exit code ${r.exitCode}): ${r.tail}`)
      }
    } catch (err) {
      core.warning(`Could not remove the container ${this.name}: ${messageOf(err)}`)
    }
  }

  private engineCommand(args: string[], values: Record<string, string>): Command {
    return engineCommand(this.engine, this.opts.runner, this.engineEnv, args, values)
  }
}

/** Starts a container, runs `fn` with it, and always removes it, also when start or `fn` fails. */
export async function withContainer<T>(
  opts: ContainerOptions,
  fn: (container: ContainerRunner) => Promise<T>
): Promise<T> {
  const container = new ContainerRunner(opts)
  try {
    await container.start()
    return await fn(container)
  } finally {
    await container.stop()
  }
}
