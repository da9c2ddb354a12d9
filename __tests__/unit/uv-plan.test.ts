/**
 * uv for the venvs, in the plan: by default (or with DIPY_WHEELS_VENV_TOOL=uv) the test venv is made by
 * `uv venv` and filled by `uv pip install` with pip's own arguments (less the flags uv does without), uv
 * pinned from requirements/uv.txt in the tool cache; pip's form stays beside it for a target where uv does
 * not run or whose pip configuration uv cannot follow. DIPY_WHEELS_VENV_TOOL=pip plans pip alone.
 */
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import type { ActionInputs } from '../../src/inputs.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const linux = runnerHost('linux', 'x86_64')
const plan = (env: Record<string, string>, over: Partial<ActionInputs> = {}) =>
  makePlan(defaultInputs('linux', { container: 'off', stopAfter: 'test', ...over }), { ...linux, env })

describe('uv in the plan', () => {
  it('DIPY_WHEELS_VENV_TOOL=pip: no uv, the test venv by venv and pip', () => {
    const p = plan({ DIPY_WHEELS_VENV_TOOL: 'pip' })
    expect(p.uv).toBeUndefined()
    expect(p.pythons[0].pipFallback).toBeUndefined()
    expect(p.pythons[0].test![0].args.slice(0, 2)).toEqual(['-m', 'venv'])
    expect(renderPlan(p)).toContain('Venvs: made and filled by pip (DIPY_WHEELS_VENV_TOOL=pip)')
  })

  it('any other value is refused before anything runs, naming the variable and its values', () => {
    for (const bad of ['UV', 'conda', ' uv']) {
      expect(() => plan({ DIPY_WHEELS_VENV_TOOL: bad })).toThrow(InputError)
      expect(() => plan({ DIPY_WHEELS_VENV_TOOL: bad })).toThrow(
        `Input 'DIPY_WHEELS_VENV_TOOL': ${JSON.stringify(bad)} is neither uv nor pip: unset it to make the venvs with uv (the default), or set it to pip.`
      )
    }
  })

  it('uv by default, and with DIPY_WHEELS_VENV_TOOL=uv: the same plan', () => {
    expect(plan({})).toEqual(plan({ DIPY_WHEELS_VENV_TOOL: 'uv' }))
    expect(plan({ DIPY_WHEELS_VENV_TOOL: '' })).toEqual(plan({}))
  })

  it('DIPY_WHEELS_VENV_TOOL=uv: the pinned uv in the tool cache makes and fills the test venv', () => {
    const p = plan({ DIPY_WHEELS_VENV_TOOL: 'uv' })
    expect(p.uv?.requirement).toBe('uv==0.13.8')
    expect(p.uv?.dir).toMatch(new RegExp(`^${p.toolCache}/dipy-wheels-uv/[0-9a-f]{16}$`))
    expect(p.uv?.exe).toBe(`${p.uv!.dir}/bin/uv`)
    const py = p.pythons[0]
    const [venv, install] = py.test!
    expect(venv.command).toBe(p.uv!.exe)
    expect(venv.args).toEqual(['venv', '--seed', '--python', { slot: 'python' }, `${py.testDir}/venv`])
    expect(install.command).toBe(p.uv!.exe)
    expect(install.args).toEqual([
      'pip',
      'install',
      '--python',
      `${py.testDir}/venv/bin/python`,
      { slot: 'wheel' }
    ])
    expect(install.env?.set?.UV_CACHE_DIR).toBe(`${p.toolCache}/dipy-wheels-uv-cache`)
    expect(py.testEarly!.install.args).toEqual([
      'pip',
      'install',
      '--python',
      `${py.testDir}/venv/bin/python`,
      '-r',
      py.testEarly!.requirements
    ])
    // The printed plan says so and shows the uv commands that run.
    const text = renderPlan(p)
    expect(text).toContain(
      `Venvs: made and filled by uv==0.13.8 (${p.uv!.exe}, cache ${p.toolCache}/dipy-wheels-uv-cache); ` +
        "pip's configuration (pip config list, on the target) carried over to uv's variables at run time; " +
        'pip when uv does not run here or pip is configured in a way uv cannot follow'
    )
    expect(text).toMatch(new RegExp(`^  test: .* ${p.uv!.exe} venv --seed --python <python> `, 'm'))
    expect(renderPlan(plan({ DIPY_WHEELS_VENV_TOOL: 'pip' }))).not.toContain('uv==')
    // pip's form beside it, exactly the plan of DIPY_WHEELS_VENV_TOOL=pip.
    const pip = plan({ DIPY_WHEELS_VENV_TOOL: 'pip' }).pythons[0]
    expect(py.pipFallback).toEqual({ test: pip.test, testEarly: pip.testEarly })
  })
})
