/**
 * The compiler cache (compiler-cache input), its plans: ccache with its directory kept across runs — in the tool
 * cache on a local or self-hosted runner, and restored from / saved to GitHub's cache service when the
 * runner offers it. Compilers are reached through a directory of ccache symlinks first on PATH (any build
 * system uses it; meson also finds ccache on PATH by itself), and the paths ccache hashes are made stable
 * by the caller (persistent build env, fixed build directory) plus CCACHE_BASEDIR and CCACHE_NOHASHDIR.
 */
import type { EnvChange, PlannedCommand, Word } from '../command.js'
import type { Command } from '../exec.js'
import type { PlatformName } from '../host.js'
import { SCCACHE_STATS_ARGS, SCCACHE_STOP_ARGS, toolsVenvCache } from '../platforms/compiler-cache-tools.js'
import { shortHash } from '../util/hash.js'

export const CCACHE_DIR_NAME = 'dipy-wheels-ccache'
/** The compilers that get a ccache symlink, when they are on PATH. */
export const MASQUERADE_NAMES = ['cc', 'gcc', 'c++', 'g++', 'clang', 'clang++'] as const

/** The triplet-prefixed compiler names (`x86_64-linux-gnu-gcc`, ...) that get a symlink too. */
export const triplePrefixed = (triplet: string): string[] => MASQUERADE_NAMES.map((n) => `${triplet}-${n}`)

/** ccache's counters for one build (a difference of two `ccache --print-stats`). */
export interface CcacheStats {
  hits: number
  misses: number
  /** Calls ccache could not cache (links, configure probes, ...). */
  uncacheable: number
}

export interface CompilerCacheState {
  dir: string
  /** What GitHub's cache keeps as one entry: dir, and the Cython output cache. */
  paths: string[]
  /** The tool's executable (ccache, or sccache on Windows). */
  ccache: string
  /** Which tool it is: ccache (Linux, macOS) or sccache (Windows, where meson wraps cl.exe in it). */
  tool?: 'ccache' | 'sccache'
  /** The directory of compiler symlinks to put first on PATH. */
  binDir: string
  /** CCACHE_* variables of every build. */
  env: Record<string, string>
  /** The plan's commands of the tool (statistics, summary, clean-up), <ccache> being `ccache`. */
  commands: CompilerCacheCommands
  /** Where the cache came from: the GitHub key it was restored from, else the tool cache. */
  restoredFrom: string
  /** The GitHub cache key this run saves under ('' on a local run). */
  key: string
  restoreKeys: string[]
}

/** One build's counters, returned by the build step (recordStats) of its Python version. */
export type BuildCacheStats = { python: string } & CcacheStats

/** The cache as the report shows it, made once after the last build: its state, each build's counters, the save. */
export interface CompilerCacheReport extends CompilerCacheState {
  stats: readonly BuildCacheStats[]
  saved?: string
}

/**
 * The compiler cache as the plan holds it (with compiler-cache): the tool, its directory, the directory put
 * first on PATH (ccache: compiler symlinks the run makes; sccache: the tools venv's scripts, where pip puts
 * it) and the variables every build gets (CCACHE_BASEDIR = the checkout).
 */
export interface PlannedCompilerCache {
  tool: 'ccache' | 'sccache'
  dir: string
  binDir: string
  env: EnvChange
  commands: CompilerCacheCommands
}

/** The executable the run finds (on PATH, installed, or in the tools venv): the commands' <ccache>. */
export const CCACHE: Word = { slot: 'ccache' }

/** What the run does with the cache's tool, planned with <ccache> for its executable. */
export interface CompilerCacheCommands {
  /** The counters, before and after each build (ccache --print-stats; sccache's JSON statistics). */
  stats: PlannedCommand
  /** ccache's own summary in the log after each build (ccache only). */
  show?: PlannedCommand
  /** Before the save: ccache cleans up to its size limit; sccache's server stops (its files closed). */
  beforeSave: PlannedCommand
  /**
   * Where the runner image has no ccache (Linux): installing it with the first package manager on PATH, as
   * root (a container, a root host) or through passwordless sudo (`check` tells whether there is one).
   */
  install?: {
    check?: PlannedCommand
    managers: Array<{ manager: PackageManager; commands: PlannedCommand[] }>
  }
}

/** The cache's commands: its tool's statistics, summary and clean-up, and (Linux) installing ccache. */
function cacheCommands(
  tool: 'ccache' | 'sccache',
  set: Record<string, string>,
  root?: boolean
): CompilerCacheCommands {
  const run = (args: readonly string[]): PlannedCommand => ({
    command: CCACHE,
    args: [...args],
    env: { set }
  })
  const planned = (c: Command): PlannedCommand => ({
    command: c.command,
    args: c.args,
    ...(c.env ? { env: { set: c.env as Record<string, string> } } : {})
  })
  if (tool === 'sccache') return { stats: run(SCCACHE_STATS_ARGS), beforeSave: run(SCCACHE_STOP_ARGS) }
  return {
    stats: run(['--print-stats']),
    show: run(['-s']),
    beforeSave: run(['-c']),
    ...(root === undefined
      ? {}
      : {
          install: {
            ...(root ? {} : { check: { command: 'sudo', args: ['-n', 'true'] } }),
            managers: PACKAGE_MANAGERS.map((manager) => ({
              manager,
              commands: planCcacheInstall(manager, root).map(planned)
            }))
          }
        })
  }
}

/** The hit rate of some counters, as the summary shows it. */
export const hitRate = (s: CcacheStats): string =>
  s.hits + s.misses ? `${((100 * s.hits) / (s.hits + s.misses)).toFixed(0)}%` : '-'

