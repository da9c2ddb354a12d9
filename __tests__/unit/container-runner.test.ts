/** ContainerRunner over a recording host runner: the exact engine commands and the engine's environment. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ContainerRunner, parseEnviron, withContainer } from '../../src/container/runner.js'
import { ActionError, CommandError } from '../../src/errors.js'
import type { Command } from '../../src/exec.js'
import { FakeRunner, type Response } from './recording-runner.js'

const IMAGE = 'quay.io/pypa/manylinux_2_28_x86_64'
const WS = '/home/runner/work/w/w'
const TEMP = '/home/runner/work/_temp'

/** The action's environment: allow-listed variables, what docker needs, and secrets. */
const HOST = {
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
const HOST_BASE = { PATH: HOST.PATH, HOME: HOST.HOME, RUNNER_TEMP: TEMP, HOST_ONLY: HOST.HOST_ONLY }
/** The container's own environment as /proc/self/environ gives it. */
const ENVIRON =
  'PATH=/opt/rh/gcc-toolset-14/root/usr/bin:/usr/local/bin:/usr/bin\0AUDITWHEEL_PLAT=manylinux_2_28_x86_64\0' +
  'HOSTNAME=0123456789ab\0HOME=/root\0'

function setup(
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
function engineEnv(host: FakeRunner, i: number): Record<string, string> {
  const env: Record<string, string> = { ...host.env }
  for (const [k, v] of Object.entries(host.calls[i].env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  return env
}

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
const logged = (): string => written.join('')

describe('start', () => {
  it('runs the image detached with same-path mounts and allow-listed variables by name', async () => {
    const { host, c } = setup()
    await c.start()
    expect(host.calls[0].command).toBe('docker')
    expect(host.calls[0].args).toEqual([
      'run',
      '--detach',
      '--name',
      'dw-test',
      '--volume',
      `${WS}:${WS}`,
      '--volume',
      `${TEMP}:${TEMP}`,
      '--env',
      'CI',
      '--env',
      'GITHUB_ACTIONS',
      '--env',
      'PIP_INDEX_URL',
      '--workdir',
      '/',
      IMAGE,
      'tail',
      '-f',
      '/dev/null'
    ])
    expect(engineEnv(host, 0)).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/home/runner/.docker',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      PIP_INDEX_URL: 'https://mirror.example/simple'
    })
  })

  it('reads the container environment once: the base commands start from inside', async () => {
    const { host, c } = setup()
    await c.start()
    expect(host.calls[1].args).toEqual(['exec', '--workdir', '/', 'dw-test', 'cat', '/proc/self/environ'])
    expect(c.env).toEqual({
      PATH: '/opt/rh/gcc-toolset-14/root/usr/bin:/usr/local/bin:/usr/bin',
      AUDITWHEEL_PLAT: 'manylinux_2_28_x86_64',
      HOSTNAME: '0123456789ab',
      HOME: '/root'
    })
    expect(host.calls).toHaveLength(2)
  })

  it('passes --platform when given', async () => {
    const { host, c } = setup(undefined, { platform: 'linux/arm64' })
    await c.start()
    expect(host.calls[0].args.slice(0, 6)).toEqual([
      'run',
      '--detach',
      '--name',
      'dw-test',
      '--platform',
      'linux/arm64'
    ])
  })

  it('tries a pull that met the network again, after removing what the failed run left', async () => {
    let runs = 0
    const { host, c } = setup((cmd) =>
      cmd.args[0] === 'run' && ++runs === 1
        ? { exitCode: 125, stderr: 'docker: error pulling image: net/http: TLS handshake timeout' }
        : undefined
    )
    await c.start()
    expect(host.calls.map((x) => x.args[0])).toEqual(['run', 'rm', 'run', 'exec'])
    expect(host.calls[1].args).toEqual(['rm', '--force', 'dw-test'])
  })

  it('does not retry a missing image; says what the build needs and how to do without', async () => {
    const { host, c } = setup((cmd) =>
      cmd.args[0] === 'run'
        ? {
            exitCode: 125,
            stderr:
              "Unable to find image 'nope:1' locally\ndocker: Error response from daemon: pull access denied"
          }
        : undefined
    )
    const err = await c.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ActionError)
    expect((err as Error).message).toContain('pull access denied')
    expect((err as Error).message).toContain('needs Docker, as on the ubuntu runners')
    expect((err as Error).message).toContain('container: off builds on the host')
    expect(host.calls.map((x) => x.args[0])).toEqual(['run'])
  })

  it('turns a missing engine into the same clear error, and has nothing to remove then', async () => {
    const { host, c } = setup((cmd) => {
      if (cmd.args[0] === 'run') throw new Error('Unable to locate executable file: docker.')
    })
    await expect(c.start()).rejects.toThrow(/Unable to locate executable file: docker\.[\s\S]*needs Docker/)
    await c.stop()
    expect(host.calls.map((x) => x.args[0])).toEqual(['run'])
  })

  it('refuses a mount docker --volume cannot express, before running anything', () => {
    const host = new FakeRunner()
    const make = (dir: string) => () =>
      new ContainerRunner({ image: IMAGE, mounts: [dir], hostEnv: HOST, runner: host })
    expect(make('/a:b')).toThrow(/Cannot mount "\/a:b".*container: off/)
    expect(make('relative/dir')).toThrow(ActionError)
    expect(host.calls).toEqual([])
  })

  it('names each container uniquely', () => {
    const host = new FakeRunner()
    const names = [1, 2, 3].map(
      () => new ContainerRunner({ image: IMAGE, mounts: [], hostEnv: HOST, runner: host }).name
    )
    expect(new Set(names).size).toBe(3)
    for (const n of names) expect(n).toMatch(/^dipy-wheels-[0-9a-f]{12}$/)
  })
})

describe('run', () => {
  it('execs the command in the container at its cwd, its variables by name', async () => {
    const { host, c } = setup()
    await c.start()
    await c.run({
      command: '/opt/python/cp312-cp312/bin/python',
      args: ['-m', 'build', '--wheel'],
      cwd: `${WS}/dipy`,
      env: { CFLAGS: '-O2 -g0', PIP_CONSTRAINT: `${TEMP}/c.txt` }
    })
    expect(host.calls[2].args).toEqual([
      'exec',
      '--workdir',
      `${WS}/dipy`,
      '--env',
      'CFLAGS',
      '--env',
      'PIP_CONSTRAINT',
      'dw-test',
      '/opt/python/cp312-cp312/bin/python',
      '-m',
      'build',
      '--wheel'
    ])
    expect(engineEnv(host, 2)).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/home/runner/.docker',
      CFLAGS: '-O2 -g0',
      PIP_CONSTRAINT: `${TEMP}/c.txt`
    })
  })

  it('removes a variable by passing its bare name, kept out of the engine environment', async () => {
    const { host, c } = setup()
    await c.start()
    await c.run({
      command: 'python',
      args: ['-V'],
      env: { PYTHONPATH: undefined, AUDITWHEEL_PLAT: undefined }
    })
    expect(host.calls[2].args).toEqual([
      'exec',
      '--workdir',
      '/',
      '--env',
      'PYTHONPATH',
      '--env',
      'AUDITWHEEL_PLAT',
      'dw-test',
      'python',
      '-V'
    ])
    expect(Object.keys(engineEnv(host, 2)).sort()).toEqual(['DOCKER_CONFIG', 'HOME', 'PATH'])
  })

  it('passes a variable the engine needs itself (PATH) inline; refuses to remove one', async () => {
    const { host, c } = setup()
    await c.start()
    await c.run({ command: 'auditwheel', args: ['--version'], env: { PATH: '/tools/bin:/usr/bin' } })
    expect(host.calls[2].args).toEqual([
      'exec',
      '--workdir',
      '/',
      '--env',
      'PATH=/tools/bin:/usr/bin',
      'dw-test',
      'auditwheel',
      '--version'
    ])
    expect(engineEnv(host, 2).PATH).toBe('/usr/local/bin:/usr/bin:/bin')
    await expect(c.run({ command: 'true', args: [], env: { HOME: undefined } })).rejects.toThrow(
      'Cannot remove HOME inside the container'
    )
    expect(host.calls).toHaveLength(3)
  })

  it('keeps stdin open (--interactive) for a command with input, and hands the input on', async () => {
    const { host, c } = setup()
    await c.start()
    const input = Buffer.from('hello')
    await c.run({ command: 'cat', args: [] }, { input, silent: true })
    expect(host.calls[2].args).toEqual(['exec', '--interactive', '--workdir', '/', 'dw-test', 'cat'])
    expect(host.options[2]).toEqual({ input, silent: true, allowFailure: true })
  })

  it('fails with the command as run inside, its exit code and output', async () => {
    const { c } = setup((cmd) =>
      cmd.args.includes('-c')
        ? { exitCode: 3, stdout: 'building\n', stderr: 'error: no compiler\n' }
        : undefined
    )
    await c.start()
    const err = await c
      .run({ command: 'python', args: ['-c', 'import sys; sys.exit(3)'] }, { what: 'The wheel build' })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CommandError)
    expect(err).toMatchObject({ command: "python -c 'import sys; sys.exit(3)'", exitCode: 3 })
    expect((err as Error).message).toBe(
      'The wheel build failed: error: no compiler\n(exit code 3)\nLast lines of its output:\nbuilding\nerror: no compiler'
    )
    const r = await c.run({ command: 'python', args: ['-c', 'x'] }, { allowFailure: true })
    expect(r).toMatchObject({ exitCode: 3, stdout: 'building\n', stderr: 'error: no compiler\n' })
  })

  it('refuses to run before start', async () => {
    const { host, c } = setup()
    await expect(c.run({ command: 'true', args: [] })).rejects.toThrow('dw-test is not started')
    expect(() => c.env).toThrow(ActionError)
    expect(host.calls).toEqual([])
  })

  it('never puts a secret on the engine argv or in its environment', async () => {
    const { host, c } = setup()
    await c.start()
    // A command's own secret value travels in the engine's environment only, never on its argv.
    await c.run({ command: 'twine', args: ['upload'], env: { TWINE_PASSWORD: 'pypi-AgEIcHlwaS5vcmc' } })
    await c.stop()
    expect(engineEnv(host, 2).TWINE_PASSWORD).toBe('pypi-AgEIcHlwaS5vcmc')
    for (let i = 0; i < host.calls.length; i++) {
      expect(host.calls[i].args.join(' ')).not.toContain('pypi-AgEIcHlwaS5vcmc')
      const seen = JSON.stringify([host.calls[i].args, engineEnv(host, i)])
      for (const s of ['secret-', 'INPUT_', 'GITHUB_TOKEN', 'ACTIONS_RUNTIME', 'HOST_ONLY', 'RUNNER_TEMP']) {
        expect(seen).not.toContain(s)
      }
    }
  })
})

