/**
 * The compiler cache at run time, through whatever Runner builds (host or container): finding or
 * installing ccache, restoring and saving its directory, reading its counters around each build. The
 * pure parts are in ccache.ts; the summary is the report's.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import { materialize, type EnvFlavour, type PlannedCommand } from '../command.js'
import type { Command, Runner } from '../exec.js'
import type { PlatformName } from '../host.js'
import {
  compilerCacheKeys,
  hitRate,
  MASQUERADE_NAMES,
  triplePrefixed,
  parsePrintStats,
  statsDelta,
  type BuildCacheStats,
  type CcacheStats,
  type CompilerCacheState,
  type PlannedCompilerCache
} from './ccache.js'
import type { SharedCache } from './github.js'
import { parseSccacheStats, toolsVenvCache } from '../platforms/compiler-cache-tools.js'

/** A planned command of the cache's tool, with its executable: it only sets variables (no PATH change). */
export function toolCommand(cmd: PlannedCommand, ccache: string): Command {
  return materialize(cmd, { ccache }, {}, SETS_ONLY)
}
const SETS_ONLY: EnvFlavour = { paths: path, envKey: (_env, name) => name }

/** Reads ccache's counters with the plan's command; undefined if ccache cannot say. */
export async function readStats(runner: Runner, cc: CompilerCacheState): Promise<CcacheStats | undefined> {
  const r = await runner
    .run(toolCommand(cc.commands.stats, cc.ccache), { silent: true, allowFailure: true })
    .catch(() => undefined)
  if (!r || r.exitCode !== 0) return undefined
  try {
    return cc.tool === 'sccache' ? parseSccacheStats(r.stdout) : parsePrintStats(r.stdout)
  } catch {
    return undefined
  }
}

/** Logs `ccache -s` in a group and returns the build's hits and misses (undefined when ccache cannot say). */
export async function recordStats(
  runner: Runner,
  cc: CompilerCacheState,
  python: string,
  before: CcacheStats | undefined
): Promise<BuildCacheStats | undefined> {
  const after = await readStats(runner, cc)
  if (!before || !after) return undefined
  const d = statsDelta(before, after)
  const show = cc.commands.show
  await core.group(
    `ccache for Python ${python}: ${d.hits} hits, ${d.misses} misses (${hitRate(d)})`,
    async () => {
      if (show) await runner.run(toolCommand(show, cc.ccache), { allowFailure: true }).catch(() => undefined)
    }
  )
  return { python, ...d }
}

export interface CompilerCacheOptions {
  platform: PlatformName
  arch: string
  toolCache: string
  pythons: readonly string[]
  compiler: string
  commit: string
  /** The plan's compiler cache: its directory, the directory first on PATH, every build's variables. */
  planned: PlannedCompilerCache
  cache: SharedCache
  /** More directories kept in the same GitHub cache entry (the Cython output cache). */
  keep?: string[]
}

/** ccache from the first package manager on PATH, with the plan's commands (as root, else through sudo -n). */
async function installCcache(runner: Runner, o: CompilerCacheOptions): Promise<string | undefined> {
  const install = o.planned.commands.install
  if (!install) return undefined
  let found: (typeof install.managers)[number] | undefined
  for (const m of install.managers) if (!found && (await runner.which(m.manager))) found = m
  if (!found) return undefined
  if (install.check) {
    const sudo = await runner
      .run(toolCommand(install.check, ''), { silent: true, allowFailure: true })
      .catch(() => undefined)
    if (!sudo || sudo.exitCode !== 0) return undefined
  }
  const manager = found
  try {
    await core.group(`Install ccache (${manager.manager})`, async () => {
      for (const cmd of manager.commands)
        await runner.run(toolCommand(cmd, ''), { what: 'installing ccache', asRoot: true })
    })
  } catch (err) {
    core.info(messageOf(err))
    return undefined
  }
  return runner.which('ccache')
}

/** What `cc -dumpmachine` (or gcc's, clang's) says: the target triplet compilers are also named by. */
async function compilerTriplet(runner: Runner): Promise<string | undefined> {
  for (const cc of ['cc', 'gcc', 'clang']) {
    const r = await runner
      .run({ command: cc, args: ['-dumpmachine'] }, { silent: true, allowFailure: true })
      .catch(() => undefined)
    const triplet = r?.exitCode === 0 ? r.stdout.trim() : ''
    if (/^[\w.]+(-[\w.]+){1,3}$/.test(triplet)) return triplet
  }
  return undefined
}

/**
 * The plan's directory of compiler-named symlinks to ccache, for every compiler name the runner has: the
 * plain ones and the triplet-prefixed ones (Debian's and Ubuntu's Pythons name `x86_64-linux-gnu-gcc` as
 * sysconfig's CC, which setuptools calls by that name). A link to another ccache, or for a compiler the
 * runner no longer has, is replaced or removed.
 */
