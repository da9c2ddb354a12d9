/**
 * The compiler cache on a real build: the OpenMP fixture built three times by the bundle (container: off)
 * with a tool cache of its own. The first run compiles (ccache misses) and makes the build env; the rerun
 * reuses the build env and compiles from ccache only, and so does a run in a new workspace (other paths).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage } from '../harness/fake-docker.js'
import { fixtureInputs, makeOpenmpFixture } from '../harness/openmp-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** hits and misses from the log line of the build's ccache group. */
function ccacheOf(r: ActionRun, python: string): { hits: number; misses: number } | undefined {
  const m = new RegExp(`ccache for Python ${reVersion(python)}: (\\d+) hits, (\\d+) misses`).exec(r.log)
  return m ? { hits: Number(m[1]), misses: Number(m[2]) } : undefined
}

describe('compiler cache across runs (OpenMP fixture, host build)', () => {
  it('a rerun compiles from ccache and reuses the build env; a new workspace hits too', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const toolCache = ownToolCache('dw-cc-toolcache-')
    const fx = makeOpenmpFixture(tmp('dw-cc-fx-'))
    const run = (root?: string): Promise<ActionRun> =>
      runAction({
        root,
        toolCache,
        inputs: fixtureInputs(fx.repo, fx.dependencies),
        timeoutMs: 900_000
      })

    const cold = await run()
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(cold.log).toMatch(
      new RegExp(`Make the build env of Python ${a}\\.\\d+ \\(build, setuptools>=61\\)`)
    )
    expect(cold.log).toMatch(/--no-isolation/)
    const first = ccacheOf(cold, A)
    expect(first, cold.log.slice(-6000)).toBeDefined()
    expect(first!.misses, cold.log.slice(-8000)).toBeGreaterThan(0)
    expect(first!.hits).toBe(0)
    expect(fs.existsSync(path.join(toolCache, 'dipy-wheels-ccache'))).toBe(true)
    expect(cold.summary).toContain('Compiler cache')
    expect(cold.summary).toMatch(/<td>compiler cache \(restore\)<\/td>/)

    // A rerun in the same workspace: what a second run on the same runner does.
    const warm = await run(cold.root)
    expect(warm.exitCode, warm.log.slice(-6000)).toBe(0)
    expect(warm.log).toMatch(
      new RegExp(`Reusing the build env of Python ${a}\\.\\d+ at .*dipy-wheels-buildenv`)
    )
    expect(warm.log).toMatch(/Reusing the tools venv/)
    const second = ccacheOf(warm, A)
    expect(second, warm.log.slice(-6000)).toEqual({ hits: first!.misses, misses: 0 })
    expect(warm.summary).toMatch(new RegExp(`<td>${a}</td><td>\\d+</td><td>0</td><td>100%</td>`))
    expect(warm.log).toMatch(new RegExp(`dwomp ok \\(3, ${A.split('.')[1]}\\) openmp \\d+ threads 2`))

    // Another workspace and temp directory, the same tool cache: the hashed paths do not depend on them.
    const moved = await run()
    expect(moved.exitCode, moved.log.slice(-6000)).toBe(0)
    expect(ccacheOf(moved, A)).toEqual({ hits: first!.misses, misses: 0 })
  })
})

describe('compiler cache across runs in the container (container: auto, the fake engine)', () => {
  it('the same stage code in the image: a rerun compiles from ccache only, the container removed each time', async () => {
    const [A] = pythonsForTests(1)
    const toolCache = ownToolCache('dw-cc-ct-toolcache-')
    const fx = makeOpenmpFixture(tmp('dw-cc-ct-fx-'))
    const image = 'quay.io/pypa/manylinux_2_34_x86_64'
    const fake = makeFakeEngine(tmp('dw-cc-ct-engine-'), { images: { [image]: manylinuxLikeImage() } })
    const run = (root?: string): Promise<ActionRun> =>
      runAction({
        root,
        toolCache,
        pathFirst: [fake.binDir],
        inputs: { ...fixtureInputs(fx.repo, fx.dependencies), container: 'auto', manylinux: '2_34' },
        timeoutMs: 900_000
      })

    const cold = await run()
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    const first = ccacheOf(cold, A)
    expect(first, cold.log.slice(-6000)).toBeDefined()
    expect(first!.misses).toBeGreaterThan(0)
    expect(JSON.parse(cold.outputs.wheels)).toHaveLength(1)
    expect(cold.log).toMatch(/Venvs made and filled by uv /)

    const warm = await run(cold.root)
    expect(warm.exitCode, warm.log.slice(-6000)).toBe(0)
    expect(warm.log).toMatch(/Dependencies: cache hit/)
    expect(warm.log).toMatch(/Reusing the tools venv/)
    expect(ccacheOf(warm, A)).toEqual({ hits: first!.misses, misses: 0 })

    const argv = fake.calls().map((c) => c.argv)
    expect(argv.filter((a) => a[0] === 'run')).toHaveLength(2)
    expect(argv.filter((a) => a[0] === 'rm')).toHaveLength(2)
    expect(fake.containers()).toEqual([])
  })
})