/** The GitHub cache key (commit last) and its restore prefix, so a new commit starts from the last one. */
export function compilerCacheKeys(o: {
  platform: string
  arch: string
  pythons: readonly string[]
  compiler: string
  commit: string
}): { key: string; restoreKeys: string[] } {
  const prefix = `dipy-wheels-ccache-v2-${o.platform}-${o.arch}-py${o.pythons.join('_')}-${shortHash(o.compiler)}-`
  return { key: `${prefix}${o.commit}`, restoreKeys: [prefix] }
}

/**
 * ccache's settings. BASEDIR (the checkout, which holds the build directory) makes the paths under it
 * relative; NOHASHDIR leaves the working directory out of the hash (-g would put it in); depend mode skips
 * the preprocessor on a miss (the compiler's -MD output lists the headers), so a cold build costs almost
 * nothing more than without ccache. Values the user set win.
 */
export function ccacheEnv(
  dir: string,
  basedir: string,
  env: Readonly<Record<string, string | undefined>>
): Record<string, string> {
  const out: Record<string, string> = {
    CCACHE_DIR: dir,
    CCACHE_NOHASHDIR: 'true',
    CCACHE_DEPEND: 'true',
    CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
    CCACHE_MAXSIZE: '1G',
    ...(basedir ? { CCACHE_BASEDIR: basedir } : {})
  }
  for (const k of Object.keys(out)) if (k !== 'CCACHE_DIR' && env[k]) out[k] = env[k]!
  return out
}

/** The package managers that can install ccache, in the order they are tried. */
export const PACKAGE_MANAGERS = ['apt-get', 'dnf', 'yum', 'apk'] as const
export type PackageManager = (typeof PACKAGE_MANAGERS)[number]

/** Installing ccache with a package manager: as root directly, else through passwordless sudo. */
export function planCcacheInstall(manager: PackageManager, root: boolean): Command[] {
  const env = { DEBIAN_FRONTEND: 'noninteractive' }
  const sudo = (command: string, args: string[]): Command =>
    root ? { command, args, env } : { command: 'sudo', args: ['-n', command, ...args], env }
  switch (manager) {
    case 'apt-get':
      return [
        sudo('apt-get', ['update', '-q']),
        sudo('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'ccache'])
      ]
    case 'apk':
      return [sudo('apk', ['add', '--no-cache', 'ccache'])]
    default:
      // The manylinux images (AlmaLinux) carry ccache in EPEL, which they enable.
      return [sudo(manager, ['install', '-y', '-q', 'ccache'])]
  }
}

/** `ccache --print-stats` (tab-separated counters) → hits, misses, uncacheable. */
export function parsePrintStats(text: string): CcacheStats {
  const n: Record<string, number> = {}
  for (const line of text.split(/\r?\n/)) {
    const [k, v] = line.split('\t')
    if (k && v !== undefined && /^\d+$/.test(v.trim())) n[k.trim()] = Number(v)
  }
  const uncacheable = Object.entries(n)
    .filter(([k]) =>
      /^(called_for_|compiler_check_failed|compile_failed|could_not_|multiple_source|no_input_file|unsupported_|autoconf_test|bad_|preprocessor_error|output_to_stdout|recache)/.test(
        k
      )
    )
    .reduce((s, [, v]) => s + v, 0)
  return {
    hits: (n.direct_cache_hit ?? 0) + (n.preprocessed_cache_hit ?? 0),
    misses: n.cache_miss ?? 0,
    uncacheable
  }
}

export const statsDelta = (before: CcacheStats, after: CcacheStats): CcacheStats => ({
  hits: after.hits - before.hits,
  misses: after.misses - before.misses,
  uncacheable: after.uncacheable - before.uncacheable
})

/**
 * The compiler cache of a plan, decided before anything runs. `env`: the variables the cache reads from
 * (the host's on a host build; a container's own start from the image, so none count there); `toolsBin`: the
 * tools venv's scripts directory, where an OS without a system ccache gets its tool (compiler-cache-tools.ts).
 * ccache's symlink directory is one per executor (the run fills it with the compilers it finds).
 */
export function planCompilerCache(o: {
  platform: PlatformName
  toolCache: string
  envId: string
  basedir: string
  env: Readonly<Record<string, string | undefined>>
  toolsBin: string
  paths: { join(...parts: string[]): string }
  /** Whether the runner installs packages as root (a container, a root host), else through sudo -n. */
  root: boolean
}): PlannedCompilerCache {
  const dir = o.env.CCACHE_DIR || o.paths.join(o.toolCache, CCACHE_DIR_NAME)
  const venv = toolsVenvCache(o.platform)
  if (venv && venv.reach === 'meson-path') {
    const binDir = venv.pathDir(venv.executable(o.toolsBin))
    const set = venv.env(dir)
    return {
      tool: venv.tool,
      dir,
      binDir,
      env: { set, prepend: { PATH: [binDir] } },
      commands: cacheCommands(venv.tool, set)
    }
  }
  const binDir = o.paths.join(o.toolCache, 'dipy-wheels-ccache-bin', shortHash(o.envId))
  const set = ccacheEnv(dir, o.basedir, o.env)
  // An OS whose image has none gets ccache from the tools venv (off-linux.ts), else its package manager.
  const commands = cacheCommands('ccache', set, venv ? undefined : o.root)
  return { tool: 'ccache', dir, binDir, env: { set, prepend: { PATH: [binDir] } }, commands }
}