describe('stop', () => {
  it('removes the container once; a second stop does nothing', async () => {
    const { host, c } = setup()
    await c.start()
    await c.stop()
    await c.stop()
    expect(host.calls.slice(2).map((x) => x.args)).toEqual([['rm', '--force', 'dw-test']])
    expect(engineEnv(host, 2)).toEqual({
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: '/home/runner',
      DOCKER_CONFIG: '/home/runner/.docker'
    })
  })

  it('warns instead of throwing when the engine cannot remove it', async () => {
    const { c } = setup((cmd) =>
      cmd.args[0] === 'rm'
        ? { exitCode: 1, stderr: 'Error response from daemon: permission denied' }
        : undefined
    )
    await c.start()
    await expect(c.stop()).resolves.toBeUndefined()
    expect(logged()).toContain('::warning::Could not remove the container dw-test (exit code 1)')
  })

  it('warns instead of throwing when the engine is gone', async () => {
    const { c } = setup((cmd) => {
      if (cmd.args[0] === 'rm') throw new Error('Unable to locate executable file: docker.')
    })
    await c.start()
    await expect(c.stop()).resolves.toBeUndefined()
    expect(logged()).toContain('::warning::Could not remove the container dw-test: Unable to locate')
  })

  it('does nothing for a container never started', async () => {
    const { host, c } = setup()
    await c.stop()
    expect(host.calls).toEqual([])
  })
})

