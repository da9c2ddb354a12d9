/**
 * The repaired-wheel cache through the bundle: the Cython fixture built twice (container: off) with one
 * tool cache, in two workspaces and temp directories laid out differently. The second run's build makes
 * the same bytes (SOURCE_DATE_EPOCH), so it takes the stored repaired wheel instead of running auditwheel;
 * its wheelhouse wheel is byte-identical to the first run's and is installed and imported by the test in a
 * clean venv. A third run, with the stored wheel corrupted, repairs as usual and still ships a good wheel.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { answerTest, DWCY_TAG, makeCythonFixture } from '../harness/cython-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

describe('repaired-wheel reuse (bundle, Cython fixture, two workspaces and temp directories)', () => {
  it('the rerun elsewhere reuses the repaired wheel; a corrupted entry is repaired again', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const toolCache = ownToolCache('dw-rr-toolcache-')
    const repo = makeCythonFixture(tmp('dw-rr-fx-'))
    const run = (layout: { workspace: string; temp: string }): Promise<ActionRun> =>
      runAction({
        toolCache,
        layout,
        inputs: {
          repository: repo,
          'build-commit': DWCY_TAG,
          'python-version': A,
          container: 'off',
          manylinux: 'auto',
          'stop-after': 'test',
          upload: 'none',
          'test-command': answerTest(41)
        },
        timeoutMs: 900_000
      })
    const wheelOf = (r: ActionRun): string => {
      const wheels = JSON.parse(r.outputs.wheels ?? '[]') as string[]
      expect(wheels, r.log.slice(-6000)).toHaveLength(1)
      return wheels[0]
    }
    const auditwheelRan = (r: ActionRun): boolean => /\/auditwheel repair /.test(r.log)
    const reusedLine = new RegExp(
      `Repair for Python ${a}: reused the repaired wheel stored under [0-9a-f]{16}`
    )

    const cold = await run({ workspace: 'ws', temp: 'temp' })
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(auditwheelRan(cold)).toBe(true)
    expect(cold.log).toMatch(new RegExp(`Repair for Python ${a}: no stored repaired wheel for this key`))
    const first = wheelOf(cold)
    const firstSha = sha256(first)
    expect(cold.summary).toMatch(new RegExp(`<td>${a}</td>(<td>[^<]*</td>){4}<td>ran</td>`))

    const moved = await run({ workspace: 'runner-2/_work/proj/proj', temp: 'elsewhere/t' })
    expect(moved.exitCode, moved.log.slice(-6000)).toBe(0)
    expect(moved.log, moved.log.slice(-6000)).toMatch(reusedLine)
    expect(auditwheelRan(moved)).toBe(false)
    const second = wheelOf(moved)
    expect(second).not.toBe(first)
    expect(path.basename(second)).toBe(path.basename(first))
    expect(sha256(second)).toBe(firstSha)
    // Installed into a clean venv and imported by the test command.
    expect(moved.log).toContain('answer 41')
    expect(moved.summary).toMatch(new RegExp(`<td>${a}</td>(<td>[^<]*</td>){4}<td>reused</td>`))

    // The stored wheel corrupted (same size, other bytes): the repair runs and the wheel is still good.
    const store = path.join(toolCache, 'dipy-wheels-repaired')
    const keys = fs.readdirSync(store).filter((k) => /^[0-9a-f]{64}$/.test(k))
    expect(keys).toHaveLength(1)
    const stored = path.join(store, keys[0], path.basename(first))
    const bytes = fs.readFileSync(stored)
    bytes[bytes.length >> 1] ^= 0xff
    fs.writeFileSync(stored, bytes)
    const third = await run({ workspace: 'third/ws', temp: 'third-temp' })
    expect(third.exitCode, third.log.slice(-6000)).toBe(0)
    expect(third.log).toMatch(new RegExp(`Repair for Python ${a}: the stored \\S+ is corrupted`))
    expect(auditwheelRan(third)).toBe(true)
    expect(third.log).not.toMatch(reusedLine)
    expect(sha256(wheelOf(third))).toBe(firstSha)
    expect(third.log).toContain('answer 41')
    // The repair stored a good entry again.
    expect(sha256(stored)).toBe(firstSha)
  })
})
