/**
 * `materialize`, which turns a planned command into one for a runner's own environment (its PATH spelling,
 * the slots the run fills, variables set, prepended and removed).
 */
import { describe, expect, it } from 'vitest'
import { materialize, mergeEnv } from '../../src/command.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { platformModule } from '../../src/platforms/index.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

describe('materialize: a planned command in a runner’s own environment', () => {
  const windows = platformModule('windows')
  // pip's form of the test venv (planned beside uv's, which runs by default): materialize fills its
  // interpreter slot as the command.
  const test = makePlan(defaultInputs('windows'), runnerHost('windows', 'AMD64')).pythons[0].pipFallback!
    .test!
  const slots = {
    python: 'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x64\\python.exe',
    wheel: 'D:\\a\\_temp\\dipy-wheels\\py3.12\\repaired\\dipy-1.12.1-cp312-cp312-win_amd64.whl'
  }
  const venv = 'D:\\a\\_temp\\dipy-wheels\\py3.12\\test\\venv'

  it("Windows: prepends to the runner's Path (never adds a second PATH) and removes PYTHONPATH by its own spelling", () => {
    const base = { Path: 'C:\\Windows\\system32;C:\\Windows', PythonPath: 'D:\\x', SystemRoot: 'C:\\Windows' }
    expect(materialize(test[1], slots, base, windows)).toEqual({
      command: `${venv}\\Scripts\\python.exe`,
      args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', slots.wheel],
      cwd: 'D:\\a\\_temp\\dipy-wheels\\py3.12\\test\\empty',
      env: {
        Path: `${venv}\\Scripts;C:\\Windows\\system32;C:\\Windows`,
        VIRTUAL_ENV: venv,
        MPLBACKEND: 'Agg',
        PIP_CACHE_DIR: 'C:\\hostedtoolcache\\windows\\dipy-wheels-pip',
        PythonPath: undefined,
        PYTHONHOME: undefined
      }
    })
  })

  it('Windows without any Path: PATH is made; the venv command gets the interpreter slot', () => {
    expect(materialize(test[0], slots, {}, windows)).toEqual({
      command: slots.python,
      args: ['-m', 'venv', venv],
      cwd: 'D:\\a\\_temp\\dipy-wheels\\py3.12\\test\\empty',
      env: { PYTHONPATH: undefined, PYTHONHOME: undefined }
    })
    expect(materialize(test[1], slots, {}, windows).env?.PATH).toBe(`${venv}\\Scripts`)
  })

  it('POSIX compares names exactly: Path is not PATH there', () => {
    const linuxMod = platformModule('linux')
    const cmd = { command: 'x', args: [], env: { prepend: { PATH: ['/v/bin'] } } }
    expect(materialize(cmd, {}, { Path: '/a', PATH: '/usr/bin' }, linuxMod).env).toEqual({
      PATH: '/v/bin:/usr/bin'
    })
  })

  it('the build with dependencies and ccache: the build env, then the ccache symlinks, then the prefix PATH', () => {
    const linuxMod = platformModule('linux')
    // What the run adds to the planned build: the dependency prefix's variables (full values, PATH with
    // the prefix's bin first) and ccache's symlink directory; the plan puts the build env's scripts first.
    const found = mergeEnv(
      { set: { PATH: '/deps/prefix/bin:/usr/bin', CPPFLAGS: '-I/deps/prefix/include' } },
      { set: { CCACHE_DIR: '/tc/ccache' }, prepend: { PATH: ['/tc/ccache-bin'] } }
    )
    const build = { command: 'python', args: [], env: { prepend: { PATH: ['/tc/env/bin'] } } }
    expect(
      materialize({ ...build, env: mergeEnv(found, build.env) }, {}, { PATH: '/usr/bin' }, linuxMod).env
    ).toEqual({
      PATH: '/tc/env/bin:/tc/ccache-bin:/deps/prefix/bin:/usr/bin',
      CPPFLAGS: '-I/deps/prefix/include',
      CCACHE_DIR: '/tc/ccache'
    })
  })

  it('a later set replaces the variable and what earlier changes prepended to it', () => {
    expect(mergeEnv({ prepend: { PATH: ['/a'] } }, { set: { PATH: '/b' } })).toEqual({
      set: { PATH: '/b' },
      prepend: {},
      unset: []
    })
  })

  it('a slot the run has not filled is an error, not an empty word', () => {
    expect(() => materialize(test[1], { python: slots.python }, {}, windows)).toThrow(/<wheel> is not known/)
  })
})
