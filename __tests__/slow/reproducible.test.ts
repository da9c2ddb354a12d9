/**
 * Reproducible wheels: the OpenMP fixture (setuptools, with its cmake recipe) built twice from one commit
 * by the bundle, in different workspaces, temp directories and tool caches, gives byte-identical wheels
 * (SOURCE_DATE_EPOCH from the commit's committer time, set by the action for the build and the repair).
 * When they differ, the members that differ are named.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { fixtureInputs, makeOpenmpFixture } from '../harness/openmp-fixture.js'

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

/** The members whose bytes differ, and those only one wheel has. */
function differences(a: string, b: string): string[] {
  const x = unzipSync(fs.readFileSync(a))
  const y = unzipSync(fs.readFileSync(b))
  const names = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()
  return names.filter((n) => !x[n] || !y[n] || sha256(x[n]) !== sha256(y[n]))
}

describe('reproducible wheels (host build)', () => {
  it('two builds of one commit in other directories and tool caches are byte-identical', async () => {
    const fx = makeOpenmpFixture(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-repro-fx-')))
    const build = (): Promise<ActionRun> =>
      runAction({
        toolCache: ownToolCache('dw-repro-tc-'),
        inputs: fixtureInputs(fx.repo, fx.dependencies),
        timeoutMs: 900_000
      })
    const first = await build()
    expect(first.exitCode, first.log.slice(-6000)).toBe(0)
    // A second later at least: a clock that leaked into the wheel would show.
    await new Promise((r) => setTimeout(r, 1500))
    const second = await build()
    expect(second.exitCode, second.log.slice(-6000)).toBe(0)
    const [a] = JSON.parse(first.outputs.wheels) as string[]
    const [b] = JSON.parse(second.outputs.wheels) as string[]
    expect(path.basename(a)).toBe(path.basename(b))
    expect(differences(a, b)).toEqual([])
    expect(sha256(fs.readFileSync(a))).toBe(sha256(fs.readFileSync(b)))
  })
})
