/**
 * One wheel's build (stages/build.ts) inside the loop: the plan's command run as it is, the failures it
 * reports, meson-python's planned commands once the checkout's backend is read, and the --vsenv build the
 * plan holds for a failed MSVC capture.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildError } from '../../src/errors.js'
import { platformModule } from '../../src/platforms/index.js'
import { world } from './wheels-world.js'

describe('the wheel build', () => {
  it('a missing interpreter is a build failure naming the version and the fix', async () => {
    const { run } = world({ pythonVersions: ['3.13'] })
    const result = await run()
    expect(result.failures.map((f) => [f.step, f.error instanceof BuildError])).toEqual([
      ['build env 3.13', true]
    ])
    expect(result.failures[0].message).toMatch(
      /^Python 3\.13 was not found\. No candidate was found in the tool cache, on PATH or under pyenv\. To provide it, add an actions\/setup-python step with python-version: '3\.13'/
    )
  })

  it('a compile error is a BuildError with the output and no wheel', async () => {
    const { plan, run } = world({}, (cmd) =>
      cmd.args.includes('--wheel') ? { exitCode: 1, stderr: 'error: expected ‘;’' } : undefined
    )
    const [failure] = (await run()).failures
    expect(failure.error).toBeInstanceOf(BuildError)
    expect(failure.message).toMatch(
      /wheel build for Python 3\.11 failed: error: expected ‘;’\n\(exit code 1\)\nLast lines of its output:\nerror: expected/
    )
    expect(fs.existsSync(plan.outputDir)).toBe(false)
  })

  it('compiler-cache: meson-python builds without isolation in a fixed build directory, Cython through the cache', async () => {
    // The native file as the build reads it (it goes with the build directory once the wheel is out).
    let native = ''
    const w = world({ compilerCache: true }, (cmd) => {
      if (cmd.args.includes('--wheel') && cmd.args.includes('--outdir'))
        native = fs.readFileSync(`${src}/.dipy-wheels-build/py3.11-cython.ini`, 'utf8')
      return undefined
    })
    const src = w.plan.checkout.dir
    fs.mkdirSync(w.plan.checkout.dir, { recursive: true })
    fs.writeFileSync(
      path.join(w.plan.checkout.dir, 'pyproject.toml'),
      '[build-system]\nrequires = ["meson-python"]\nbuild-backend = "mesonpy"\n'
    )
    const result = await w.run()
    expect(result.failures).toEqual([])
    const build = w.runner.calls.find((c) => c.args.includes('--wheel'))!
    const t = `${w.root}/temp/dipy-wheels/py3.11`
    expect(build.args).toEqual([
      '-m',
      'build',
      '--wheel',
      '--no-isolation',
      '--outdir',
      `${t}/dist`,
      '-Ccompile-args=-v',
      `-Cbuild-dir=${w.root}/ws/src/.dipy-wheels-build/py3.11`,
      `-Csetup-args=--native-file=${w.root}/ws/src/.dipy-wheels-build/py3.11-cython.ini`,
      `${w.root}/ws/src`
    ])
    // The native file names the cache script, run by the build env's python, as meson's cython.
    const script = fs
      .readdirSync(`${w.root}/temp/dipy-wheels`)
      .find((f) => /^cython-cache-[0-9a-f]{16}\.py$/.test(f))!
    expect(fs.readFileSync(`${w.root}/temp/dipy-wheels/${script}`, 'utf8')).toBe(
      fs.readFileSync(new URL('../../src/cache/cython-cache.py', import.meta.url), 'utf8')
    )
    const buildPython = w.runner.calls.find((c) => c.args.includes('--wheel'))!.command
    // Paths are keyed relative to the checkout, which holds the build directory.
    expect(native).toBe(
      `[binaries]\ncython = ['${buildPython}', '${w.root}/temp/dipy-wheels/${script}', ` +
        `'--cache-dir=${w.root}/tc/dipy-wheels-cython', '--basedir=${w.root}/ws/src', ` +
        `'--log=${w.root}/ws/src/.dipy-wheels-build/py3.11-cython.log', '--']\n`
    )
    // No build product stays in the checkout once the wheel is out.
    expect(fs.readdirSync(src).sort()).toEqual(['pyproject.toml'])
  })
})

describe('the --vsenv build: what runs when the MSVC capture fails (a native Windows target)', () => {
  const VSWHERE = 'C:\\vswhere.exe'
  /**
   * The loop on this host with the Windows parts of a plan put in, and the Windows module's job step (the
   * MSVC capture) in this host's module: an x64 target on an x64 runner (where
   * meson's --vsenv loads the right tools), a vswhere that finds no Visual Studio, and the --vsenv build the
   * planner gives such a target (its args written out).
   */
  function windowsWorld(vsenvBuild: boolean) {
    const w = world({ stopAfter: 'build' }, (cmd) =>
      cmd.command === VSWHERE ? { exitCode: 87, stdout: '' } : undefined
    )
    const py = w.plan.pythons[0]
    const t = `${w.root}/temp/dipy-wheels/py3.11`
    const vsenvArgs = [
      '-m',
      'build',
      '--wheel',
      '--outdir',
      `${t}/dist`,
      '-Ccompile-args=-v',
      '-Csetup-args=--vsenv',
      `${w.root}/ws/src`
    ]
    w.plan = {
      ...w.plan,
      windows: {
        arch: 'x64',
        // The fake repair tags the wheel manylinux: the tag check expects what it writes.
        wheelPlatform: 'manylinux_2_28_x86_64',
        msvc: {
          runnerArch: 'x64',
          vswhere: { command: VSWHERE, args: ['-latest'] },
          vcvarsArch: 'amd64',
          script: `${w.root}/temp/msvc-env.cmd`,
          capture: { command: 'cmd.exe', args: ['/d', '/c', `${w.root}/temp/msvc-env.cmd`] }
        }
      },
      pythons: [{ ...py, ...(vsenvBuild ? { vsenvBuild: { ...py.build, args: vsenvArgs } } : {}) }]
    }
    w.platform = { ...platformModule('linux'), prepareJob: platformModule('windows').prepareJob }
    return { ...w, vsenvArgs }
  }

  it('a failed capture runs the plan’s --vsenv build, not the default one', async () => {
    const w = windowsWorld(true)
    const result = await w.run()
    expect(result.failures).toEqual([])
    expect(w.runner.lines()).toContain(`'${VSWHERE}' -latest`)
    const builds = w.runner.calls.filter((c) => c.args.includes('--wheel'))
    expect(builds.map((c) => c.args)).toEqual([w.vsenvArgs])
    expect(result.wheels.map((x) => x.name)).toEqual(['pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'])
  })

  it('a plan without a --vsenv build fails at the build instead of running a build without MSVC', async () => {
    const w = windowsWorld(false)
    const result = await w.run()
    expect(result.failures.map((f) => [f.python, f.step])).toEqual([['3.11', 'build 3.11']])
    expect(result.failures[0].message).toMatch(/has no --vsenv build/)
    expect(w.runner.calls.filter((c) => c.args.includes('--wheel'))).toEqual([])
  })
})