describe('withContainer', () => {
  const opts = (host: FakeRunner) => ({
    image: IMAGE,
    name: 'dw-w',
    mounts: [WS],
    hostEnv: HOST,
    runner: host
  })
  const environ = (cmd: Command): Response =>
    cmd.args.includes('/proc/self/environ') ? { stdout: ENVIRON } : undefined

  it('returns what the callback returns and removes the container', async () => {
    const host = new FakeRunner(environ, HOST_BASE)
    const out = await withContainer(
      opts(host),
      async (c) => (await c.run({ command: 'uname', args: [] })).exitCode
    )
    expect(out).toBe(0)
    expect(host.calls.map((x) => x.args.slice(0, 3))).toEqual([
      ['run', '--detach', '--name'],
      ['exec', '--workdir', '/'],
      ['exec', '--workdir', '/'],
      ['rm', '--force', 'dw-w']
    ])
  })

  it('removes the container when the callback throws, and rethrows', async () => {
    const host = new FakeRunner(environ, HOST_BASE)
    const boom = new Error('repair failed')
    await expect(
      withContainer(opts(host), async () => {
        throw boom
      })
    ).rejects.toBe(boom)
    expect(host.calls.at(-1)!.args).toEqual(['rm', '--force', 'dw-w'])
  })

  it('removes what a failed start left behind', async () => {
    const host = new FakeRunner(
      (cmd) =>
        cmd.args[0] === 'run' ? { exitCode: 125, stderr: 'docker: invalid reference format' } : undefined,
      HOST_BASE
    )
    await expect(withContainer(opts(host), async () => 1)).rejects.toThrow(ActionError)
    expect(host.calls.map((x) => x.args[0])).toEqual(['run', 'rm'])
  })
})

