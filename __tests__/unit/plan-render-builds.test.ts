/**
 * renderPlan's build lines: every build command the run may choose is printed whole, labelled by when it
 * runs (the checkout's backend, a failed MSVC capture); once the backend is resolved, only its commands.
 */
import { describe, expect, it } from 'vitest'
import { resolveBackend } from '../../src/plan/build-commands.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const SRC = 'D:\\a\\dipy-wheels\\dipy-wheels\\dipy'
const T = 'D:\\a\\_temp\\dipy-wheels\\py3.12'
const MESON = `-Cbuild-dir=${SRC}\\.dipy-wheels-build\\py3.12 -Csetup-args=--native-file=${SRC}\\.dipy-wheels-build\\py3.12-cython.ini`

/** The lines of the Python section that start with "  build" (the build env's line aside). */
const buildLines = (text: string): string[] =>
  text.split('\n').filter((l) => l.startsWith('  build') && !l.startsWith('  build env:'))

/** What a build line ends with: the argv after <buildPython>. */
const argv = (line: string): string => line.slice(line.indexOf('<buildPython>'))

const build = (settings: string): string =>
  `<buildPython> -m build --wheel --no-isolation --outdir ${T}\\dist ${settings} ${SRC}`

describe('the build lines of the printed plan', () => {
  it('a native Windows target: the four builds, the --vsenv ones for a failed MSVC capture', () => {
    const plan = makePlan(defaultInputs('windows'), runnerHost('windows', 'AMD64'))
    const lines = buildLines(renderPlan(plan))
    expect(lines.map((l) => l.slice(0, l.indexOf(':') + 1))).toEqual([
      '  build unless the backend is meson-python:',
      "  build if the MSVC capture fails (meson's --vsenv):",
      '  build if the backend is meson-python:',
      '  build if the backend is meson-python and the MSVC capture fails:'
    ])
    expect(lines.map(argv)).toEqual([
      build('-Ccompile-args=-v'),
      build('-Ccompile-args=-v -Csetup-args=--vsenv'),
      build(`-Ccompile-args=-v ${MESON}`),
      build(`-Ccompile-args=-v ${MESON} -Csetup-args=--vsenv`)
    ])
    expect(renderPlan(plan)).toContain(
      "Build backend: read from the checkout's pyproject.toml before the build"
    )
  })

  it('an x86 target (--vsenv would load the 64-bit tools): no --vsenv build is planned or printed', () => {
    const plan = makePlan(defaultInputs('windows', { architecture: 'x86' }), runnerHost('windows', 'AMD64'))
    expect(plan.pythons[0].vsenvBuild).toBeUndefined()
    expect(buildLines(renderPlan(plan)).join('\n')).not.toContain('vsenv')
  })

  it('resolved for meson-python: only its commands, under the plain labels', () => {
    const plan = resolveBackend(makePlan(defaultInputs('windows'), runnerHost('windows', 'AMD64')), 'mesonpy')
    const text = renderPlan(plan)
    expect(buildLines(text).map((l) => [l.slice(0, l.indexOf(':') + 1), argv(l)])).toEqual([
      ['  build:', build(`-Ccompile-args=-v ${MESON}`)],
      [
        "  build if the MSVC capture fails (meson's --vsenv):",
        build(`-Ccompile-args=-v ${MESON} -Csetup-args=--vsenv`)
      ]
    ])
    expect(text).toContain('Build backend: mesonpy\n')
  })

  it('resolved for another backend: the default build, no meson-python directories', () => {
    const plan = resolveBackend(
      makePlan(defaultInputs('windows'), runnerHost('windows', 'AMD64')),
      'setuptools.build_meta'
    )
    expect(buildLines(renderPlan(plan)).map(argv)).toEqual([
      build('-Ccompile-args=-v'),
      build('-Ccompile-args=-v -Csetup-args=--vsenv')
    ])
    expect(plan.pythons[0]).not.toHaveProperty('mesonBuildDir')
    expect(plan.pythons[0]).not.toHaveProperty('cythonCache')
  })
})
