/**
 * The container engine checked before anything is cloned: is there an engine, does its daemon answer, may
 * this user talk to it, is the image there or can it be pulled. Each problem is told apart by what the
 * docker CLI prints (docker/cli's connection errors, the registry's answers passed through by the daemon)
 * and reported in one line with its fix. Only a pull that met a passing network fault is tried again:
 * a name that does not resolve, a missing image or refused credentials do not get better by waiting.
 */
import * as core from '@actions/core'
import { ActionError } from '../errors.js'
import { childEnv, type Command, type Runner } from '../exec.js'
import { retryBaseDelay, withRetry } from '../util/retry.js'

/** What the engine process itself needs from the host: its helpers (PATH), its config and its daemon. */
const ENGINE_VARS = /^(PATH|HOME|XDG_RUNTIME_DIR|DOCKER_[A-Z0-9_]+)$/

/** The engine's own environment: those variables of the host's, never the action's inputs or tokens. */
export function engineEnvironment(
  hostEnv: Readonly<Record<string, string | undefined>>
): Record<string, string> {
  return Object.fromEntries(Object.entries(childEnv(hostEnv)).filter(([k]) => ENGINE_VARS.test(k)))
}

/**
 * An engine command whose environment is the engine's needs plus `values` (variables the engine hands on
 * by name), nothing else of the host runner's.
 */
export function engineCommand(
  engine: string,
  runner: Runner,
  engineEnv: Record<string, string>,
  args: string[],
  values: Record<string, string> = {}
): Command {
  const cleared = Object.fromEntries(Object.keys(runner.env).map((k) => [k, undefined]))
  return { command: engine, args, env: { ...cleared, ...engineEnv, ...values } }
}

export type EngineProblem =
  | 'daemon' // nothing answers on the socket (or DOCKER_HOST)
  | 'permission' // the socket is there and refuses this user
  | 'dns' // the registry's name does not resolve
  | 'not-found' // the registry has no such image or tag
  | 'auth' // the registry wants credentials, or refused them
  | 'transient' // a network fault or an overloaded registry: worth another try
  | 'other'

/** The problem a failed engine command printed. */
export function classifyEngineFailure(text: string): EngineProblem {
  if (/permission denied while trying to connect|connect: permission denied/i.test(text)) return 'permission'
  if (/cannot connect to the docker daemon|is the docker daemon running|error during connect/i.test(text))
    return 'daemon'
  if (
    /no such host|server misbehaving|name resolution|could not resolve host|name or service not known/i.test(
      text
    )
  )
    return 'dns'
  if (/unauthorized|authentication required|denied: |no basic auth credentials|\b401\b|\b403\b/i.test(text))
    return /pull access denied/i.test(text) ? 'not-found' : 'auth'
  if (/manifest unknown|not found|pull access denied|repository does not exist|no such image/i.test(text))
    return 'not-found'
  if (
    /timeout|timed out|TLS handshake|connection (reset|refused)|unexpected EOF|temporary failure|toomanyrequests|\b50[0234]\b/i.test(
      text
    )
  )
    return 'transient'
  return 'other'
}

/** The registry an image reference names: its first part when that is a host, else Docker Hub. */
export function registryOf(image: string): string {
  const first = image.split('/')[0]
  return image.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io'
}

export interface EngineCheck {
  /** The engine's executable (docker, or a path to one). */
  engine: string
  image: string
  platform?: string
  hostEnv: Readonly<Record<string, string | undefined>>
  /** Runs the engine's commands on the host. */
  runner: Runner
  /** Who the action runs as, for the permission message. */
  uid?: number
}

const OFF = 'or set container: off to build on the host'

/** The one-line cause and fix of a problem. */
export function engineMessage(
  problem: EngineProblem,
  c: Pick<EngineCheck, 'engine' | 'image' | 'uid'>,
  tail: string
): string {
  const last = tail.trim().split('\n').filter(Boolean).slice(-1)[0] ?? ''
  const registry = registryOf(c.image)
  switch (problem) {
    case 'daemon':
      return `The ${c.engine} daemon does not answer (${last}): start it (sudo systemctl start docker), ${OFF}.`
    case 'permission':
      return (
        `This user${c.uid === undefined ? '' : ` (uid ${c.uid})`} may not use the ${c.engine} daemon's socket: ` +
        `add it to the docker group (sudo usermod -aG docker "$USER", then a new login session), ${OFF}.`
      )
    case 'dns':
      return (
        `Cannot pull ${c.image}: the registry's name ${registry} does not resolve (${last}). Check the image ` +
        `name and this runner's DNS, load the image beforehand (docker load), ${OFF}.`
      )
    case 'not-found':
      return `Cannot pull ${c.image}: ${registry} has no such image or tag (${last}). Check the container input's name and tag, ${OFF}.`
    case 'auth':
      return `Cannot pull ${c.image}: ${registry} wants credentials (${last}). Run docker login ${registry} before this step, ${OFF}.`
    default:
      return `Cannot pull ${c.image}: ${last}. ${OFF[0].toUpperCase()}${OFF.slice(1)}.`
  }
}

/**
 * Checks the engine and makes sure the image is there (pulling it), or throws an ActionError with the
 * cause and its fix. Runs before the clone: a run that cannot build in its container stops at once.
 */
export async function checkEngine(c: EngineCheck): Promise<void> {
  if (!(c.engine.includes('/') || (await c.runner.which(c.engine)))) {
    throw new ActionError(
      `The Linux build runs in the container ${c.image}, and there is no ${c.engine} on PATH: install Docker ` +
        `(GitHub's ubuntu runners have it), ${OFF}.`
    )
  }
  const env = engineEnvironment(c.hostEnv)
  const run = (args: string[]) =>
    c.runner.run(engineCommand(c.engine, c.runner, env, args), { silent: true, allowFailure: true })
  const fail = (problem: EngineProblem, tail: string): never => {
    throw new ActionError(engineMessage(problem, c, tail))
  }

  const version = await run(['version', '--format', '{{.Server.Version}}'])
  if (version.exitCode !== 0) {
    const problem = classifyEngineFailure(version.tail)
    fail(problem === 'permission' ? 'permission' : 'daemon', version.tail)
  }
  core.info(`Container engine: ${c.engine}, daemon ${version.stdout.trim()}`)
  const inspect = await run(['image', 'inspect', '--format', '{{.Id}}', c.image])
  if (inspect.exitCode === 0) {
    core.info(`Container image: ${c.image} (${inspect.stdout.trim().slice(0, 19)}), already here`)
    return
  }
  const pull = ['pull', ...(c.platform ? ['--platform', c.platform] : []), c.image]
  let problem: EngineProblem = 'other'
  await withRetry(
    async () => {
      const r = await run(pull)
      if (r.exitCode === 0) return
      problem = classifyEngineFailure(r.tail)
      throw new ActionError(engineMessage(problem, c, r.tail))
    },
    {
      attempts: 3,
      baseDelayMs: retryBaseDelay(5000),
      retryable: () => problem === 'transient',
      what: `Pulling ${c.image}`
    }
  )
  core.info(`Container image: ${c.image}, pulled`)
}
