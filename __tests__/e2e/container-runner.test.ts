/** ContainerRunner against the fake engine, for real: commands run "inside", isolated, and always removed. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContainerRunner, withContainer, type ContainerOptions } from '../../src/container/runner.js'
import { ActionError, CommandError } from '../../src/errors.js'
import { ExecRunner } from '../../src/exec.js'
import { hostPythons, makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'

const IMAGE = 'quay.io/pypa/manylinux_2_28_x86_64'
const pythons = hostPythons()
const py = pythons.find((p) => p.version === '3.11') ?? pythons[0]
if (!py)
  throw new Error('These tests need a host CPython 3.x (pyenv versions or python3.X on PATH); none found.')
const tag = `cp${py.version.replace('.', '')}`
const PYTHON = `/opt/python/${tag}-${tag}/bin/python`

let tmp: string
let ws: string
let fake: FakeEngine
let hostEnv: Record<string, string>

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-container-'))
  ws = path.join(tmp, 'work')
  fs.mkdirSync(ws)
  const image = manylinuxLikeImage(pythons)
  // A tool that exists only inside the image, on its PATH.
  image.files = { '/usr/local/bin/dw-inside': '#!/bin/sh\necho "inside: $*"\n' }
  fake = makeFakeEngine(path.join(tmp, 'engine'), { images: { [IMAGE]: image } })
  hostEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: os.homedir(),
    CI: 'true',
    PIP_INDEX_URL: 'https://mirror.example/simple',
    HOST_ONLY: 'seen-on-the-host-only',
    INPUT_ANACONDA_TOKEN: 'secret-input',
    GITHUB_TOKEN: 'secret-github'
  }
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const options = (): ContainerOptions => ({
  engine: fake.engine,
  image: IMAGE,
  mounts: [ws],
  hostEnv,
  runner: new ExecRunner(hostEnv)
})

/** Python code printing a JSON value. */
const printJson = (expr: string) => ['-c', `import json, os, sys; print(json.dumps(${expr}))`]

