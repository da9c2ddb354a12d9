/**
 * The wheels of every Python version, walked from the plan: dependencies, then per version find the
 * interpreter, the build env, build, repair (into the wheelhouse) and test. The same code runs on the host
 * and in a container: only the Runner differs.
 */
import * as core from '@actions/core'
import type { BuildCacheStats, CompilerCacheReport } from '../cache/ccache.js'
import { saveCompilerCache, setupCompilerCache, type CompilerCacheOptions } from '../cache/ccache-setup.js'
import type { CythonStats } from '../cache/cython.js'
import type { Runner } from '../exec.js'
import type { SharedCache } from '../cache/github.js'
import { toolsVenvCachePlatform } from '../platforms/compiler-cache-tools.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { resolveDependencies } from '../plan/dependencies.js'
import type { BuildPlan } from '../plan/types.js'
import type { VersionContext, WheelsContext } from './aside.js'
import { requireResolved } from './backend.js'
import {
  buildDependencies,
  compilerIdentity,
  type DependencyOptions,
  type DependencyResult
} from './dependencies.js'
import { failureOf, step, type Failure, type WheelRecord } from './results.js'
import { checkTargetEarly } from './target-check.js'
import { oneVersion, type Carry } from './version.js'

export type { WheelsContext } from './aside.js'

export interface WheelsResult {
  wheels: WheelRecord[]
  failures: Failure[]
  /** The compiler cache: its state, each build's counters and what became of the save. */
  compilerCache?: CompilerCacheReport
  /** What the Cython output cache reused, per version (meson builds with compiler-cache). */
  cython: CythonStats[]
  dependencies?: DependencyResult
}

/** How the plan's dependencies are built and keyed, with the compiler the run found. */
export function dependencyOptions(
  plan: BuildPlan,
  env: Readonly<Record<string, string | undefined>>,
  compiler: string,
  cache: SharedCache
): DependencyOptions {
  const d = plan.dependencies
  return {
    platform: plan.platform,
    arch: plan.arch,
    // The plan's extra key facts (macOS: the deployment target): a prefix built for another target is never reused.
    compiler: d.keyExtra ? `${compiler}; ${d.keyExtra}` : compiler,
    cacheRoot: d.cacheRoot,
    workDir: d.workDir,
    jobs: d.jobs,
    baseEnv: { ...env, ...d.env },
    sharedCache: cache,
    windows: d.windows
  }
}

/**
 * What every version shares, made once before the first: what the OS prepares (Windows: MSVC's
 * environment), the target check, the dependency prefix (with the recipes the OS adds before the plan's).
 */
async function prelude(
  ctx: WheelsContext,
  mod: PlatformModule
): Promise<{ runner: Runner; vsenv: boolean; deps: DependencyResult; compiler: string; plan: BuildPlan }> {
  const { plan, timings } = ctx
  const timed = <T>(label: string, fn: () => Promise<T>): Promise<T> =>
    step(label, () => timings.time(label, fn))
  const prepare = mod.prepareJob
  const { runner, vsenv } = prepare
    ? await timed(prepare.label, () => prepare.run(ctx.runner, plan))
    : { runner: ctx.runner, vsenv: false }
  if (mod.checksTarget) await timed('target check', () => checkTargetEarly(runner, plan))
  // The compiler's identity keys the dependency prefixes and the compiler cache.
  const compiler = await compilerIdentity(runner, plan.platform)
  const before = mod.recipesBefore(plan, plan.checkout.dir)
  const deps = await timed('dependencies', async () => {
    const deps = await buildDependencies(
      runner,
      [...before, ...plan.dependencies.recipes],
      dependencyOptions(plan, runner.env, compiler, ctx.cache)
    )
    await mod.afterDependencies(runner, plan, deps.prefix, before)
    return deps
  })
  // The prefix found is written into the plan's commands (the versions merge no environment of their own).
  return {
    runner,
    vsenv,
    deps,
    compiler,
    plan: resolveDependencies(plan, { prefix: deps.prefix, env: runner.env })
  }
}

/**
 * The dependencies, then every version in turn. With fail-fast the first failure ends the loop; the
 * pipeline decides what a failure means for the run.
 */
export async function buildWheels(ctx: WheelsContext): Promise<WheelsResult> {
  const { timings } = ctx
  requireResolved(ctx.plan)
  const mod = ctx.platform ?? platformModule(ctx.plan.platform)
  const result: WheelsResult = { wheels: [], failures: [], cython: [] }
  let shared: Awaited<ReturnType<typeof prelude>>
  try {
    shared = await prelude(ctx, mod)
  } catch (err) {
    result.failures.push(failureOf('all', err, 'dependencies'))
    return result
  }
  const { runner, vsenv, deps, compiler, plan } = shared
  result.dependencies = deps
  const ctxV: VersionContext = { ...ctx, plan, runner, mod, vsenv }
  let carry: Carry = {}
  const ccStats: BuildCacheStats[] = []
  const planned = plan.compilerCache.enabled ? plan.compilerCache.planned : undefined
  if (planned) {
    const o: CompilerCacheOptions = {
      platform: plan.platform,
      arch: plan.arch,
      toolCache: plan.toolCache,
      pythons: plan.pythons.map((p) => p.version),
      compiler,
      commit: ctx.commit,
      planned,
      cache: ctx.cache,
      // The Cython outputs and the repaired wheels are kept with the compiler cache (one entry).
      keep: [
        ...new Set(
          plan.pythons.flatMap((p) => [
            ...(p.cythonCache ? [p.cythonCache.dir] : []),
            ...(p.repairReuse ? [p.repairReuse.dir] : [])
          ])
        )
      ]
    }
    const later = toolsVenvCachePlatform(plan.platform)
    carry = later
      ? { ccLater: { ...o, platform: later } }
      : { cc: await timings.time('compiler cache (restore)', () => setupCompilerCache(runner, o)) }
  } else core.info('compiler-cache is off: building without ccache.')
  try {
    for (const py of plan.pythons) {
      const v = await oneVersion(ctxV, py, carry)
      carry = v.carry
      if (v.ccStats) ccStats.push(v.ccStats)
      if (v.cython) result.cython.push(v.cython)
      if (v.wheel) result.wheels.push(v.wheel)
      if (v.failure) {
        result.failures.push(v.failure)
        if (plan.failFast) break
      }
    }
  } finally {
    const cc = carry.cc
    const saved = cc?.key
      ? await timings.time('compiler cache (save)', () => saveCompilerCache(runner, cc, ccStats, ctx.cache))
      : undefined
    if (cc) result.compilerCache = { ...cc, stats: ccStats, ...(saved ? { saved } : {}) }
  }
  return result
}
