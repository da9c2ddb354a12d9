/**
 * The Cython output cache of a meson build (part of compiler-cache): meson runs Cython through
 * cython-cache.py, named as meson's `cython` in a native file ([binaries], which both find_program('cython')
 * and meson's Cython compiler read: https://mesonbuild.com/Machine-files.html#binaries). The script reuses
 * a stored .c/.cpp only when every file Cython read has the same content and every path it probed the same
 * existence; it logs one JSON line per call, read back here for the summary.
 */
import type * as path from 'node:path'
import script from './cython-cache.py'
import { shortHash } from '../util/hash.js'
import { commonAncestor } from '../util/paths.js'

export const CYTHON_CACHE_SCRIPT: string = script
export const CYTHON_CACHE_DIR_NAME = 'dipy-wheels-cython'
/** The folder inside the checkout that holds meson's build directories (one per Python version). */
export const BUILD_DIR_NAME = '.dipy-wheels-build'

/**
 * meson's build directory of one version: inside the checkout, at the same place in every workspace, so
 * the paths in the compile lines and Cython calls (relative to the build directory, or made relative to
 * the checkout) are the same wherever the workspace and the temp folder are.
 */
export const buildDirOf = (paths: path.PlatformPath, checkout: string, version: string): string =>
  paths.join(checkout, BUILD_DIR_NAME, `py${version}`)

/** Where one build's script, native file and log go, in the target's path flavour. */
export interface CythonCachePaths {
  /** The cache itself (kept across runs with the compiler cache). */
  dir: string
  /**
   * The common parent of the checkout and the build directory (the checkout itself, which holds the
   * build directory; '' for none): paths under it are keyed relative to it (as CCACHE_BASEDIR does), so
   * another workspace or temp directory still hits.
   */
  basedir: string
  /** The script, named by its content. */
  script: string
  nativeFile: string
  log: string
}

export function cythonCachePaths(
  paths: path.PlatformPath,
  o: { cacheDir: string; scratch: string; buildDir: string; checkout: string }
): CythonCachePaths {
  const { scratch, buildDir } = o
  return {
    dir: o.cacheDir,
    basedir: commonAncestor(o.checkout, buildDir, paths),
    script: paths.join(scratch, `cython-cache-${shortHash(CYTHON_CACHE_SCRIPT)}.py`),
    nativeFile: `${buildDir}-cython.ini`,
    log: `${buildDir}-cython.log`
  }
}

/** A string in a meson machine file (meson's string syntax: backslash and quote escaped). */
const mesonString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`

/**
 * The native file naming the script as Cython. Every option is one word (`--cache-dir=…`): meson takes a
 * path given alone in a [binaries] entry for a file the build steps depend on.
 */
export function cythonNativeFile(python: string, c: CythonCachePaths): string {
  const words = [
    python,
    c.script,
    `--cache-dir=${c.dir}`,
    ...(c.basedir ? [`--basedir=${c.basedir}`] : []),
    `--log=${c.log}`,
    '--'
  ]
  return `[binaries]\ncython = [${words.map(mesonString).join(', ')}]\n`
}

/** One build's Cython calls: reused from the cache, compiled (and stored), uncached or failed. */
export interface CythonStats {
  python: string
  reused: number
  compiled: number
  uncached: number
}

/** The script's log (one JSON object per line) → counts; meson's own probes (no source) are left out. */
export function parseCythonLog(python: string, text: string): CythonStats {
  const s: CythonStats = { python, reused: 0, compiled: 0, uncached: 0 }
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    let rec: { source?: string; result?: string }
    try {
      rec = JSON.parse(line) as typeof rec
    } catch {
      continue
    }
    // Meson's probes: `cython --version`, and the sanity check of the compiler at setup.
    if (!rec.source || rec.source.endsWith('sanity_check_for_cython.pyx')) continue
    if (rec.result === 'hit') s.reused++
    else if (rec.result === 'miss') s.compiled++
    else if (rec.result === 'uncached') s.uncached++
  }
  return s
}
