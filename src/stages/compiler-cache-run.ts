/**
 * The compiler cache at run time: finding (or installing) ccache, restoring and saving its directory,
 * reading its counters around each build, and the summary section. The plans are in compiler-cache.ts.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformName } from '../host.js'
import { shortHash } from '../python/venvs.js'
import { headerRow } from '../util/summary-table.js'
import {
  CCACHE_DIR_NAME,
  ccacheEnv,
  compilerCacheKeys,
  MASQUERADE_NAMES,
  parsePrintStats,
  planCcacheInstall,
  statsDelta,
  which,
  type CcacheStats,
  type CompilerCacheState
} from './compiler-cache.js'

/** Reads ccache's counters; undefined if ccache cannot say. */
export async function readStats(runner: Runner, cc: CompilerCacheState): Promise<CcacheStats | undefined> {
  const r = await runner
    .run({ command: cc.ccache, args: ['--print-stats'], env: cc.env }, { silent: true, allowFailure: true })
    .catch(() => undefined)
  return r && r.exitCode === 0 ? parsePrintStats(r.stdout) : undefined
}

/** A container build's counters, from the files its script wrote around the build. */
export function readStatsFiles(cc: CompilerCacheState, python: string, before: string, after: string): void {
  if (!fs.existsSync(before) || !fs.existsSync(after)) return
  const d = statsDelta(
    parsePrintStats(fs.readFileSync(before, 'utf8')),
    parsePrintStats(fs.readFileSync(after, 'utf8'))
  )
  cc.stats.push({ python, ...d })
  core.info(`ccache for Python ${python}: ${d.hits} hits, ${d.misses} misses (in the container)`)
}

/** Logs `ccache -s` in a group and records the build's hits and misses. */
export async function recordStats(
  runner: Runner,
  cc: CompilerCacheState,
  python: string,
  before: CcacheStats | undefined
): Promise<void> {
  const after = await readStats(runner, cc)
  if (!before || !after) return
  const d = statsDelta(before, after)
  cc.stats.push({ python, ...d })
  const rate = d.hits + d.misses ? ((100 * d.hits) / (d.hits + d.misses)).toFixed(0) : '-'
  await core.group(`ccache for Python ${python}: ${d.hits} hits, ${d.misses} misses (${rate}%)`, async () => {
    await runner
      .run({ command: cc.ccache, args: ['-s'], env: cc.env }, { allowFailure: true })
      .catch(() => undefined)
  })
}

/** GitHub's cache service, keyed with restore prefixes; loaded only when the runner offers it. */
export interface KeyedCache {
  available(): boolean
  /** The key restored (exact or by prefix), or undefined. */
  restore(dir: string, key: string, restoreKeys: string[]): Promise<string | undefined>
  save(dir: string, key: string): Promise<void>
}

export function githubKeyedCache(env: Readonly<Record<string, string | undefined>>): KeyedCache {
  return {
    available: () => Boolean(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL),
    async restore(dir, key, restoreKeys) {
      const cache = await import('@actions/cache')
      return cache.restoreCache([dir], key, restoreKeys)
    },
    async save(dir, key) {
      const cache = await import('@actions/cache')
      await cache.saveCache([dir], key)
    }
  }
}

export interface CompilerCacheOptions {
  enabled: boolean
  platform: PlatformName
  arch: string
  toolCache: string
  /** The children's environment (no secrets). */
  env: Readonly<Record<string, string | undefined>>
  pythons: readonly string[]
  compiler: string
  commit: string
  /** The common parent of the checkout and the build directories ('' for none). */
  basedir: string
  /** Test seams. */
  root?: boolean
  cache?: KeyedCache
}

async function findOrInstallCcache(runner: Runner, o: CompilerCacheOptions): Promise<string | undefined> {
  const found = which('ccache', o.env.PATH)
  if (found || o.platform !== 'linux' || !which('apt-get', o.env.PATH)) return found
  const root = o.root ?? process.getuid?.() === 0
  if (!root) {
    const sudo = await runner
      .run({ command: 'sudo', args: ['-n', 'true'] }, { silent: true, allowFailure: true })
      .catch(() => undefined)
    if (!sudo || sudo.exitCode !== 0) return undefined
  }
  try {
    await core.group('Install ccache (apt-get)', async () => {
      for (const cmd of planCcacheInstall(root)) await runner.run(cmd, { what: 'installing ccache' })
    })
  } catch (err) {
    core.info(messageOf(err))
    return undefined
  }
  return which('ccache', o.env.PATH)
}

/** A directory of compiler-named symlinks to ccache, for the compilers found on PATH. */
function masqueradeDir(ccache: string, o: CompilerCacheOptions): string {
  const names = MASQUERADE_NAMES.filter((n) => which(n, o.env.PATH))
  const dir = path.join(o.toolCache, 'dipy-wheels-ccache-bin', shortHash(ccache, ...names))
  fs.mkdirSync(dir, { recursive: true })
  for (const name of names) {
    const link = path.join(dir, name)
    try {
      if (fs.readlinkSync(link) === ccache) continue
      fs.rmSync(link, { force: true })
    } catch {
      // missing
    }
    fs.symlinkSync(ccache, link)
  }
  return dir
}

