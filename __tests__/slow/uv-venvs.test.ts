/**
 * uv for the venvs on a real build (the default, the Cython fixture, container: off, a tool cache of its
 * own): uv is installed into the tool cache, pip's configuration (a pip.conf of the test's, named by
 * PIP_CONFIG_FILE) is carried over to uv's variables, uv makes and fills the build env, the tools venv and
 * the test venv, and the wheel is built, repaired and passes its test. A pip setting uv cannot follow
 * leaves every venv to pip, with a notice naming it.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { hostBuildInputs, makeCythonFixture } from '../harness/cython-fixture.js'
import { pythonsForTests } from '../harness/pythons.js'

/**
 * A host build of the Cython fixture with a tool cache of its own, pip configured by a pip.conf of the test's:
 * `conf` gets the pip.conf's directory (also where find-links may point) and returns its text.
 */
async function buildWithPipConf(
  conf: (dir: string) => string
): Promise<{ r: ActionRun; toolCache: string; dir: string }> {
  const [A] = pythonsForTests(1)
  const toolCache = ownToolCache('dw-uv-toolcache-')
  const repo = makeCythonFixture(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-uv-fx-')))
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-uv-pipconf-'))
  fs.writeFileSync(path.join(dir, 'pip.conf'), conf(dir))
  const r = await runAction({
    toolCache,
    env: { PIP_CONFIG_FILE: path.join(dir, 'pip.conf') },
    inputs: hostBuildInputs(repo, A),
    timeoutMs: 900_000
  })
  return { r, toolCache, dir }
}

describe('uv for the venvs (bundle, Cython fixture)', () => {
  it('every venv made and filled by the pinned uv; the wheel passes its test', async () => {
    const { r, toolCache, dir } = await buildWithPipConf(
      (dir) => `[global]\nfind-links = ${dir}\nretries = 4\n`
    )
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    expect(r.log).toMatch(/^Venvs made and filled by uv 0\.13\.8 /m)
    const carried = /^pip's configuration carried over to uv: (.*)$/m.exec(r.log)?.[1]?.split(', ')
    expect(carried).toEqual(expect.arrayContaining(['UV_FIND_LINKS', 'UV_HTTP_RETRIES']))
    const uv = /Venvs made and filled by uv \S+ .*\((.*)\)/.exec(r.log)![1]
    expect(uv.startsWith(path.join(toolCache, 'dipy-wheels-uv'))).toBe(true)
    for (const venv of ['build env', 'tools venv', 'test venv'])
      expect(r.log, venv).toMatch(new RegExp(`\\[command\\]${uv.replace(/\//g, '\\/')} (venv|pip install)`))
    expect(r.log).toMatch(new RegExp(`\\[command\\]${uv} venv --seed --python `))
    expect(r.log).toMatch(
      new RegExp(`\\[command\\]${uv} pip install --python \\S+/test/venv/bin/python \\S+\\.whl`)
    )
    // Only uv's own venv is made by venv and pip (uv is installed from PyPI by pip).
    const byVenv = r.log.split('\n').filter((l) => / -m venv /.test(l))
    expect(byVenv).toHaveLength(1)
    expect(byVenv[0]).toContain(path.join(toolCache, 'dipy-wheels-uv'))
    expect(r.log).toContain('answer 41')
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('a pip setting uv cannot follow: one notice naming it, and pip makes every venv', async () => {
    const { r, dir } = await buildWithPipConf(() => '[install]\nprefer-binary = yes\n')
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    const notices = r.log.split('\n').filter((l) => l.startsWith('::notice::'))
    expect(notices).toEqual([
      "::notice::pip's configuration sets prefer-binary, which uv cannot take as pip does: pip makes the venvs."
    ])
    // uv's own venv, the build env, the tools venv and the test venv: all by venv (and pip).
    const byVenv = r.log.split('\n').filter((l) => /^\[command\]\S+ -m venv /.test(l))
    expect(byVenv).toHaveLength(4)
    expect(r.log).not.toMatch(/\[command\]\S+\/uv (venv|pip) /)
    expect(r.log).toContain('answer 41')
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
