/**
 * The wheels of every Python version, walked from the plan: dependencies, then per version find the
 * interpreter, the build env, build, repair (into the wheelhouse) and test. The same code runs on the host
 * and in a container: only the Runner differs.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { compilerCacheBuildEnv, type CompilerCacheState } from '../cache/ccache.js'
import {
  readStats,
  recordStats,
  saveCompilerCache,
  setupCompilerCache,
  type CompilerCacheOptions
} from '../cache/ccache-setup.js'
import type { CythonStats } from '../cache/cython.js'
import constraints from '../../requirements/tools.txt'
import { mergeEnv } from '../command.js'
import { messageOf } from '../errors.js'
import { platformModule } from '../platforms/index.js'
import type { PythonPlan } from '../plan/types.js'
import { isMesonpy, readBuildSystem, ensureBuildEnv } from '../python/build-env.js'
import { findPython } from '../python/discover.js'
import { uvTool } from '../python/uv.js'
import { macosPlatformTag } from '../platforms/macos-target.js'
import { alongside, type Alongside } from '../util/log-capture.js'
import { buildWheel } from './build.js'
import { buildDependencies, compilerIdentity, type DependencyResult } from './dependencies.js'
import { libompRecipes, linkLibomp, targetFor } from './macos.js'
import { loadMsvc } from './msvc.js'
import { checkPlatformTag, repairWheel } from './repair.js'
import { checkTargetEarly } from './target-check.js'
import { wheelRecord, type Failure, type WheelRecord } from './results.js'
import { testWheel } from './test.js'
import { offLinuxCache, testEarly, toolsVenv, type Run, type WheelsContext } from './aside.js'

export type { WheelsContext } from './aside.js'

export interface WheelsResult {
  wheels: WheelRecord[]
  failures: Failure[]
  compilerCache?: CompilerCacheState
  /** What the Cython output cache reused, per version (meson builds with compiler-cache). */
  cython: CythonStats[]
  dependencies?: DependencyResult
}

/** One version; a failure is returned, never thrown. */
async function oneVersion(run: Run, py: PythonPlan): Promise<{ wheel?: WheelRecord; failure?: Failure }> {
  const { plan, runner, timings, mod } = run
  let step = `build env ${py.version}`
  const pending: Alongside<unknown>[] = []
  let record: WheelRecord | undefined
  let mac: ReturnType<typeof targetFor> | undefined
  try {
    const { python, buildPython } = await timings.time(step, async () => {
      const python = await findPython(runner, mod, py.version, py.interpreter)
      run.uv ??= await uvTool(runner, mod, plan, python.path)
      if (plan.macos) mac = targetFor(plan.macos, python.full)
      const buildSystem = py.buildEnv.projectRequirements ? readBuildSystem(plan.checkout.dir) : undefined
      run.mesonpy = buildSystem ? isMesonpy(buildSystem) : false
      const venv = await ensureBuildEnv(runner, mod, {
        python: python.path,
        full: python.full,
        dir: py.buildEnv.dir,
        constraints,
        srcDir: plan.checkout.dir,
        buildSystem,
        configSettings: plan.configSettings,
        pipCache: plan.compilerCache.pipCache,
        ...(run.uv ? { uv: run.uv } : {})
      })
      return { python, buildPython: venv.python }
    })
    await offLinuxCache(run, python)
    // Alongside the compile: the tools venv (Linux: the first version's) and the test venv with the
    // project's dependencies. Their logs follow the build's.
    const tools = run.tools ? undefined : alongside(() => toolsVenv(run, python))
    if (!run.uv && py.pipFallback) py = { ...py, ...py.pipFallback }
    const early = testEarly(run, py, python)
    pending.push(...(tools ? [tools] : []), ...(early ? [early] : []))
    step = `build ${py.version}`
    const before = run.cc ? await readStats(runner, run.cc) : undefined
    const { wheel: built, cython } = await timings.time(step, () =>
      buildWheel(
        runner,
        mod,
        py,
        { python: python.path, buildPython },
        {
          env: mergeEnv({ set: run.deps.env }, run.cc ? compilerCacheBuildEnv(run.cc) : undefined),
          mesonpy: run.mesonpy ?? false,
          override: mac?.env,
          vsenv: run.vsenv
        }
      )
    )
    if (run.cc) await recordStats(runner, run.cc, py.version, before)
    if (cython) run.cython.push(cython)
    step = `tools venv`
    const toolsBin = (
      tools
        ? await tools.settle('The tools venv (made while the wheel compiled)')
        : await toolsVenv(run, python)
    ).bin
    step = `repair ${py.version}`
    record = await timings.time(step, async () => {
      const repaired = await repairWheel(runner, mod, py, built, {
        toolsBin,
        arch: plan.arch,
        policy: plan.manylinuxPolicy,
        libraryEnv: run.deps.prefix ? mod.libraryEnv(run.deps.prefix) : {},
        override: mac?.env
      })
      const tag = mac ? macosPlatformTag(mac.target, plan.macos!.arch) : plan.windows?.wheelPlatform
      if (tag) checkPlatformTag(repaired, tag)
      fs.mkdirSync(plan.outputDir, { recursive: true })
      const dest = path.join(plan.outputDir, path.basename(repaired))
      fs.copyFileSync(repaired, dest)
      const r = await wheelRecord(py.version, dest, false)
      core.info(`${r.name}: ${r.size} bytes, grafted: ${r.grafted.join(', ') || 'nothing'}`)
      return r
    })
    const test = py.test
    if (!test) return { wheel: record }
    step = `test ${py.version}`
    let prepared = false
    if (early) {
      try {
        await early.settle(`The test venv of Python ${py.version} (made while the wheel compiled)`)
        prepared = true
      } catch (err) {
        core.warning(`Could not prepare the test venv early (${messageOf(err)}): the test makes it again.`)
      }
    }
    try {
      await timings.time(step, () =>
        testWheel(runner, mod, { ...py, test }, { python: python.path, wheel: record!.path }, prepared)
      )
      record.tested = true
    } catch (err) {
      // A wheel that failed its test never stays in the wheelhouse (nothing publishes it by mistake).
      const aside = path.join(py.failedDir, record.name)
      fs.mkdirSync(py.failedDir, { recursive: true })
      fs.renameSync(record.path, aside)
      core.warning(`${record.name} failed its test: moved out of the wheelhouse to ${aside}`)
      throw err
    }
    return { wheel: record }
  } catch (err) {
    const failure = { python: py.version, step, message: messageOf(err), error: err }
    if (!plan.failFast) core.error(`Python ${py.version} failed at ${step}: ${failure.message}`)
    return { failure }
  } finally {
    // Work started alongside a step that failed: waited for (no process outlives the run), its log shown.
    for (const p of pending)
      if (!p.settled) await p.settle('Work started alongside the build (not used)').catch(() => undefined)
  }
}