export async function masqueradeDir(runner: Runner, ccache: string, dir: string): Promise<string> {
  const triplet = await compilerTriplet(runner)
  const candidates = [...MASQUERADE_NAMES, ...(triplet ? triplePrefixed(triplet) : [])]
  const names: string[] = []
  for (const n of candidates) if (await runner.which(n)) names.push(n)
  fs.mkdirSync(dir, { recursive: true })
  for (const old of fs.readdirSync(dir))
    if (!names.includes(old)) fs.rmSync(path.join(dir, old), { force: true })
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

/**
 * Without a compiler cache the build still gets the plan's variables: the symlink directory first on its
 * PATH is emptied, so no link of an earlier run reaches a ccache this one could not set up.
 */
export function emptyMasqueradeDir(planned: PlannedCompilerCache): void {
  if (planned.tool !== 'ccache' || !fs.existsSync(planned.binDir)) return
  for (const old of fs.readdirSync(planned.binDir)) fs.rmSync(path.join(planned.binDir, old), { force: true })
}

/** Restores the directory from GitHub's cache when the runner has one; its failures are warnings. */
export async function restoreDir(
  o: CompilerCacheOptions,
  dir: string
): Promise<Pick<CompilerCacheState, 'paths' | 'restoredFrom' | 'key' | 'restoreKeys'>> {
  const paths = [dir, ...(o.keep ?? [])]
  for (const p of paths) fs.mkdirSync(p, { recursive: true })
  const keys = o.cache.available() ? compilerCacheKeys(o) : { key: '', restoreKeys: [] }
  let restoredFrom = `the tool cache (${dir})`
  if (keys.key) {
    try {
      const hit = await o.cache.restore(paths, keys.key, keys.restoreKeys)
      restoredFrom = hit ? `GitHub cache ${hit}` : 'nothing (no GitHub cache yet)'
      core.info(
        `Compiler cache: ${hit ? `restored ${hit}` : `no GitHub cache for ${keys.key} or its prefix`}`
      )
    } catch (err) {
      core.warning(`Could not restore the compiler cache ${keys.key}: ${messageOf(err)}`)
      restoredFrom = 'nothing (the GitHub cache failed)'
    }
  }
  return { paths, restoredFrom, ...keys }
}

/**
 * Sets the cache up: finds ccache on the runner (installing it with its package manager as root or with
 * passwordless sudo), restores the directory from GitHub's cache when there is one. Undefined: build
 * without it (warned once, with the reason).
 */
export async function setupCompilerCache(
  runner: Runner,
  o: CompilerCacheOptions
): Promise<CompilerCacheState | undefined> {
  // An OS whose runner image has none gets its own from the tools venv once an interpreter is found
  // (off-linux.ts; which OS does is compiler-cache-tools.ts's).
  if (toolsVenvCache(o.platform)) return undefined
  const ccache = (await runner.which('ccache')) ?? (await installCcache(runner, o))
  if (!ccache) {
    emptyMasqueradeDir(o.planned)
    core.warning(
      'compiler-cache: ccache is not installed and could not be installed (that needs a package manager and root ' +
        'or passwordless sudo): building without a compiler cache. Install ccache before this action, or set ' +
        'compiler-cache: false.'
    )
    return undefined
  }
  const dir = o.planned.dir
  fs.mkdirSync(dir, { recursive: true })
  const restored = await restoreDir(o, dir)
  const state: CompilerCacheState = {
    dir,
    ccache,
    binDir: await masqueradeDir(runner, ccache, o.planned.binDir),
    env: o.planned.env.set ?? {},
    commands: o.planned.commands,
    ...restored
  }
  core.info(`Compiler cache: ${ccache} with CCACHE_DIR=${dir}`)
  return state
}

/**
 * Saves the directory to GitHub's cache when this run compiled something new (never on a local run), and
 * says what became of it (undefined: a local run). `stats`: the counters the builds returned.
 */
export async function saveCompilerCache(
  runner: Runner,
  cc: CompilerCacheState,
  stats: readonly BuildCacheStats[],
  cache: SharedCache
): Promise<string | undefined> {
  if (!cc.key) return undefined
  if (cc.restoredFrom === `GitHub cache ${cc.key}`) return `not saved: ${cc.key} was restored as is`
  if (stats.length && stats.every((s) => s.misses === 0)) return 'not saved: nothing new was compiled'
  // ccache: clean up to the size limit; sccache: stop the server, so its files are closed before the save.
  await runner
    .run(toolCommand(cc.commands.beforeSave, cc.ccache), { silent: true, allowFailure: true })
    .catch(() => undefined)
  try {
    await cache.save(cc.paths, cc.key)
    return `saved as ${cc.key}`
  } catch (err) {
    core.warning(`Could not save the compiler cache ${cc.key}: ${messageOf(err)}`)
    return 'not saved (the GitHub cache failed)'
  }
}
