import { createHash } from 'node:crypto'
import * as path from 'node:path'
import type { EnvChange } from '../command.js'
import type { Command } from '../exec.js'
import type { PlatformName } from '../host.js'
import { platformModule } from '../platforms/index.js'
import type { RecipeTarget } from '../platforms/recipe-flavour.js'
import type { Recipe } from './recipes.js'

/** Where the dependencies go. Paths are as the build sees them (host paths, or container paths). */
export interface DependencyLayout {
  /** The one install prefix every recipe installs into. */
  prefix: string
  /** Out-of-tree build directories, one per recipe. */
  buildRoot: string
  /** Extracted sources, one directory per recipe. */
  srcRoot: string
}

export type RecipeStepName = 'configure' | 'build' | 'install'

export interface RecipeStep {
  step: RecipeStepName
  command: Command
}

/** Path functions of the platform the build runs on, not of the machine planning it (its module's). */
const paths = (platform: PlatformName): path.PlatformPath => platformModule(platform).paths

/** The out-of-tree build directory of a recipe. Runners must create it before the first step. */
export function recipeBuildDir(recipe: Recipe, layout: DependencyLayout, platform: PlatformName): string {
  return paths(platform).join(layout.buildRoot, recipe.name)
}

/** The directory a recipe's source is extracted or cloned into. */
export function recipeSrcRoot(recipe: Recipe, layout: DependencyLayout, platform: PlatformName): string {
  return paths(platform).join(layout.srcRoot, recipe.name)
}

/**
 * The steps that build one recipe out of tree and install it into the prefix, each named for error messages.
 * Pure: no host paths of tools, so the Linux container path can render them into a script. Each step carries
 * prefixEnv(prefix, ...) over `base` (the environment the run found; `$NAME` when printed before the run),
 * so later recipes find earlier ones and the stage runs the step as planned; the build dir must exist.
 * `target`: the arch the recipes are built for when it is not the runner's (Windows): the platform module's
 * recipe flavour configures cmake and meson for it (its meson machine file must be written first).
 */
export function planRecipeSteps(
  recipe: Recipe,
  srcDir: string,
  layout: DependencyLayout,
  platform: PlatformName,
  jobs: number,
  target: RecipeTarget | undefined,
  base: Readonly<Record<string, string | undefined>>
): RecipeStep[] {
  const env = prefixEnv(layout.prefix, platform, { ...base })
  return recipeCommands(recipe, srcDir, layout, platform, jobs, target).map(({ step, command }) => ({
    step,
    command: { ...command, env: { ...env, ...command.env } }
  }))
}

function recipeCommands(
  recipe: Recipe,
  srcDir: string,
  layout: DependencyLayout,
  platform: PlatformName,
  jobs: number,
  target?: RecipeTarget
): RecipeStep[] {
  const flavour = platformModule(platform).recipes
  const p = paths(platform)
  const { prefix } = layout
  const buildDir = recipeBuildDir(recipe, layout, platform)
  const libDir = p.join(prefix, 'lib')
  const n = String(Math.max(1, Math.floor(jobs)))
  switch (recipe.build) {
    case 'cmake': {
      const forTarget = flavour.cmakeTarget(target)
      return [
        {
          step: 'configure',
          command: {
            command: 'cmake',
            args: [
              '-S',
              srcDir,
              '-B',
              buildDir,
              ...forTarget.args,
              `-DCMAKE_INSTALL_PREFIX=${prefix}`,
              '-DCMAKE_BUILD_TYPE=Release',
              '-DCMAKE_INSTALL_LIBDIR=lib',
              `-DCMAKE_PREFIX_PATH=${prefix}`,
              ...flavour.cmakeInstall(libDir),
              ...recipe.args
            ],
            ...(forTarget.env ? { env: forTarget.env } : {})
          }
        },
        {
          step: 'build',
          command: { command: 'cmake', args: ['--build', buildDir, '--config', 'Release', '--parallel', n] }
        },
        {
          step: 'install',
          command: { command: 'cmake', args: ['--install', buildDir, '--config', 'Release'] }
        }
      ]
    }
    case 'autotools': {
      const run = flavour.autotoolsConfigure(p.join(srcDir, 'configure'))
      return [
        {
          step: 'configure',
          command: {
            command: run.command,
            args: [...run.args, `--prefix=${prefix}`, `--libdir=${libDir}`, ...recipe.args],
            cwd: buildDir
          }
        },
        { step: 'build', command: { command: 'make', args: [`-j${n}`], cwd: buildDir } },
        { step: 'install', command: { command: 'make', args: ['install'], cwd: buildDir } }
      ]
    }
    case 'meson':
      return [
        {
          step: 'configure',
          command: {
            command: 'meson',
            args: [
              'setup',
              buildDir,
              srcDir,
              `--prefix=${prefix}`,
              '--libdir=lib',
              '--buildtype=release',
              ...flavour.mesonTarget(target),
              ...recipe.args
            ]
          }
        },
        { step: 'build', command: { command: 'meson', args: ['compile', '-C', buildDir, '-j', n] } },
        { step: 'install', command: { command: 'meson', args: ['install', '-C', buildDir] } }
      ]
    case 'script':
      return [
        {
          step: 'build',
          command: {
            command: 'bash',
            // With args, they are $1... of the script and $0 is the recipe name.
            args: [
              '-euo',
              'pipefail',
              '-c',
              recipe.script ?? '',
              ...(recipe.args.length ? [recipe.name, ...recipe.args] : [])
            ],
            cwd: srcDir,
            env: { PREFIX: prefix, SRC_DIR: srcDir, BUILD_DIR: buildDir, JOBS: n }
          }
        }
      ]
  }
}

