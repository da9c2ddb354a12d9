/**
 * The compiler cache through the wheels stage (stages/wheels.ts, version.ts, build.ts): the build runs with
 * the plan's ccache variables and symlink directory, and each version's counters come back from its build.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Command } from '../../src/exec.js'
import { sha16 } from '../harness/plan-fixtures.js'
import { world } from './wheels-world.js'

const isBuild = (c: Command): boolean => c.args.includes('--wheel') && c.args.includes('--outdir')

/** A world with compiler-cache, ccache and gcc on PATH; `--print-stats` answers from `counters`, in turn. */
function ccacheWorld(pythonVersions: string[], counters: Array<[number, number]>) {
  let n = 0
  const w = world(
    { compilerCache: true, stopAfter: 'build', pythonVersions },
    (cmd) => {
      if (cmd.args[0] !== '--print-stats') return undefined
      const [hits, misses] = counters[Math.min(n++, counters.length - 1)]
      return { stdout: `direct_cache_hit\t${hits}\ncache_miss\t${misses}\n` }
    },
    { ccache: '/opt/bin/ccache', gcc: '/opt/bin/gcc' }
  )
  fs.mkdirSync(w.plan.checkout.dir, { recursive: true })
  fs.writeFileSync(
    path.join(w.plan.checkout.dir, 'pyproject.toml'),
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
  )
  return w
}

describe('the compiler cache in the wheels stage', () => {
  it("the build's environment: CCACHE_BASEDIR is the checkout, the symlinks after the build env on PATH", async () => {
    const w = ccacheWorld(['3.11'], [[0, 0]])
    const result = await w.run()
    expect(result.failures).toEqual([])
    const build = w.runner.calls.find(isBuild)!
    const tc = `${w.root}/tc`
    // sha16("linux-x86_64"): the executor's symlink directory; sha16(envId, tools.txt): the build env.
    const links = `${tc}/dipy-wheels-ccache-bin/${sha16('linux-x86_64')}`
    expect(build.env).toMatchObject({
      CCACHE_BASEDIR: `${w.root}/ws/src`,
      CCACHE_DIR: `${tc}/dipy-wheels-ccache`,
      CCACHE_NOHASHDIR: 'true',
      CCACHE_DEPEND: 'true'
    })
    const buildEnvBin = path.join(path.dirname(path.dirname(build.command)), 'bin')
    expect(build.env!.PATH).toBe([buildEnvBin, links, w.bin].join(':'))
    expect(fs.readlinkSync(path.join(links, 'gcc'))).toBe('/opt/bin/ccache')
  })

  it("each version's hits and misses come back from its own build, in the result", async () => {
    // Counters before and after each build: 3.11 compiles 4 (1 hit), 3.12 reuses 5.
    const w = ccacheWorld(
      ['3.11', '3.12'],
      [
        [0, 0],
        [1, 3],
        [1, 3],
        [6, 3]
      ]
    )
    const result = await w.run()
    expect(result.failures).toEqual([])
    expect(result.compilerCache?.stats).toEqual([
      { python: '3.11', hits: 1, misses: 3, uncacheable: 0 },
      { python: '3.12', hits: 5, misses: 0, uncacheable: 0 }
    ])
    // A local run (no GitHub cache): nothing saved, nothing said about a save.
    expect(result.compilerCache?.saved).toBeUndefined()
    expect(result.compilerCache?.restoredFrom).toBe(`the tool cache (${w.root}/tc/dipy-wheels-ccache)`)
  })
})
