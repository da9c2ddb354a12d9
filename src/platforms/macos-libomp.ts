/**
 * libomp for macOS, provided by the action: LLVM's OpenMP runtime as a built-in cmake recipe, built for the
 * wheel's arch and deployment target into the dependency prefix (and cached with it, like any recipe),
 * then made visible where meson's AppleClang OpenMP lookup looks.
 *
 * Why build from source rather than unpack a prebuilt archive: the deployment target is an input, and a
 * prebuilt libomp carries the minimum macOS it was built for (dipy's darwin20 archive is 11.0); delocate
 * refuses a library newer than the target, so a prebuilt archive would fix the lowest target the action can
 * build. LLVM publishes sources with stable URLs and sha256 (the same archive Homebrew's lld formula pins);
 * the runtime builds in about a minute and is cached under a key that includes arch and target.
 *
 * Why LLVM's two small release archives, openmp-<v>.src.tar.xz and cmake-<v>.src.tar.xz (about 1.5 MB
 * together, what Homebrew's libomp formula builds from), rather than the whole llvm-project archive (~140 MB
 * of xz, over a GB unpacked): since LLVM 15 openmp/CMakeLists.txt takes the shared modules from the
 * monorepo's top-level cmake/ directory next to it (../cmake), so the cmake archive is unpacked beside the
 * openmp one as `cmake`. This standalone build holds at the pinned 19.1.7; LLVM main has removed the
 * standalone openmp build (it must go through llvm-project's runtimes/ directory), so a newer pin needs the
 * runtimes build instead.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../errors.js'
import { macosCmakeArgs, type MacArch } from './macos-target.js'
import type { Recipe } from '../recipe.js'

export const LIBOMP_VERSION = '19.1.7'
const RELEASE = `https://github.com/llvm/llvm-project/releases/download/llvmorg-${LIBOMP_VERSION}`
/** LLVM's release archives of openmp/ and of the shared cmake/ modules at llvmorg-19.1.7. */
export const LLVM_OPENMP_SOURCE = {
  url: `${RELEASE}/openmp-${LIBOMP_VERSION}.src.tar.xz`,
  sha256: 'bd7e6901ab086fd268750363017935fd4a717c153dad3c2aab86cb0140d9e3fe'
}
export const LLVM_CMAKE_SOURCE = {
  url: `${RELEASE}/cmake-${LIBOMP_VERSION}.src.tar.xz`,
  sha256: '11c5a28f90053b0c43d0dec3d0ad579347fc277199c005206b963c19aae514e3'
}

/**
 * The runtime only: no libgomp/libiomp5 alias names (Homebrew's libomp formula turns them off too, as they
 * shadow GCC's libgomp), no offloading, no OMPD debugger library, no OMPT tools, no static library.
 */
export const LIBOMP_CMAKE_ARGS = [
  '-DLIBOMP_INSTALL_ALIASES=OFF',
  '-DOPENMP_ENABLE_LIBOMPTARGET=OFF',
  '-DLIBOMP_OMPD_SUPPORT=OFF',
  '-DOPENMP_ENABLE_OMPT_TOOLS=OFF',
  '-DLIBOMP_ENABLE_SHARED=ON'
]

/**
 * The built-in recipe for one arch and deployment target. Both are in its args, so they are in the cache
 * key: a libomp built for another target is never reused.
 */
export function libompRecipe(arch: MacArch, target: string): Recipe {
  return {
    name: 'libomp',
    version: LIBOMP_VERSION,
    source: { kind: 'archive', location: LLVM_OPENMP_SOURCE.url, sha256: LLVM_OPENMP_SOURCE.sha256 },
    companions: [{ location: LLVM_CMAKE_SOURCE.url, sha256: LLVM_CMAKE_SOURCE.sha256, dir: 'cmake' }],
    build: 'cmake',
    args: [...LIBOMP_CMAKE_ARGS, ...macosCmakeArgs(target, arch)],
    platforms: ['macos']
  }
}

/** The macos-libomp input: auto (when the project uses OpenMP), true (always), false (never). */
export type LibompMode = 'auto' | 'true' | 'false'

export function parseLibompMode(value: string): LibompMode {
  const v = value.trim().toLowerCase() || 'auto'
  if (v === 'auto' || v === 'true' || v === 'false') return v
  throw new InputError(
    'macos-libomp',
    `${JSON.stringify(value)} is not auto, true or false: auto builds libomp when the project's meson.build ` +
      'asks for OpenMP, false leaves it to you (install libomp before this action).'
  )
}