/**
 * Directories holding the prefix's shared libraries: what the repair tool must search, as the platform
 * module's libraryEnv says (Windows: bin, where CMake, meson and libtool install DLLs; lib holds only the
 * import libraries, which the DLL loader and delvewheel never read).
 */
export function libraryDirs(prefix: string, platform: PlatformName): string[] {
  return Object.values(platformModule(platform).libraryEnv(prefix).prepend ?? {}).flat()
}

/** The variable the repair tool reads to find libraries (auditwheel, delocate, delvewheel): the module's. */
export function libraryPathVar(platform: PlatformName): string {
  return Object.keys(platformModule(platform).libraryEnv('').prepend ?? {})[0] ?? 'PATH'
}

/** The key `base` spells `name` with (the platform module's: Windows variables are case-insensitive). */
function keyOf(name: string, platform: PlatformName, base: Record<string, string | undefined>): string {
  return platformModule(platform).envKey(base, name)
}

/**
 * The variables that make a build see the prefix, each prepended to its value in `base`: PKG_CONFIG_PATH,
 * CMAKE_PREFIX_PATH, CPPFLAGS/CFLAGS/CXXFLAGS, LDFLAGS (LIB and INCLUDE for MSVC on Windows), PATH, and the
 * library path of the repair tool (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH, or PATH on Windows).
 * Only the variables it sets are returned.
 */
export function prefixEnv(
  prefix: string,
  platform: PlatformName,
  base: Record<string, string | undefined>
): Record<string, string> {
  const p = paths(platform)
  const sep: string = p.delimiter
  const lib = p.join(prefix, 'lib')
  const include = p.join(prefix, 'include')
  const env: Record<string, string> = {}
  const prepend = (name: string, values: string[], separator = sep): void => {
    const key = keyOf(name, platform, base)
    const old = env[key] ?? base[key]
    env[key] = [...values, ...(old ? [old] : [])].join(separator)
  }
  prepend('PKG_CONFIG_PATH', [p.join(lib, 'pkgconfig'), p.join(prefix, 'share', 'pkgconfig')])
  prepend('CMAKE_PREFIX_PATH', [prefix])
  for (const flags of ['CPPFLAGS', 'CFLAGS', 'CXXFLAGS']) prepend(flags, [`-I${include}`], ' ')
  if (platformModule(platform).recipes.msvcSearch) {
    prepend('LIB', [lib])
    prepend('INCLUDE', [include])
  } else {
    prepend('LDFLAGS', [`-L${lib}`], ' ')
  }
  // Where the library path is PATH itself (Windows), the library dirs are all PATH gets.
  const libraryVar = libraryPathVar(platform)
  if (libraryVar !== 'PATH') prepend('PATH', [p.join(prefix, 'bin')])
  prepend(libraryVar, libraryDirs(prefix, platform))
  return env
}

/** The compiler flags prefixEnv puts the prefix's include (and lib) directory in front of, space-separated. */
export const PREFIX_FLAGS = ['CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS'] as const

/**
 * prefixEnv as a change the plan's commands carry: the path lists as directories put first (applied to the
 * environment of whatever runs the command), the compiler flags set, in front of their value in `base`
 * (the environment the run found: `$CFLAGS` when printed before the run).
 */
export function prefixEnvChange(
  prefix: string,
  platform: PlatformName,
  base: Record<string, string | undefined>
): EnvChange {
  const sep = paths(platform).delimiter
  const set: Record<string, string> = {}
  const prepend: Record<string, string[]> = {}
  for (const [key, value] of Object.entries(prefixEnv(prefix, platform, {}))) {
    const flag = (PREFIX_FLAGS as readonly string[]).includes(key.toUpperCase())
    const old = base[keyOf(key, platform, base)]
    if (flag) set[key] = [value, ...(old ? [old] : [])].join(' ')
    else prepend[key] = value.split(sep)
  }
  return { set, prepend }
}

/** JSON with object keys sorted, so equal values always hash the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

/** Bump when the build commands change in a way that makes old prefixes wrong (2: Windows recipes for the target arch). */
const PLAN_VERSION = 2

/** The compiler as a prefix's key counts it: as the platform module's recipe flavour says. */
export function keyCompiler(platform: PlatformName, compiler: string): string {
  return platformModule(platform).recipes.keyCompiler(compiler)
}

/**
 * The cache key of a prefix: sha256 over the recipes (in order) and the OS, architecture and compiler.
 * An archive counts by its sha256, not where it is fetched from, so a new mirror reuses the cache.
 */
export function cacheKey(
  recipes: Recipe[],
  facts: { platform: PlatformName; arch: string; compiler: string }
): string {
  const keyed = recipes.map((r) => ({
    ...r,
    source: r.source.kind === 'archive' ? { kind: 'archive', sha256: r.source.sha256 } : r.source,
    companions: r.companions?.map((c) => ({ dir: c.dir, sha256: c.sha256 }))
  }))
  // Only these facts: callers may pass a larger object.
  const { platform, arch } = facts
  const compiler = keyCompiler(platform, facts.compiler)
  const text = canonical({ plan: PLAN_VERSION, recipes: keyed, facts: { platform, arch, compiler } })
  return createHash('sha256').update(text).digest('hex')
}
