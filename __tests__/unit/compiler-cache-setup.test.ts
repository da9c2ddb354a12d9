/** The compiler cache's setup and save (src/cache/ccache-setup.ts). */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  recordStats,
  saveCompilerCache,
  setupCompilerCache,
  type CompilerCacheOptions
} from '../../src/cache/ccache-setup.js'
import { planCompilerCache, type PlannedCompilerCache } from '../../src/cache/ccache.js'
import type { SharedCache } from '../../src/cache/github.js'
import { PRINT_STATS } from './ccache-fixture.js'
import { FakeRunner } from './recording-runner.js'

const made: string[] = []
const tmp = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

/** A GitHub cache service that records its calls; `hit` is what restore returns, `fail` makes a call throw. */
function fakeCache(hit?: string, fail?: 'restore' | 'save') {
  const calls: string[] = []
  const cache: SharedCache = {
    available: () => true,
    async restore(_dir, k, restoreKeys = []) {
      calls.push(`restore ${k} ${restoreKeys.join(',')}`)
      if (fail === 'restore') throw new Error('cache service down')
      return hit
    },
    async save(_dir, k) {
      calls.push(`save ${k}`)
      if (fail === 'save') throw new Error('cache service down')
    }
  }
  return { cache, calls }
}

const NO_SERVICE: SharedCache = {
  available: () => false,
  restore: async () => {
    throw new Error('not available')
  },
  save: async () => {
    throw new Error('not available')
  }
}

/** The plan's ccache (cache/ccache.ts's plan for a checkout at /work; compiler-cache.test.ts checks it). */
function planned(toolCache: string, own?: string, root = true): PlannedCompilerCache {
  return planCompilerCache({
    platform: 'linux',
    toolCache,
    envId: 'linux-x86_64',
    basedir: '/work',
    env: own ? { CCACHE_DIR: own } : {},
    toolsBin: '/unused',
    paths: path.posix,
    root
  })
}

function options(extra: Partial<CompilerCacheOptions> = {}): CompilerCacheOptions {
  const toolCache = tmp('dw-cc-tc-')
  return {
    platform: 'linux',
    arch: 'x86_64',
    toolCache,
    pythons: ['3.11'],
    compiler: 'gcc 12',
    commit: 'c0ffee',
    planned: planned(toolCache),
    cache: NO_SERVICE,
    ...extra
  }
}

/** The runner's PATH holds `names` (at /opt/bin/<name>). */
const onPath = (...names: string[]): Record<string, string> =>
  Object.fromEntries(names.map((n) => [n, `/opt/bin/${n}`]))

/** The key of options() with the cache service: sha256("gcc 12\0") begins 3b1088f397ed66d8 (sha256sum). */
const KEY = 'dipy-wheels-ccache-v2-linux-x86_64-py3.11-3b1088f397ed66d8-c0ffee'
const PREFIX = 'dipy-wheels-ccache-v2-linux-x86_64-py3.11-3b1088f397ed66d8-'

