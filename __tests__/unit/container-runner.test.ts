/** ContainerRunner over a recording host runner: starting and stopping the container, and the environ parse. */
import { describe, expect, it } from 'vitest'
import { ContainerRunner, parseEnviron } from '../../src/container/runner.js'
import { ActionError } from '../../src/errors.js'
import { FakeRunner } from './recording-runner.js'
import { captureStdout, engineEnv, HOST, IMAGE, setup, TEMP, WS } from './container-runner-fixture.js'

const logged = captureStdout()

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

describe('parseEnviron', () => {
  it('splits at NUL and at the first =, keeping = and newlines in values', () => {
    expect(parseEnviron('A=1\0B=x=y\0C=line1\nline2\0\0')).toEqual({ A: '1', B: 'x=y', C: 'line1\nline2' })
  })
})
