/**
 * One Python's plan once its interpreter is found (resolveInterpreter): the build env's commands, stamped
 * with the interpreter's full version and filled with the checkout's [build-system] requires, and the macOS
 * deployment target raised to the interpreter's own minimum in the build and the repair (python.org's
 * x86_64 installers of 3.13 are built for 10.13) with the platform tag the repaired wheel must carry.
 */
import { describe, expect, it } from 'vitest'
import { makePlan } from '../../src/plan/make-plan.js'
import { resolveInterpreter } from '../../src/plan/interpreter.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost, sha16, TOOLS_TXT } from '../harness/plan-fixtures.js'

const DIPY_REQUIRES = ['meson-python>=0.13.1', 'Cython>=3.0.4', 'numpy>=2.0.0rc1']

describe('Linux, compiler-cache on (the project requirements in the build env), uv planned', () => {
  const plan = makePlan(defaultInputs('linux', { container: 'off' }), runnerHost('linux', 'x86_64'))
  const py = plan.pythons[0]
  const buildSystem = { requires: DIPY_REQUIRES, backend: 'mesonpy' }
  const resolved = resolveInterpreter(plan, py, { full: '3.12.7', buildSystem })
  const venv = resolved.buildEnv.venv!
  const dir = py.buildEnv.dir
  const uv = plan.uv!

  it('before resolution the build env has no commands', () => {
    expect(py.buildEnv.venv).toBeUndefined()
  })

  it('the build env: uv makes it from <python>, installs pinned build, then the requires unpinned', () => {
    expect(venv.create.args).toEqual(['venv', '--python', { slot: 'python' }, dir])
    expect(venv.install.map((c) => [c.command, ...c.args])).toEqual([
      [uv.exe, 'pip', 'install', '--python', `${dir}/bin/python`, '-c', `${dir}/constraints.txt`, 'build'],
      [uv.exe, 'pip', 'install', '--python', `${dir}/bin/python`, '--upgrade', ...DIPY_REQUIRES]
    ])
    expect(venv.pipFallback?.install[1].args.slice(-4)).toEqual(['--upgrade', ...DIPY_REQUIRES])
  })

  it("its stamp holds the interpreter's full version and the requires (sorted, spaces dropped)", () => {
    const reqs = ['Cython>=3.0.4', 'meson-python>=0.13.1', 'numpy>=2.0.0rc1'].join('\n')
    expect(venv.stamp).toBe(`Python 3.12.7 ${sha16('v4', TOOLS_TXT, reqs)}`)
    const other = resolveInterpreter(plan, py, { full: '3.12.8', buildSystem }).buildEnv.venv!
    expect(other.stamp).toBe(`Python 3.12.8 ${sha16('v4', TOOLS_TXT, reqs)}`)
  })

  it('`plan` prints the build env: the interpreter and requires the run finds as placeholders, then resolved', () => {
    const before = renderPlan(plan).split('\n')
    expect(before).toContain(
      `    reused when ${dir}/.complete reads "Python <Python 3.12.x found> <hash of tools.txt and the requires>" and this runs: ${dir}/bin/python -c pass`
    )
    expect(before.find((l) => l.startsWith('    install:') && l.includes('--upgrade'))).toMatch(
      / --upgrade '<the checkout'\\''s \[build-system\] requires>'$/
    )
    const after = renderPlan({ ...plan, pythons: [resolved] }).split('\n')
    expect(after.find((l) => l.startsWith('    reused when'))).toContain(`reads "${venv.stamp}"`)
    expect(after.find((l) => l.startsWith('    install:') && l.includes('--upgrade'))).toMatch(
      / --upgrade meson-python>=0.13.1 Cython>=3.0.4 numpy>=2.0.0rc1$/
    )
  })

  it('Linux has no target to raise: the build and repair are unchanged, no tag is required', () => {
    expect(resolved.build).toEqual(py.build)
    expect(resolved.repair).toEqual(py.repair)
    expect(resolved.platformTag).toBeUndefined()
  })
})

describe('Linux, compiler-cache off: an isolated build, `build` alone', () => {
  const plan = makePlan(
    defaultInputs('linux', { container: 'off', compilerCache: false }),
    runnerHost('linux', 'x86_64', { env: { DIPY_WHEELS_VENV_TOOL: 'pip' } })
  )
  const venv = resolveInterpreter(plan, plan.pythons[0], {
    full: '3.12.7',
    buildSystem: { requires: DIPY_REQUIRES, backend: 'mesonpy' }
  }).buildEnv.venv!

  it('pip installs build only, and the stamp says isolated', () => {
    expect(venv.install.map((c) => c.args.slice(-3))).toEqual([
      ['-c', `${venv.dir}/constraints.txt`, 'build']
    ])
    expect(venv.stamp).toBe(`Python 3.12.7 ${sha16('v4', TOOLS_TXT, '(isolated)')}`)
  })
})

describe('macOS x86_64, deployment target 10.9', () => {
  const plan = makePlan(
    defaultInputs('macos', { macosDeploymentTarget: '10.9', pythonVersions: ['3.12', '3.13'] }),
    runnerHost('macos', 'x86_64')
  )
  const RAISED = {
    MACOSX_DEPLOYMENT_TARGET: '10.13',
    ARCHFLAGS: '-arch x86_64',
    CMAKE_OSX_ARCHITECTURES: 'x86_64'
  }

  it('Python 3.13.1: the build and delocate run with 10.13, the wheel must be macosx_10_13_x86_64', () => {
    const py = resolveInterpreter(plan, plan.pythons[1], { full: '3.13.1' })
    expect(py.build.env?.set).toMatchObject(RAISED)
    expect(py.repair.env?.set).toEqual(RAISED)
    expect(py.platformTag).toBe('macosx_10_13_x86_64')
    expect(py.targetNotice).toMatch(/10\.13/)
  })

  it('Python 3.12.5 keeps 10.9 (python.org 3.12 up to 3.12.5 runs on it), the wheel must be macosx_10_9_x86_64', () => {
    const py = resolveInterpreter(plan, plan.pythons[0], { full: '3.12.5' })
    expect(py.build.env?.set?.MACOSX_DEPLOYMENT_TARGET).toBe('10.9')
    expect(py.repair.env?.set?.MACOSX_DEPLOYMENT_TARGET).toBe('10.9')
    expect(py.platformTag).toBe('macosx_10_9_x86_64')
    expect(py.targetNotice).toBeUndefined()
  })
})

describe('Windows x86 on an x64 runner', () => {
  const plan = makePlan(defaultInputs('windows', { architecture: 'x86' }), runnerHost('windows', 'AMD64'))

  it('the repaired wheel must be win32', () => {
    expect(resolveInterpreter(plan, plan.pythons[0], { full: '3.12.7' }).platformTag).toBe('win32')
  })
})