describe('a container on the fake engine', () => {
  it('runs /opt/python inside, at a mounted cwd, from the image environment plus the allow-list', async () => {
    await withContainer(options(), async (c) => {
      expect(c.env).toEqual({
        PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        AUDITWHEEL_POLICY: 'manylinux_2_34',
        AUDITWHEEL_ARCH: 'x86_64',
        AUDITWHEEL_PLAT: 'manylinux_2_34_x86_64',
        LANG: 'C.UTF-8',
        CI: 'true',
        PIP_INDEX_URL: 'https://mirror.example/simple'
      })
      const r = await c.run(
        {
          command: PYTHON,
          args: printJson('[list(sys.version_info[:2]), os.getcwd(), dict(os.environ)]'),
          cwd: ws,
          env: { DW_VALUE: "a b 'c' $HOME", CI: 'false' }
        },
        { silent: true }
      )
      expect(JSON.parse(r.stdout)).toEqual([
        py.version.split('.').map(Number),
        ws,
        { ...c.env, CI: 'false', DW_VALUE: "a b 'c' $HOME" }
      ])
    })
  })

  it('removes a variable for one command only', async () => {
    await withContainer(options(), async (c) => {
      const keys = async (env: Record<string, string | undefined>) =>
        JSON.parse((await c.run({ command: PYTHON, args: printJson('sorted(os.environ)'), env })).stdout)
      expect(await keys({ AUDITWHEEL_PLAT: undefined, PIP_INDEX_URL: undefined })).toEqual([
        'AUDITWHEEL_ARCH',
        'AUDITWHEEL_POLICY',
        'CI',
        'LANG',
        'PATH'
      ])
      expect(await keys({})).toContain('AUDITWHEEL_PLAT')
    })
  })

  it('makes a venv in a mount with /opt/python, and runs its python, as the build env does', async () => {
    const venv = path.join(ws, 'venv')
    await withContainer(options(), async (c) => {
      await c.run({ command: PYTHON, args: ['-m', 'venv', '--without-pip', venv] }, { silent: true })
      const r = await c.run({ command: path.join(venv, 'bin', 'python'), args: printJson('sys.prefix') })
      expect(JSON.parse(r.stdout)).toBe(venv)
    })
    expect(fs.existsSync(path.join(venv, 'pyvenv.cfg'))).toBe(true)
  })

  it("hands an image path given as an argument to the image's file, as `uv venv --python /opt/python/...`", async () => {
    await withContainer(options(), async (c) => {
      const script = 'set -e; "$1" -c "import sys; print(list(sys.version_info[:2]))"; echo "$2"'
      const r = await c.run(
        { command: 'sh', args: ['-c', script, 'sh', PYTHON, `--python=${PYTHON}`], cwd: ws },
        { silent: true }
      )
      const [version, named] = r.stdout.trim().split('\n')
      expect(JSON.parse(version)).toEqual(py.version.split('.').map(Number))
      expect(fs.realpathSync(named.replace('--python=', ''))).toBe(fs.realpathSync(py.path))
    })
  })

  it('finds a bare command on the PATH inside, the image first', async () => {
    await withContainer(options(), async (c) => {
      const r = await c.run({ command: 'dw-inside', args: ['a', 'b'] }, { silent: true })
      expect(r.stdout).toBe('inside: a b\n')
    })
  })

  it('puts a directory of the image first on PATH for one command, as the plan does for its tools', async () => {
    await withContainer(options(), async (c) => {
      const bin = path.dirname(PYTHON)
      const r = await c.run({
        command: 'python',
        args: printJson('[os.environ["PATH"], list(sys.version_info[:2])]'),
        env: { PATH: `${bin}:${c.env.PATH}` }
      })
      expect(JSON.parse(r.stdout)).toEqual([
        `${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
        py.version.split('.').map(Number)
      ])
      // The engine itself kept the action's PATH; the container's came inline.
      const call = fake.calls().at(-1)!
      expect(call.env.PATH).toBe('/usr/local/bin:/usr/bin:/bin')
      expect(call.argv).toContain(`PATH=${bin}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`)
    })
  })

  it('hands stdin on', async () => {
    await withContainer(options(), async (c) => {
      const r = await c.run({ command: 'cat', args: [] }, { input: Buffer.from('héllo\n'), silent: true })
      expect(r.stdout).toBe('héllo\n')
    })
  })

  it('fails with the command as run inside, its exit code and its last output', async () => {
    await withContainer(options(), async (c) => {
      const err = await c
        .run({
          command: PYTHON,
          args: ['-c', 'import sys; print("no compiler", file=sys.stderr); sys.exit(3)']
        })
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(CommandError)
      expect(err).toMatchObject({
        command: `${PYTHON} -c 'import sys; print("no compiler", file=sys.stderr); sys.exit(3)'`,
        exitCode: 3
      })
      expect((err as CommandError).tail).toBe('no compiler')
    })
  })

  it('cannot work in a directory that is neither mounted nor in the image', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-outside-'))
    try {
      await withContainer(options(), async (c) => {
        const err = await c.run({ command: 'true', args: [], cwd: outside }).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(CommandError)
        expect(err).toMatchObject({ command: 'true', exitCode: 126 })
        expect((err as CommandError).tail).toContain(`chdir to cwd ("${outside}")`)
      })
    } finally {
      fs.rmSync(outside, { recursive: true })
    }
  })

  it('removes the container when the callback throws', async () => {
    let name = ''
    const before = fake.calls().length
    await expect(
      withContainer(options(), async (c) => {
        name = c.name
        expect(fake.containers()).toEqual([name])
        throw new Error('the repair failed')
      })
    ).rejects.toThrow('the repair failed')
    expect(fake.containers()).toEqual([])
    expect(
      fake
        .calls()
        .slice(before)
        .map((c) => [c.argv.slice(0, 2), c.code])
    ).toEqual([
      [['run', '--detach'], 0],
      [['exec', '--workdir'], 0],
      [['rm', '--force'], 0]
    ])
    expect(fake.calls().at(-1)!.argv).toEqual(['rm', '--force', name])
  })

  it('says what is needed when the image cannot be had, and leaves nothing behind', async () => {
    const c = new ContainerRunner({ ...options(), image: 'quay.io/nobody/nothing:1' })
    const err = await c.start().catch((e: unknown) => e)
    await c.stop()
    expect(err).toBeInstanceOf(ActionError)
    expect((err as Error).message).toMatch(/Unable to find image 'quay.io\/nobody\/nothing:1' locally/)
    expect((err as Error).message).toContain('container: off builds on the host')
    expect(fake.containers()).toEqual([])
  })

  it('says the same when there is no engine at all', async () => {
    const missing = path.join(tmp, 'no-such-dir', 'docker')
    await expect(withContainer({ ...options(), engine: missing }, async () => 1)).rejects.toThrow(
      /Could not start the container .*\n.*needs Docker, as on the ubuntu runners; container: off builds/
    )
  })

  it('gave the engine no secret and no host-only variable, on argv or in its environment', () => {
    const calls = fake.calls()
    expect(calls.length).toBeGreaterThan(10)
    for (const call of calls) {
      const seen = JSON.stringify(call)
      for (const s of ['secret-', 'INPUT_', 'GITHUB_TOKEN', 'HOST_ONLY', 'seen-on-the-host-only']) {
        expect(seen).not.toContain(s)
      }
      // Every variable the engine got is one it needs itself, or one named on its argv (--env NAME).
      const named = call.argv.filter((_, i) => call.argv[i - 1] === '--env')
      expect(
        Object.keys(call.env).filter((k) => !['PATH', 'HOME'].includes(k) && !named.includes(k))
      ).toEqual([])
    }
  })
})
