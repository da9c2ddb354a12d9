/**
 * Caches that do not care where the run is: the bundle twice on the Cython fixture (container: off) with
 * one tool cache, the second time in a workspace and a temp directory laid out differently (other depths,
 * other names, no common parent in the same place), as two self-hosted runners sharing a tool cache are.
 * The second run reuses every Cython output and compiles every object from ccache, read from its own log.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { hostBuildInputs, makeCythonFixture } from '../harness/cython-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

describe('location-free caches (bundle, Cython fixture, two workspaces and temp directories)', () => {
  it('the rerun elsewhere reuses every Cython output and hits ccache for every object', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const toolCache = ownToolCache('dw-lf-toolcache-')
    const repo = makeCythonFixture(tmp('dw-lf-fx-'))
    const run = (layout: { workspace: string; temp: string }): Promise<ActionRun> =>
      runAction({
        toolCache,
        layout,
        inputs: hostBuildInputs(repo, A),
        timeoutMs: 900_000
      })
    const cython = (r: ActionRun): string | undefined =>
      new RegExp(`Cython for Python ${a}: (\\d+ of \\d+) outputs reused`).exec(r.log)?.[1]
    const ccache = (r: ActionRun): { hits: number; misses: number } | undefined => {
      const m = new RegExp(`ccache for Python ${a}: (\\d+) hits, (\\d+) misses`).exec(r.log)
      return m ? { hits: Number(m[1]), misses: Number(m[2]) } : undefined
    }

    const cold = await run({ workspace: 'ws', temp: 'temp' })
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(cython(cold), cold.log.slice(-6000)).toBe('0 of 2')
    const first = ccache(cold)
    expect(first, cold.log.slice(-6000)).toBeDefined()
    expect(first!.misses).toBeGreaterThan(0)

    const moved = await run({ workspace: 'runner-2/_work/proj/proj', temp: 'elsewhere/t' })
    expect(moved.workspace.split(path.sep).length).not.toBe(cold.workspace.split(path.sep).length)
    expect(moved.exitCode, moved.log.slice(-6000)).toBe(0)
    expect(moved.log).toContain('answer 41')
    expect(cython(moved), moved.log.slice(-6000)).toBe('2 of 2')
    expect(ccache(moved), moved.log.slice(-6000)).toEqual({ hits: first!.misses, misses: 0 })
    expect(moved.summary).toMatch(new RegExp(`<td>${a}</td><td>${first!.misses}</td><td>0</td><td>100%</td>`))
    // No build product stays in the checkout.
    expect(fs.existsSync(path.join(moved.workspace, 'dipy', '.dipy-wheels-build'))).toBe(false)
  })
})