/**
 * meson `dependency('openmp')`, CMake `find_package(OpenMP)`, or a setup.py passing the "-fopenmp" flag
 * (as a quoted string, as setuptools' extra_compile_args take it): the project asks for OpenMP.
 */
export function mentionsOpenMP(buildFileText: string): boolean {
  const code = buildFileText.replace(/#.*$/gm, '')
  return (
    /\bdependency\s*\(\s*['"]openmp['"]/i.test(code) ||
    /\bfind_package\s*\(\s*OpenMP\b/i.test(code) ||
    /['"]-fopenmp['"]/.test(code)
  )
}

const SKIP_DIRS = new Set(['build', 'builddir', 'node_modules', 'subprojects', 'venv'])

/**
 * The meson.build and CMakeLists.txt files of a checkout, to `depth` levels, skipping build and hidden dirs,
 * and its top-level setup.py.
 */
export function buildFiles(root: string, depth = 4): string[] {
  const found: string[] = []
  const walk = (dir: string, level: number): void => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const setupPy = level === 0 && e.name === 'setup.py'
      if (e.isFile() && (e.name === 'meson.build' || e.name === 'CMakeLists.txt' || setupPy)) {
        found.push(path.join(dir, e.name))
      } else if (e.isDirectory() && level < depth && !e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) {
        walk(path.join(dir, e.name), level + 1)
      }
    }
  }
  walk(root, 0)
  return found.sort()
}

/** The first build file of the checkout that asks for OpenMP (for the log), or undefined. */
export function projectOpenMPFile(root: string): string | undefined {
  return buildFiles(root).find((f) => mentionsOpenMP(fs.readFileSync(f, 'utf8')))
}

/** Whether to build the built-in libomp: never off macOS; by the input; in auto mode, when asked for. */
export function wantLibomp(mode: LibompMode, platform: string, openmpFile: string | undefined): boolean {
  if (platform !== 'macos') return false
  return mode === 'true' || (mode === 'auto' && openmpFile !== undefined)
}

/**
 * Where meson's AppleClang OpenMP lookup looks when Homebrew has no libomp installed (meson 1.12
 * compilers/mixins/apple.py: `brew --prefix --installed libomp`, else /usr/local/opt/libomp on x86 and
 * /opt/homebrew/opt/libomp otherwise); both are the Homebrew prefixes of GitHub's macOS images.
 */
export function mesonLibompRoot(arch: MacArch): string {
  return arch === 'x86_64' ? '/usr/local/opt/libomp' : '/opt/homebrew/opt/libomp'
}

export type LibompLinkPlan =
  | { kind: 'link'; link: string; target: string }
  | { kind: 'present'; link: string }
  | { kind: 'homebrew'; prefix: string; warning: string }
  | { kind: 'occupied'; link: string; warning: string }

/**
 * How meson will find the built libomp. `brewPrefix`: what `brew --prefix --installed libomp` printed
 * (undefined when it failed: not installed, or no brew). `existing`: what is at meson's fallback path now
 * (undefined: nothing; else the path a symlink there points to, or '' for a real directory).
 */
export function planLibompLink(
  arch: MacArch,
  prefix: string,
  brewPrefix: string | undefined,
  existing: string | undefined
): LibompLinkPlan {
  if (brewPrefix) {
    return {
      kind: 'homebrew',
      prefix: brewPrefix,
      warning:
        `Homebrew's libomp is installed (${brewPrefix}): meson uses it instead of the libomp the action built ` +
        'for the deployment target, and delocate will refuse it if it was built for a newer macOS. ' +
        'Run `brew uninstall --ignore-dependencies libomp` before this action, or set macos-libomp: false.'
    }
  }
  const link = mesonLibompRoot(arch)
  if (existing === prefix) return { kind: 'present', link }
  if (existing === '') {
    return {
      kind: 'occupied',
      link,
      warning:
        `${link} is a directory not installed by Homebrew: meson uses the libomp in it, not the one the action ` +
        'built for the deployment target. Remove it before this action, or set macos-libomp: false.'
    }
  }
  // Nothing there, or a symlink left by an earlier run for another prefix: (re)point it at this prefix.
  return { kind: 'link', link, target: prefix }
}
