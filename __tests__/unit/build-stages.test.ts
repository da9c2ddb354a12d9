/** The per-Python loop and its stages, with a recording runner that fakes the tools' effects on disk. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { BuildError, RepairError, WheelTestError } from '../../src/errors.js'
import type { Command } from '../../src/exec.js'
import type { HostFacts } from '../../src/host.js'
import type { ActionInputs } from '../../src/inputs.js'
import { platformModule } from '../../src/platforms/index.js'
import { repairWheel } from '../../src/stages/repair.js'
import { testWheel } from '../../src/stages/test.js'
import { buildWheelsOnHost, throwIfFailed } from '../../src/stages/wheels.js'
import type { PipelineState } from '../../src/state.js'
import { Timings } from '../../src/util/timings.js'
import { FakeRunner, type Response } from './recording-runner.js'

const linux = platformModule('linux')

function writeWheel(file: string, entries: string[] = []): void {
  const files: Record<string, Uint8Array> = { 'pkg/__init__.py': new Uint8Array() }
  for (const e of entries) files[e] = new Uint8Array([1])
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, zipSync(files))
}

const argAfter = (cmd: Command, flag: string): string => cmd.args[cmd.args.indexOf(flag) + 1]

interface World {
  state: PipelineState
  runner: FakeRunner
  root: string
}

/**
 * A host with python3.11 and python3.12 on PATH. `fail` can make a command fail (or change its effect):
 * by default the build writes a linux wheel into --outdir and auditwheel writes a manylinux one with
 * libgomp grafted into -w.
 */