describe('compiler cache setup and save', () => {
  it("locally: the plan's directory, compiler symlinks to ccache in the plan's, no GitHub key", async () => {
    const o = options()
    const cc = (await setupCompilerCache(
      new FakeRunner(undefined, {}, onPath('ccache', 'gcc', 'cc', 'g++')),
      o
    ))!
    expect(cc.dir).toBe(path.join(o.toolCache, 'dipy-wheels-ccache'))
    expect(fs.statSync(cc.dir).isDirectory()).toBe(true)
    expect(cc.key).toBe('')
    expect(cc.restoredFrom).toBe(`the tool cache (${o.toolCache}/dipy-wheels-ccache)`)
    expect(cc.binDir).toBe(`${o.toolCache}/dipy-wheels-ccache-bin/8648b4f0b428761e`)
    expect(fs.readdirSync(cc.binDir).sort()).toEqual(['cc', 'g++', 'gcc'])
    expect(fs.readlinkSync(path.join(cc.binDir, 'gcc'))).toBe('/opt/bin/ccache')
    // ccache -s and the rest run with the plan's variables.
    expect(cc.env).toEqual({
      CCACHE_DIR: `${o.toolCache}/dipy-wheels-ccache`,
      CCACHE_BASEDIR: '/work',
      CCACHE_NOHASHDIR: 'true',
      CCACHE_DEPEND: 'true',
      CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
      CCACHE_MAXSIZE: '1G'
    })
  })

  it('the symlink directory keeps links for the compilers the runner has now, to this ccache only', async () => {
    const o = options()
    const bin = o.planned.binDir
    fs.mkdirSync(bin, { recursive: true })
    fs.symlinkSync('/old/ccache', path.join(bin, 'gcc'))
    fs.symlinkSync('/old/ccache', path.join(bin, 'clang'))
    await setupCompilerCache(new FakeRunner(undefined, {}, onPath('ccache', 'gcc', 'cc')), o)
    expect(fs.readdirSync(bin).sort()).toEqual(['cc', 'gcc'])
    expect(fs.readlinkSync(path.join(bin, 'gcc'))).toBe('/opt/bin/ccache')
  })

  it("without ccache the plan's symlink directory is emptied (no old link reaches a ccache)", async () => {
    const o = options()
    fs.mkdirSync(o.planned.binDir, { recursive: true })
    fs.symlinkSync('/old/ccache', path.join(o.planned.binDir, 'gcc'))
    expect(await setupCompilerCache(new FakeRunner(undefined, {}, onPath('gcc')), o)).toBeUndefined()
    expect(fs.readdirSync(o.planned.binDir)).toEqual([])
  })

  it("the plan's CCACHE_DIR (the user's, when they set one) is the directory used", async () => {
    const own = tmp('dw-cc-own-')
    const runner = new FakeRunner(undefined, { PATH: '/usr/bin' }, onPath('ccache'))
    const o = options()
    const cc = (await setupCompilerCache(runner, { ...o, planned: planned(o.toolCache, own) }))!
    expect(cc.dir).toBe(own)
    expect(cc.env.CCACHE_DIR).toBe(own)
  })

  it('on GitHub: restores by key and prefix; a failing service is a warning, the build goes on', async () => {
    const runner = new FakeRunner(undefined, {}, onPath('ccache', 'gcc'))
    const { cache, calls } = fakeCache('dipy-wheels-ccache-v2-old')
    const cc = (await setupCompilerCache(runner, options({ cache })))!
    expect(calls).toEqual([`restore ${KEY} ${PREFIX}`])
    expect(cc.key).toBe(KEY)
    expect(cc.restoreKeys).toEqual([PREFIX])
    expect(cc.restoredFrom).toBe('GitHub cache dipy-wheels-ccache-v2-old')
    const down = fakeCache(undefined, 'restore')
    const cc2 = (await setupCompilerCache(runner, options({ cache: down.cache })))!
    expect(down.calls).toEqual([`restore ${KEY} ${PREFIX}`])
    expect(cc2.restoredFrom).toBe('nothing (the GitHub cache failed)')
    const none = fakeCache(undefined)
    const cc3 = (await setupCompilerCache(runner, options({ cache: none.cache })))!
    expect(cc3.restoredFrom).toBe('nothing (no GitHub cache yet)')
  })

  it('on Windows: no ccache and no command; missing ccache is installed with apt-get as root', async () => {
    const runner = new FakeRunner(undefined, {}, onPath('ccache'))
    expect(await setupCompilerCache(runner, options({ platform: 'windows' }))).toBeUndefined()
    expect(runner.calls).toEqual([])
    // apt-get "installs" ccache: it is on PATH afterwards.
    const found = onPath('apt-get', 'gcc')
    const apt = new FakeRunner(
      (cmd) => {
        if (cmd.args.includes('install')) found.ccache = '/usr/bin/ccache'
      },
      {},
      found
    )
    const cc = await setupCompilerCache(apt, options())
    // Then the compiler's triplet is asked for (the fake's compilers say nothing), for the symlink names.
    expect(apt.lines()).toEqual([
      'apt-get update -q',
      'apt-get install -y -q --no-install-recommends ccache',
      'cc -dumpmachine',
      'gcc -dumpmachine',
      'clang -dumpmachine'
    ])
    expect(cc?.ccache).toBe('/usr/bin/ccache')
  })

  it('in a manylinux image (dnf): installs ccache with dnf', async () => {
    const found = onPath('dnf', 'gcc')
    const dnf = new FakeRunner(
      (cmd) => {
        if (cmd.args.includes('install')) found.ccache = '/usr/bin/ccache'
      },
      {},
      found
    )
    const cc = await setupCompilerCache(dnf, options())
    expect(dnf.lines()).toEqual([
      'dnf install -y -q ccache',
      'cc -dumpmachine',
      'gcc -dumpmachine',
      'clang -dumpmachine'
    ])
    expect(cc?.ccache).toBe('/usr/bin/ccache')
  })

  it('without root and without passwordless sudo: warns and builds without ccache', async () => {
    const runner = new FakeRunner(
      (cmd) => (cmd.command === 'sudo' ? { exitCode: 1 } : undefined),
      {},
      onPath('apt-get', 'gcc')
    )
    const o = options()
    const cc = await setupCompilerCache(runner, { ...o, planned: planned(o.toolCache, undefined, false) })
    expect(cc).toBeUndefined()
    expect(runner.lines()).toEqual(['sudo -n true'])
  })

  it('without a package manager: builds without ccache, nothing run', async () => {
    const runner = new FakeRunner(undefined, {}, onPath('gcc'))
    expect(await setupCompilerCache(runner, options())).toBeUndefined()
    expect(runner.calls).toEqual([])
  })

  it('returns each build’s hits and misses; saves only new work under a new key', async () => {
    const { cache, calls } = fakeCache(undefined)
    const cc = (await setupCompilerCache(
      new FakeRunner(undefined, {}, onPath('ccache', 'gcc')),
      options({ cache })
    ))!
    const state = structuredClone(cc)
    const after = new FakeRunner((cmd) =>
      cmd.args[0] === '--print-stats' ? { stdout: PRINT_STATS } : undefined
    )
    const stats = await recordStats(after, cc, '3.11', { hits: 2, misses: 1, uncacheable: 0 })
    expect(stats).toEqual({ python: '3.11', hits: 40, misses: 4, uncacheable: 8 })
    expect(after.lines()).toEqual(['/opt/bin/ccache --print-stats', '/opt/bin/ccache -s'])
    const saver = new FakeRunner()
    expect(await saveCompilerCache(saver, cc, [stats!], cache)).toBe(`saved as ${KEY}`)
    expect(saver.lines()).toEqual(['/opt/bin/ccache -c'])
    expect(calls).toEqual([`restore ${KEY} ${PREFIX}`, `save ${KEY}`])
    // Neither the counters nor the save are written into the cache's state.
    expect(cc).toEqual(state)

    const exact = { ...cc, restoredFrom: `GitHub cache ${KEY}` }
    expect(await saveCompilerCache(new FakeRunner(), exact, [stats!], cache)).toBe(
      `not saved: ${KEY} was restored as is`
    )
    const noWork = [{ python: '3.11', hits: 9, misses: 0, uncacheable: 0 }]
    expect(await saveCompilerCache(new FakeRunner(), cc, noWork, cache)).toBe(
      'not saved: nothing new was compiled'
    )
    // Neither of those two asked the service to save.
    expect(calls.filter((c) => c.startsWith('save'))).toEqual([`save ${KEY}`])
  })

  it('a failing save is a warning: the result says so and the run goes on', async () => {
    const cc = (await setupCompilerCache(
      new FakeRunner(undefined, {}, onPath('ccache', 'gcc')),
      options({ cache: fakeCache(undefined).cache })
    ))!
    const stats = [{ python: '3.11', hits: 0, misses: 3, uncacheable: 0 }]
    const failing = fakeCache(undefined, 'save')
    expect(await saveCompilerCache(new FakeRunner(), cc, stats, failing.cache)).toBe(
      'not saved (the GitHub cache failed)'
    )
    expect(failing.calls).toEqual([`save ${KEY}`])
  })
})
