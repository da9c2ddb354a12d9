/** The container-runner tests' fixture: a recording host runner behind a ContainerRunner, and the host's environment. */
import { afterEach, beforeEach, vi } from 'vitest'
import { ContainerRunner } from '../../src/container/runner.js'
import type { Command } from '../../src/exec.js'
import { FakeRunner, type Response } from './recording-runner.js'

export const IMAGE = 'quay.io/pypa/manylinux_2_28_x86_64'
export const WS = '/home/runner/work/w/w'
export const TEMP = '/home/runner/work/_temp'

/** The action's environment: allow-listed variables, what docker needs, and secrets. */
export const HOST = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOME: '/home/runner',
  DOCKER_CONFIG: '/home/runner/.docker',
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  PIP_INDEX_URL: 'https://mirror.example/simple',
  RUNNER_TEMP: TEMP,
  HOST_ONLY: 'host-only-value',
  INPUT_NIGHTLY_TOKEN: 'secret-input',
  GITHUB_TOKEN: 'secret-github',
  ACTIONS_RUNTIME_TOKEN: 'secret-runtime',
  ANACONDA_API_TOKEN: 'secret-anaconda'
}
/** What the host runner reports as its base (ExecRunner: the action's environment less secrets). */
export const HOST_BASE = { PATH: HOST.PATH, HOME: HOST.HOME, RUNNER_TEMP: TEMP, HOST_ONLY: HOST.HOST_ONLY }
/** The container's own environment as /proc/self/environ gives it. */
export const ENVIRON =
  'PATH=/opt/rh/gcc-toolset-14/root/usr/bin:/usr/local/bin:/usr/bin\0AUDITWHEEL_PLAT=manylinux_2_28_x86_64\0' +
  'HOSTNAME=0123456789ab\0HOME=/root\0'

export function setup(
  respond: (cmd: Command) => Response = () => undefined,
  extra: { platform?: string; user?: { uid: number; gid: number; home: string } } = {}
) {
  const host = new FakeRunner(
    (cmd) => (cmd.args.includes('/proc/self/environ') ? { stdout: ENVIRON } : respond(cmd)),
    HOST_BASE
  )
  const c = new ContainerRunner({
    image: IMAGE,
    name: 'dw-test',
    mounts: [WS, TEMP],
    hostEnv: HOST,
    runner: host,
    ...extra
  })
  return { host, c }
}

/** The environment the engine process gets: the host runner's base changed by the command's env. */
export function engineEnv(host: FakeRunner, i: number): Record<string, string> {
  const env: Record<string, string> = { ...host.env }
  for (const [k, v] of Object.entries(host.calls[i].env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

/**
 * Registers hooks that capture what the runner writes to stdout (the retry base at 1 ms meanwhile);
 * returns the text written so far in the current test.
 */
export function captureStdout(): () => string {
  let written: string[] = []
  beforeEach(() => {
    process.env.DIPY_WHEELS_RETRY_BASE_MS = '1'
    written = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk))
      return true
    })
  })
  afterEach(() => {
    delete process.env.DIPY_WHEELS_RETRY_BASE_MS
    vi.restoreAllMocks()
  })
  return () => written.join('')
}