/**
 * The dependencies, then every version in turn. With fail-fast the first failure ends the loop; the
 * pipeline decides what a failure means for the run.
 */
export async function buildWheels(ctx: WheelsContext): Promise<WheelsResult> {
  const { plan, timings } = ctx
  const mod = platformModule(plan.platform)
  const result: WheelsResult = { wheels: [], failures: [], cython: [] }
  let runner = ctx.runner
  let vsenv = false
  if (plan.windows) {
    const windows = plan.windows
    try {
      ;({ runner, vsenv } = await timings.time('MSVC environment', () => loadMsvc(ctx.runner, windows)))
    } catch (err) {
      result.failures.push({ python: 'all', step: 'MSVC environment', message: messageOf(err), error: err })
      return result
    }
  }
  if (plan.windows || plan.macos) {
    try {
      await timings.time('target check', () => checkTargetEarly(runner, plan))
    } catch (err) {
      result.failures.push({ python: 'all', step: 'target check', message: messageOf(err), error: err })
      return result
    }
  }
  let deps: DependencyResult
  // The compiler's identity keys the dependency prefixes and the compiler cache.
  const compiler = await compilerIdentity(runner, plan.platform)
  const libomp = plan.macos ? libompRecipes(plan.macos, plan.checkout.dir) : []
  try {
    deps = await timings.time('dependencies', async () =>
      buildDependencies(runner, [...libomp, ...plan.dependencies.recipes], {
        platform: plan.platform,
        arch: plan.arch,
        // The deployment target is in the key: a prefix built for another macOS is never reused.
        compiler: plan.macos ? `${compiler}; macOS ${plan.macos.deploymentTarget}` : compiler,
        cacheRoot: plan.dependencies.cacheRoot,
        workDir: plan.dependencies.workDir,
        jobs: plan.dependencies.jobs,
        baseEnv: { ...runner.env, ...plan.dependencies.env },
        sharedCache: ctx.cache,
        windows: plan.dependencies.windows
      })
    )
    if (plan.macos && libomp.length && deps.prefix) await linkLibomp(runner, plan.macos, deps.prefix)
  } catch (err) {
    result.failures.push({ python: 'all', step: 'dependencies', message: messageOf(err), error: err })
    return result
  }
  result.dependencies = deps
  const run: Run = { ...ctx, runner, mod, deps, vsenv, cython: result.cython }
  if (plan.compilerCache.enabled) {
    const o: CompilerCacheOptions = {
      platform: plan.platform,
      arch: plan.arch,
      toolCache: plan.toolCache,
      pythons: plan.pythons.map((p) => p.version),
      compiler,
      commit: ctx.commit,
      basedir: plan.compilerCache.basedir,
      root: ctx.root,
      envId: plan.executor.envId,
      cache: ctx.cache,
      keep: [...new Set(plan.pythons.flatMap((p) => (p.cythonCache ? [p.cythonCache.dir] : [])))]
    }
    if (plan.platform === 'linux') {
      run.cc = await timings.time('compiler cache (restore)', () => setupCompilerCache(runner, o))
    } else run.ccPending = { ...o, platform: plan.platform }
  } else core.info('compiler-cache is off: building without ccache.')
  try {
    for (const py of plan.pythons) {
      const { wheel, failure } = await oneVersion(run, py)
      if (wheel) result.wheels.push(wheel)
      if (failure) {
        result.failures.push(failure)
        if (plan.failFast) break
      }
    }
  } finally {
    result.compilerCache = run.cc
    const cc = run.cc
    if (cc?.key) await timings.time('compiler cache (save)', () => saveCompilerCache(runner, cc, ctx.cache))
  }
  return result
}
