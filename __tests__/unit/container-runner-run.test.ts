/**
 * ContainerRunner over a recording host runner: running commands (the exact engine commands and the engine's
 * environment), withContainer, and the host user.
 */
import { describe, expect, it } from 'vitest'
import { withContainer } from '../../src/container/runner.js'
import { ActionError, CommandError } from '../../src/errors.js'
import type { Command } from '../../src/exec.js'
import { FakeRunner, type Response } from './recording-runner.js'
import {
  captureStdout,
  engineEnv,
  ENVIRON,
  HOST,
  HOST_BASE,
  IMAGE,
  setup,
  TEMP,
  WS
} from './container-runner-fixture.js'

// What the runner writes goes to a capture (and the retry base is 1 ms), as for the start tests.
captureStdout()

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