describe('parseEnviron', () => {
  it('splits at NUL and at the first =, keeping = and newlines in values', () => {
    expect(parseEnviron('A=1\0B=x=y\0C=line1\nline2\0\0')).toEqual({ A: '1', B: 'x=y', C: 'line1\nline2' })
  })
})

describe('ContainerRunner as the host user (GitHub runner: not root)', () => {
  const user = { uid: 1001, gid: 118, home: `${TEMP}/dipy-wheels/home` }
  const setupUser = () => setup(undefined, { user })

  it('starts the container as uid:gid with a HOME in a mount; commands run as that user', async () => {
    const { host, c } = setupUser()
    await c.start()
    const run = host.calls[0].args
    expect(run.slice(0, 8)).toEqual([
      'run',
      '--detach',
      '--name',
      'dw-test',
      '--user',
      '1001:118',
      '--env',
      `HOME=${user.home}`
    ])
    await c.run({ command: 'pip', args: ['install', 'x'], cwd: WS })
    expect(host.calls.at(-1)!.args).toEqual(['exec', '--workdir', WS, 'dw-test', 'pip', 'install', 'x'])
  })

  it('runs a package install as root (docker exec --user 0:0), and only that one', async () => {
    const { host, c } = setupUser()
    await c.start()
    await c.run({ command: 'apt-get', args: ['install', '-y', 'ccache'] }, { asRoot: true })
    expect(host.calls.at(-1)!.args).toEqual([
      'exec',
      '--user',
      '0:0',
      '--workdir',
      '/',
      'dw-test',
      'apt-get',
      'install',
      '-y',
      'ccache'
    ])
    await c.run({ command: 'ccache', args: ['-s'] })
    expect(host.calls.at(-1)!.args).not.toContain('--user')
  })

  it('as root (no user): no --user anywhere, asRoot changes nothing', async () => {
    const { host, c } = setup()
    await c.start()
    await c.run({ command: 'apt-get', args: ['update'] }, { asRoot: true })
    expect(host.calls.flatMap((x) => x.args)).not.toContain('--user')
  })
})
