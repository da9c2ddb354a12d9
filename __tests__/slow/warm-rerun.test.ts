/**
 * The compiler cache on a real build: the OpenMP fixture built twice by the bundle (container: off) with
 * a tool cache of its own. The first run compiles (ccache misses) and makes the build env; the rerun
 * reuses the build env and compiles from ccache only, and so does a run in a new workspace (other paths).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { versionDirs } from '../../src/container/script.js'
import { ccacheEnv, commonAncestor, parsePrintStats, statsDelta } from '../../src/stages/compiler-cache.js'
import { wheelsIn } from '../../src/util/wheel-file.js'
import { runAction, SHARED_TOOL_CACHE, type ActionRun } from '../harness/action.js'
import { hostPython311, runFixtureScript, scriptFixture } from '../harness/container-script.js'
import { fixtureInputs, makeOpenmpFixture } from '../harness/openmp-fixture.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))

/** hits and misses from the log line of the build's ccache group. */
function ccacheOf(r: ActionRun, python = '3.11'): { hits: number; misses: number } | undefined {
  const m = new RegExp(`ccache for Python ${python.replace('.', '\\.')}: (\\d+) hits, (\\d+) misses`).exec(
    r.log
  )
  return m ? { hits: Number(m[1]), misses: Number(m[2]) } : undefined
}

describe('compiler cache across runs (OpenMP fixture, host build)', () => {
  it('a rerun compiles from ccache and reuses the build env; a new workspace hits too', async () => {
    const toolCache = tmp('dw-cc-toolcache-')
    // Its own compiler cache, build env and tools venv (the test is about them), but the suite's pip cache:
    // the packages it installs are downloaded once per suite, not once more here.
    const sharedPip = path.join(SHARED_TOOL_CACHE, 'dipy-wheels-pip')
    fs.mkdirSync(sharedPip, { recursive: true })
    fs.symlinkSync(sharedPip, path.join(toolCache, 'dipy-wheels-pip'))
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
    expect(cold.log).toMatch(/Make the build env of Python 3\.11\.\d+ \(build, setuptools>=61\)/)
    expect(cold.log).toMatch(/--no-isolation/)
    const first = ccacheOf(cold)
    expect(first, cold.log.slice(-6000)).toBeDefined()
    expect(first!.misses).toBeGreaterThan(0)
    expect(first!.hits).toBe(0)
    expect(fs.existsSync(path.join(toolCache, 'dipy-wheels-ccache'))).toBe(true)
    expect(cold.summary).toContain('Compiler cache')
    expect(cold.summary).toMatch(/<td>compiler cache \(restore\)<\/td>/)

    // A rerun in the same workspace: what a second run on the same runner does.
    const warm = await run(cold.root)
    expect(warm.exitCode, warm.log.slice(-6000)).toBe(0)
    expect(warm.log).toMatch(/Reusing the build env of Python 3\.11\.\d+ at .*dipy-wheels-buildenv/)
    expect(warm.log).toMatch(/Reusing the tools venv/)
    const second = ccacheOf(warm)
    expect(second, warm.log.slice(-6000)).toEqual({ hits: first!.misses, misses: 0 })
    expect(warm.summary).toMatch(/<td>3\.11<\/td><td>\d+<\/td><td>0<\/td><td>100%<\/td>/)
    expect(warm.log).toMatch(/dwomp ok \(3, 11\) openmp \d+ threads 2/)

    // Another workspace and temp directory, the same tool cache: the hashed paths do not depend on them.
    const moved = await run()
    expect(moved.exitCode, moved.log.slice(-6000)).toBe(0)
    expect(ccacheOf(moved)).toEqual({ hits: first!.misses, misses: 0 })
  })

  it('the container script: ccache from the mounted directory, a second run hits (run by bash here)', async () => {
    const python = hostPython311()
    expect(python, 'a host CPython 3.11 (pyenv) runs the script').toBeDefined()
    const sf = scriptFixture('dw-cc-script-')
    const { checkoutDir, workDir } = sf
    const ccacheDir = path.join(sf.root, 'toolcache', 'dipy-wheels-ccache')
    const runOnce = async (): Promise<{ hits: number; misses: number }> => {
      const { status, log, script } = await runFixtureScript(sf, python!, {
        compilerCache: {
          env: ccacheEnv(ccacheDir, commonAncestor(checkoutDir, workDir), {}),
          requires: ['setuptools>=61'],
          mesonpy: false
        }
      })
      expect(status, log.slice(-6000)).toBe(0)
      expect(script).toContain('--no-isolation')
      const d = versionDirs(workDir, '3.11')
      expect(wheelsIn(d.repaired)).toHaveLength(1)
      const read = (f: string) => parsePrintStats(fs.readFileSync(f, 'utf8'))
      return statsDelta(read(d.ccacheBefore), read(d.ccacheAfter))
    }
    const first = await runOnce()
    expect(first.misses).toBeGreaterThan(0)
    const second = await runOnce()
    expect(second).toMatchObject({ hits: first.misses, misses: 0 })
  })
})