/** The cache directory: the user's CCACHE_DIR, else one in the tool cache. */
export function cacheDir(o: CompilerCacheOptions): string {
  const dir = o.env.CCACHE_DIR || path.join(o.toolCache, CCACHE_DIR_NAME)
  fs.mkdirSync(dir, { recursive: true })
  return dir
}

/** Restores the directory from GitHub's cache when the runner has one; its failures are warnings. */
async function restoreDir(
  o: CompilerCacheOptions,
  dir: string
): Promise<Pick<CompilerCacheState, 'restoredFrom' | 'key' | 'restoreKeys'>> {
  const cache = o.cache ?? githubKeyedCache(o.env)
  const keys = cache.available() ? compilerCacheKeys(o) : { key: '', restoreKeys: [] }
  let restoredFrom = `the tool cache (${dir})`
  if (keys.key) {
    try {
      const hit = await cache.restore(dir, keys.key, keys.restoreKeys)
      restoredFrom = hit ? `GitHub cache ${hit}` : 'nothing (no GitHub cache yet)'
      core.info(
        `Compiler cache: ${hit ? `restored ${hit}` : `no GitHub cache for ${keys.key} or its prefix`}`
      )
    } catch (err) {
      core.warning(`Could not restore the compiler cache ${keys.key}: ${messageOf(err)}`)
      restoredFrom = 'nothing (the GitHub cache failed)'
    }
  }
  return { restoredFrom, ...keys }
}

/**
 * A container build: the directory (mounted into the container, where the script installs and runs
 * ccache) restored as on the host; the counters come back from the script's files.
 */
export async function containerCompilerCache(o: CompilerCacheOptions): Promise<CompilerCacheState> {
  const dir = cacheDir(o)
  return {
    dir,
    ccache: 'ccache',
    binDir: '',
    env: ccacheEnv(dir, o.basedir, o.env),
    ...(await restoreDir(o, dir)),
    stats: []
  }
}

/**
 * Sets the cache up: finds ccache (installing it with apt-get on Linux as root or with passwordless sudo),
 * restores the directory from GitHub's cache when there is one. Undefined: build without it (warned once).
 */
export async function setupCompilerCache(
  runner: Runner,
  o: CompilerCacheOptions
): Promise<CompilerCacheState | undefined> {
  if (!o.enabled) {
    core.info('compiler-cache is off: building without ccache.')
    return undefined
  }
  if (o.platform === 'windows') {
    core.info('compiler-cache: ccache is not used with MSVC on Windows; building without it.')
    return undefined
  }
  const ccache = await findOrInstallCcache(runner, o)
  if (!ccache) {
    core.warning(
      'compiler-cache: ccache is not installed and could not be installed (apt-get needs root or passwordless sudo): ' +
        'building without a compiler cache. Install ccache before this action, or set compiler-cache: false.'
    )
    return undefined
  }
  const dir = cacheDir(o)
  const restored = await restoreDir(o, dir)
  const state: CompilerCacheState = {
    dir,
    ccache,
    binDir: masqueradeDir(ccache, o),
    env: ccacheEnv(dir, o.basedir, o.env),
    ...restored,
    stats: []
  }
  core.info(`Compiler cache: ${ccache} with CCACHE_DIR=${dir}`)
  return state
}

/** Saves the directory to GitHub's cache when this run compiled something new (never on a local run). */
export async function saveCompilerCache(
  runner: Runner,
  cc: CompilerCacheState,
  cache: KeyedCache = githubKeyedCache({})
): Promise<void> {
  if (!cc.key) return
  if (cc.restoredFrom === `GitHub cache ${cc.key}`) {
    cc.saved = `not saved: ${cc.key} was restored as is`
    return
  }
  if (cc.stats.length && cc.stats.every((s) => s.misses === 0)) {
    cc.saved = 'not saved: nothing new was compiled'
    return
  }
  await runner
    .run({ command: cc.ccache, args: ['-c'], env: cc.env }, { silent: true, allowFailure: true })
    .catch(() => undefined)
  try {
    await cache.save(cc.dir, cc.key)
    cc.saved = `saved as ${cc.key}`
  } catch (err) {
    cc.saved = 'not saved (the GitHub cache failed)'
    core.warning(`Could not save the compiler cache ${cc.key}: ${messageOf(err)}`)
  }
}

/** The summary section: where the cache came from, whether it was saved, hits and misses per Python. */
export function reportCompilerCache(cc: CompilerCacheState | undefined, summary: typeof core.summary): void {
  if (!cc) return
  summary.addHeading('Compiler cache', 3)
  summary.addRaw(
    `<p>ccache restored from ${escape(cc.restoredFrom)}${cc.saved ? `; ${escape(cc.saved)}` : ''}.</p>`,
    true
  )
  if (!cc.stats.length) return
  summary.addTable([
    headerRow('python', 'hits', 'misses', 'hit rate'),
    ...cc.stats.map((s) => [
      s.python,
      String(s.hits),
      String(s.misses),
      s.hits + s.misses ? `${((100 * s.hits) / (s.hits + s.misses)).toFixed(0)}%` : '-'
    ])
  ])
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
