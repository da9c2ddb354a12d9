/**
 * The Cython output cache on a real meson-python build (the dwcy fixture, container: off, a tool cache of
 * its own). The first run runs Cython for both extensions; a rerun of the same commit reuses both; a
 * commit that changes consts.pxd (which _answer.pyx cimports) reuses _other's output only, and the
 * rebuilt extension computes the new answer in the test venv (a stale output would fail the test command).
 * Back at the first commit, both outputs come from the cache again.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { DWCY_TAG, hostBuildInputs, makeCythonFixture, setAnswer } from '../harness/cython-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** "reused of all" from the build's log line, and the summary's cell. */
function cythonOf(r: ActionRun, python: string): string | undefined {
  const re = new RegExp(`Cython for Python ${reVersion(python)}: (\\d+ of \\d+) outputs reused`)
  return re.exec(r.log)?.[1]
}

describe('Cython output cache (meson-python + Cython fixture, host build)', () => {
  it('a rerun reuses every output; a changed .pxd rebuilds its user, which computes the new answer', async () => {
    const [A] = pythonsForTests(1)
    const toolCache = ownToolCache('dw-cy-toolcache-')
    const repo = makeCythonFixture(tmp('dw-cy-fx-'))
    const run = (ref: string, answer: number): Promise<ActionRun> =>
      runAction({
        toolCache,
        inputs: hostBuildInputs(repo, A, { ref, answer }),
        timeoutMs: 900_000
      })

    const cold = await run(DWCY_TAG, 41)
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(cold.log).toContain('answer 41')
    expect(cythonOf(cold, A), cold.log.slice(-6000)).toBe('0 of 2')
    expect(cold.summary).toMatch(/<td>0 of 2<\/td>/)

    const warm = await run(DWCY_TAG, 41)
    expect(warm.exitCode, warm.log.slice(-6000)).toBe(0)
    expect(cythonOf(warm, A)).toBe('2 of 2')
    expect(warm.summary).toMatch(/<td>2 of 2<\/td>/)

    setAnswer(repo, 42, '0.2.0')
    const changed = await run('0.2.0', 42)
    expect(changed.exitCode, changed.log.slice(-6000)).toBe(0)
    expect(changed.log).toContain('answer 42')
    expect(cythonOf(changed, A)).toBe('1 of 2')

    // The first commit's outputs are still in the cache, next to the new ones.
    const back = await run(DWCY_TAG, 41)
    expect(back.exitCode, back.log.slice(-6000)).toBe(0)
    expect(back.log).toContain('answer 41')
    expect(cythonOf(back, A)).toBe('2 of 2')
  })
})
