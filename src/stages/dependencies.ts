import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {
  cacheKey,
  planRecipeSteps,
  prefixEnv,
  recipeBuildDir,
  recipeSrcRoot,
  type DependencyLayout
} from '../dependencies/plan.js'
import { recipesFor, type Recipe } from '../dependencies/recipes.js'
import type { WindowsRecipeTarget } from '../platforms/windows-target.js'
import { fetchSource, resolveGitRefs, type Downloader } from '../dependencies/sources.js'
import { CommandError, DependencyError, messageOf } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformName } from '../host.js'
import type { SharedCache } from '../cache/github.js'
import {
  compilerIdentityCommand,
  parseCompilerIdentity,
  toolsVenvCachePlatform
} from '../platforms/compiler-cache-tools.js'
import { platformModule } from '../platforms/index.js'
import { removeTree } from '../util/remove.js'

export interface DependencyResult {
  /** The install prefix ('' when no recipe applies to this platform). */
  prefix: string
  /** What the wheel build and the repair tool need to see the prefix (see prefixEnv). */
  env: Record<string, string>
  /** True when the prefix came from the cache and nothing was built. */
  cached: boolean
  /** Names of the recipes built in this run, in order. */
  built: string[]
  /** The cache key of the prefix ('' when there are no recipes). */
  key: string
}

export interface DependencyOptions {
  platform: PlatformName
  arch: string
  compiler: string
  /** Where complete prefixes are kept, e.g. <RUNNER_TOOL_CACHE>/dipy-wheels-deps. */
  cacheRoot: string
  /** Scratch space (sources, build dirs, downloads), e.g. under RUNNER_TEMP. */
  workDir: string
  jobs?: number
  baseEnv: Record<string, string | undefined>
  /** Test seam: how archives are downloaded. */
  download?: Downloader
  /** The cache shared between jobs (GitHub's cache service, when the runner offers it). */
  sharedCache: SharedCache
  /** Windows: the target arch the recipes are configured for (plan.dependencies.windows). */
  windows?: WindowsRecipeTarget
}

const MARKER = '.complete'

/** A prefix from GitHub's cache; its failures are warnings (the prefix can always be built again). */
async function restoreShared(shared: SharedCache, dir: string, key: string): Promise<boolean> {
  try {
    return (await shared.restore(dir, key)) !== undefined
  } catch (err) {
    core.warning(`Could not restore the dependency cache ${key}: ${messageOf(err)}`)
    return false
  }
}

/**
 * The compiler that builds, for cache keys: where the compiler cache comes from the tools venv, the one the
 * build really uses (cl.exe's banner with the MSVC environment loaded, `cc --version` with its target on
 * macOS: compiler-cache-tools.ts), else compilerId's first line.
 */
export async function compilerIdentity(runner: Runner, name: PlatformName): Promise<string> {
  const platform = toolsVenvCachePlatform(name)
  if (platform) {
    // The runner finds the command on the PATH it gives it (with MSVC's loaded: cl.exe of the target).
    const command = compilerIdentityCommand(platform, runner.env)
    const r = await runner
      .run(command, { silent: true, allowFailure: true })
      .catch((err: unknown) => messageOf(err))
    const id = typeof r === 'object' ? parseCompilerIdentity(platform, `${r.stdout}\n${r.stderr}`) : undefined
    if (id) return id
    core.warning(
      `The compiler's identity: ${command.command} ${typeof r === 'string' ? `did not run (${r})` : 'printed no version'}; ` +
        'keying the caches by the first compiler found on PATH instead.'
    )
  }
  return compilerId(runner, runner.env)
}

/** The first line `cc --version` prints (else gcc, clang, or cl on Windows); $CC first when it is set. */
export async function compilerId(runner: Runner, env: Record<string, string | undefined>): Promise<string> {
  const candidates: { command: string; args: string[] }[] = []
  const cc = env.CC?.trim().split(/\s+/).filter(Boolean)
  if (cc?.length) candidates.push({ command: cc[cc.length - 1], args: ['--version'] })
  for (const c of ['cc', 'gcc', 'clang']) candidates.push({ command: c, args: ['--version'] })
  candidates.push({ command: 'cl', args: [] })
  for (const c of candidates) {
    try {
      const r = await runner.run(c, { silent: true, allowFailure: true })
      const line = `${r.stdout}\n${r.stderr}`.split(/\r?\n/).find((l) => l.trim())
      if ((r.exitCode === 0 || c.command === 'cl') && line) return line.trim()
    } catch {
      // Not installed: try the next one.
    }
  }
  return 'unknown'
}

function resultFor(prefix: string, key: string, opts: DependencyOptions, cached: boolean, built: string[]) {
  return {
    prefix,
    env: prefixEnv(prefix, opts.platform, opts.baseEnv),
    cached,
    built,
    key
  }
}