function world(
  inputs: Partial<ActionInputs>,
  fail: (cmd: Command) => Response | 'skip' = () => undefined
): World {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-unit-'))
  const bin = path.join(root, 'bin')
  fs.mkdirSync(bin)
  for (const v of ['3.11', '3.12']) fs.writeFileSync(path.join(bin, `python${v}`), '')
  const runner = new FakeRunner((cmd) => {
    const f = fail(cmd)
    if (f === 'skip') return undefined
    if (f) return f
    if (cmd.args[0] === '-m' && cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
    const py = /python(3\.\d+)$/.exec(cmd.command)?.[1]
    if (py && cmd.args[0] === '-c' && cmd.args[1].includes('version_info')) {
      return { stdout: `(3, ${py.split('.')[1]})\n${py}.9\n` }
    }
    if (cmd.args.includes('build') && cmd.args.includes('--wheel')) {
      const tag = `cp${/py(3\.\d+)/.exec(argAfter(cmd, '--outdir'))![1].replace('.', '')}`
      writeWheel(path.join(argAfter(cmd, '--outdir'), `pkg-1.0-${tag}-${tag}-linux_x86_64.whl`))
    }
    if (cmd.command.endsWith('/auditwheel') && cmd.args[0] === 'repair') {
      const name = path
        .basename(cmd.args[cmd.args.length - 1])
        .replace('linux_x86_64', 'manylinux_2_28_x86_64')
      writeWheel(path.join(argAfter(cmd, '-w'), name), ['pkg.libs/libgomp-a34b3233.so.1.0.0'])
    }
    return undefined
  })
  const host: HostFacts = {
    platform: 'linux',
    arch: 'x86_64',
    workspace: path.join(root, 'ws'),
    temp: path.join(root, 'temp'),
    toolCache: path.join(root, 'tc'),
    eventName: 'push',
    eventPath: '',
    workflowRef: '',
    repository: '',
    env: { PATH: bin, PYENV_ROOT: path.join(root, 'no-pyenv'), INPUT_NIGHTLY_TOKEN: 'secret' }
  }
  fs.mkdirSync(host.temp, { recursive: true })
  const full = {
    pythonVersions: ['3.11'],
    checkoutDir: path.join(root, 'ws', 'src'),
    configSettings: ['compile-args=-v'],
    manylinux: '2_28',
    outputDir: path.join(root, 'ws', 'wheelhouse'),
    testRequires: [],
    testCommand: '',
    failFast: true,
    stopAfter: 'test',
    ...inputs
  } as ActionInputs
  const state: PipelineState = {
    inputs: full,
    host,
    runner,
    timings: new Timings(),
    wheels: [],
    failures: [],
    uploaded: []
  }
  return { state, runner, root }
}

describe('the per-Python loop on the host', () => {
  it('builds, repairs into the wheelhouse and tests each version; records grafted libraries and timings', async () => {
    const { state, runner } = world({ pythonVersions: ['3.11', '3.12'] })
    await buildWheelsOnHost(state, [])
    expect(state.wheels.map((w) => [w.name, w.tags, w.tested, w.grafted])).toEqual([
      [
        'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl',
        'cp311-cp311-manylinux_2_28_x86_64',
        true,
        ['pkg.libs/libgomp-a34b3233.so.1.0.0']
      ],
      [
        'pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl',
        'cp312-cp312-manylinux_2_28_x86_64',
        true,
        ['pkg.libs/libgomp-a34b3233.so.1.0.0']
      ]
    ])
    for (const w of state.wheels) {
      expect(path.dirname(w.path)).toBe(state.inputs.outputDir)
      expect(w.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(w.size).toBe(fs.statSync(w.path).size)
    }
    expect(state.timings.steps.map((t) => t.step)).toEqual([
      'dependencies',
      'build 3.11',
      'tools',
      'repair 3.11',
      'test 3.11',
      'build 3.12',
      'repair 3.12',
      'test 3.12'
    ])
    // The build runs from a build venv made from the interpreter, with pinned build.
    const lines = runner.lines()
    expect(lines.some((l) => /python3\.11 -m venv .*dipy-wheels-build/.test(l))).toBe(true)
    expect(lines.some((l) => /-m pip (--python \S+ )?install .* -c .*constraints\.txt build$/.test(l))).toBe(
      true
    )
    expect(lines.some((l) => /auditwheel repair --plat manylinux_2_28_x86_64 -w /.test(l))).toBe(true)
    // No secret reaches a child: the commands' env is built from childEnv.
    expect(JSON.stringify(runner.calls)).not.toContain('secret')
  })

  it('fail-fast false: a failing version is recorded, the others go on, the summary fails the step', async () => {
    const { state, runner } = world({ pythonVersions: ['3.11', '3.12'], failFast: false }, (cmd) =>
      cmd.args.includes('--wheel') && argAfter(cmd, '--outdir').includes('py3.11') ? 'skip' : undefined
    )
    await buildWheelsOnHost(state, [])
    expect(state.failures).toEqual([
      { python: '3.11', step: 'build 3.11', message: expect.stringMatching(/produced no wheel/) }
    ])
    expect(state.wheels.map((w) => w.python)).toEqual(['3.12'])
    expect(runner.lines().some((l) => l.includes('py3.12'))).toBe(true)
    expect(() => throwIfFailed(state)).toThrow(/1 of 2 Python versions failed:\n- Python 3\.11, build 3\.11/)
  })

  it('fail-fast: a failing test stops the loop and its wheel leaves the wheelhouse', async () => {
    const { state, runner } = world({ pythonVersions: ['3.11', '3.12'] }, (cmd) =>
      cmd.args[0] === '-c' && cmd.args[1].includes('import dipy')
        ? { exitCode: 1, stderr: 'ImportError' }
        : undefined
    )
    await expect(buildWheelsOnHost(state, [])).rejects.toThrow(WheelTestError)
    expect(state.wheels).toEqual([])
    expect(fs.readdirSync(state.inputs.outputDir)).toEqual([])
    expect(state.failures.map((f) => f.step)).toEqual(['test 3.11'])
    expect(runner.lines().some((l) => l.includes('py3.12'))).toBe(false)
  })

  it('stop-after build repairs but does not test', async () => {
    const { state, runner } = world({ stopAfter: 'build' })
    await buildWheelsOnHost(state, [])
    expect(state.wheels.map((w) => w.tested)).toEqual([false])
    expect(runner.lines().some((l) => l.includes('import dipy'))).toBe(false)
  })

  it('a missing interpreter is a build failure naming the version', async () => {
    const { state } = world({ pythonVersions: ['3.13'] })
    await expect(buildWheelsOnHost(state, [])).rejects.toThrow(/Python 3\.13 was not found/)
  })

  it('a compile error is a BuildError with the output and no wheel', async () => {
    const { state } = world({}, (cmd) =>
      cmd.args.includes('--wheel') ? { exitCode: 1, stderr: 'error: expected ‘;’' } : undefined
    )
    const err = await buildWheelsOnHost(state, []).catch((e) => e)
    expect(err).toBeInstanceOf(BuildError)
    expect(err.message).toMatch(
      /^the wheel build for Python 3\.11 failed: error: expected ‘;’\n\(exit code 1\)/
    )
    expect(fs.existsSync(state.inputs.outputDir)).toBe(false)
  })
})

describe('repair', () => {
  const dirs = (): { root: string; dest: string } => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-repair-'))
    return { root, dest: path.join(root, 'repaired') }
  }

  it('passes a pure-Python wheel through unchanged, without auditwheel', async () => {
    const { root, dest } = dirs()
    const wheel = path.join(root, 'pkg-1.0-py3-none-any.whl')
    writeWheel(wheel)
    const runner = new FakeRunner()
    const out = await repairWheel(runner, linux, {
      version: '3.11',
      toolsBin: '/t',
      wheel,
      destDir: dest,
      arch: 'x86_64',
      env: {}
    })
    expect(out).toBe(path.join(dest, 'pkg-1.0-py3-none-any.whl'))
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(wheel))
    expect(runner.calls).toEqual([])
  })

  it('two wheels in the destination is an error', async () => {
    const { root, dest } = dirs()
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(wheel)
    const runner = new FakeRunner(() => {
      writeWheel(path.join(dest, 'a-1-cp311-cp311-manylinux_2_28_x86_64.whl'))
      writeWheel(path.join(dest, 'b-1-cp311-cp311-manylinux_2_28_x86_64.whl'))
    })
    const err = await repairWheel(runner, linux, {
      version: '3.11',
      toolsBin: '/t',
      wheel,
      destDir: dest,
      arch: 'x86_64',
      env: {}
    }).catch((e) => e)
    expect(err).toBeInstanceOf(RepairError)
    expect(err.message).toMatch(/produced 2 wheels, expected one/)
  })

  it('a failed repair shows auditwheel show and names the library', async () => {
    const { root, dest } = dirs()
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(wheel)
    const runner = new FakeRunner((cmd) =>
      cmd.args[0] === 'repair'
        ? {
            exitCode: 1,
            stderr:
              'ValueError: Cannot repair wheel, because required library "libfoo.so.2" could not be located'
          }
        : {
            stdout:
              'pkg-1.0-cp311-cp311-linux_x86_64.whl is consistent with the following platform tag: "linux_x86_64".'
          }
    )
    const err = await repairWheel(runner, linux, {
      version: '3.11',
      toolsBin: '/t/bin',
      wheel,
      destDir: dest,
      arch: 'x86_64',
      policy: 'manylinux_2_28_x86_64',
      env: {}
    }).catch((e) => e)
    expect(err).toBeInstanceOf(RepairError)
    expect(err.message).toMatch(/The library at fault: libfoo\.so\.2 \(not found/)
    expect(err.message).toContain('`auditwheel show pkg-1.0-cp311-cp311-linux_x86_64.whl`:')
    expect(err.message).toMatch(/Hint: build the library with a dependency recipe/)
    expect(runner.lines()[1]).toBe(`/t/bin/auditwheel show ${wheel}`)
  })
})

describe('test', () => {
  it('"none" skips the test', async () => {
    const runner = new FakeRunner()
    const tested = await testWheel(runner, linux, {
      version: '3.11',
      python: '/py',
      wheel: '/w.whl',
      testRequires: [],
      testCommand: 'none',
      workDir: '/nonexistent',
      env: {}
    })
    expect(tested).toBe(false)
    expect(runner.calls).toEqual([])
  })
})