async function buildRecipe(
  runner: Runner,
  recipe: Recipe,
  layout: DependencyLayout,
  opts: DependencyOptions
): Promise<void> {
  const downloads = path.join(opts.workDir, 'downloads')
  const srcDir = await fetchSource(
    runner,
    recipe,
    recipeSrcRoot(recipe, layout, opts.platform),
    downloads,
    opts.download
  )
  const buildDir = recipeBuildDir(recipe, layout, opts.platform)
  removeTree(buildDir)
  fs.mkdirSync(buildDir, { recursive: true })
  const jobs = opts.jobs ?? Math.max(1, os.availableParallelism())
  const target = opts.windows
  const machineFile = platformModule(opts.platform).recipes.mesonMachineFile(target)
  if (machineFile && recipe.build === 'meson') {
    fs.mkdirSync(path.dirname(machineFile.path), { recursive: true })
    fs.writeFileSync(machineFile.path, machineFile.text)
  }
  const steps = planRecipeSteps(recipe, srcDir, layout, opts.platform, jobs, target, opts.baseEnv)
  for (const { step, command } of steps) {
    try {
      await runner.run(command, { what: `the ${step} step` })
    } catch (err) {
      const tail =
        err instanceof CommandError && err.tail.trim() ? `\nLast lines of its output:\n${err.tail}` : ''
      const why = err instanceof CommandError ? `exit code ${err.exitCode}` : messageOf(err)
      throw new DependencyError(
        `recipe ${JSON.stringify(recipe.name)} (${recipe.version}) failed at the ${step} step (${recipe.build}): ${why}.` +
          ` Fix the recipe's source, args or script.${tail}`,
        { cause: err }
      )
    }
  }
}

/**
 * Builds the recipes for this platform, in order, into one prefix, or reuses a complete cached prefix with
 * the same key (recipes, OS, architecture, compiler). A prefix is trusted only once its .complete marker is
 * written, last; a failed build removes the whole entry.
 */
export async function buildDependencies(
  runner: Runner,
  recipes: Recipe[],
  opts: DependencyOptions
): Promise<DependencyResult> {
  const selected = await resolveGitRefs(runner, recipesFor(recipes, opts.platform))
  if (selected.length === 0) {
    if (recipes.length > 0)
      core.info(`Dependencies: none of the ${recipes.length} recipes is for ${opts.platform}`)
    return {
      prefix: '',
      env: {},
      cached: false,
      built: [],
      key: ''
    }
  }
  const key = cacheKey(selected, { platform: opts.platform, arch: opts.arch, compiler: opts.compiler })
  const entry = path.join(opts.cacheRoot, key)
  const prefix = path.join(entry, 'prefix')
  const shared = opts.sharedCache
  const sharedKey = `dipy-wheels-deps-${key}`
  const complete = (): boolean => fs.existsSync(path.join(entry, MARKER)) && fs.existsSync(prefix)
  let restored = false
  if (!complete() && shared.available() && (await restoreShared(shared, entry, sharedKey))) {
    restored = complete()
    if (!restored) removeTree(entry)
  }
  if (complete()) {
    const from = restored ? ' (restored from the GitHub cache)' : ''
    core.info(`Dependencies: cache hit ${key}${from} — not rebuilding (${selected.length} recipes)`)
    return resultFor(prefix, key, opts, true, [])
  }
  core.info(`Dependencies: no complete cache for ${key}; building ${selected.map((r) => r.name).join(', ')}`)
  removeTree(entry)
  const layout: DependencyLayout = {
    prefix,
    buildRoot: path.join(opts.workDir, 'build'),
    srcRoot: path.join(opts.workDir, 'src')
  }
  const built: string[] = []
  try {
    fs.mkdirSync(prefix, { recursive: true })
    for (const recipe of selected) {
      await core.group(`Dependency ${recipe.name} ${recipe.version} (${recipe.build})`, () =>
        buildRecipe(runner, recipe, layout, opts)
      )
      built.push(recipe.name)
    }
    const marker = { key, recipes: built, platform: opts.platform, arch: opts.arch, compiler: opts.compiler }
    fs.writeFileSync(path.join(entry, MARKER), `${JSON.stringify(marker, null, 2)}\n`)
  } catch (err) {
    removeTree(entry)
    throw err instanceof DependencyError
      ? err
      : new DependencyError(`Building the dependencies failed: ${messageOf(err)}`, { cause: err })
  }
  core.info(`Dependencies: built ${built.join(', ')} into ${prefix}`)
  if (shared.available()) {
    await shared.save(entry, sharedKey).catch((err: unknown) => {
      core.warning(`Could not save the dependency cache ${sharedKey}: ${messageOf(err)}`)
    })
  }
  return resultFor(prefix, key, opts, false, built)
}
