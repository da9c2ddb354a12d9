/**
 * One Python version of the wheels stage: find the interpreter, the build env, build, repair (into the
 * wheelhouse) and test. What it makes for the next versions (the tools venv, the compiler cache off Linux)
 * comes back in its result, and a failure names the step that threw it.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { BuildCacheStats, CompilerCacheState } from '../cache/ccache.js'
import { readStats, recordStats } from '../cache/ccache-setup.js'
import type { CythonStats } from '../cache/cython.js'
import { messageOf } from '../errors.js'
import { resolveInterpreter } from '../plan/interpreter.js'
import type { PythonPlan } from '../plan/types.js'
import { ensureBuildEnv, readBuildSystem } from '../python/build-env.js'
import { findPython } from '../python/discover.js'
import { uvTool, withPipConfig } from '../python/uv.js'
import type { ToolVenv, UvTool } from '../python/venvs.js'
import { alongside, type Alongside } from '../util/log-capture.js'
import {
  makeToolsVenv,
  offLinuxCache,
  testEarly,
  type OffLinuxCacheOptions,
  type VersionContext
} from './aside.js'
import { buildWheel } from './build.js'
import { checkPlatformTag, repairOrReuse } from './repair.js'
import { failureOf, step, wheelRecord, type Failure, type WheelRecord } from './results.js'
import { testWheel } from './test.js'

/** What one version hands the next: the tools venv once made, the compiler cache once set up. */
export interface Carry {
  tools?: ToolVenv
  cc?: CompilerCacheState
  /** Off Linux: the compiler cache still to set up (at the first version that finds an interpreter). */
  ccLater?: OffLinuxCacheOptions
  /** uv for the venvs once the first interpreter is found; null: pip (none planned, or it does not run). */
  uv?: UvTool | null
}

export interface VersionResult {
  wheel?: WheelRecord
  failure?: Failure
  /** What the Cython output cache reused (meson builds with compiler-cache). */
  cython?: CythonStats
  /** What the compiler cache reused in this version's build (returned, never written into the cache's state). */
  ccStats?: BuildCacheStats
  carry: Carry
}

/** The test venv's uv commands with pip's configuration, found on the target. */
function withUvConfig(py: PythonPlan, uv: UvTool): PythonPlan {
  const { test, testEarly } = py
  return {
    ...py,
    ...(test ? { test: test.map((c) => withPipConfig(c, uv)) } : {}),
    ...(testEarly ? { testEarly: { ...testEarly, install: withPipConfig(testEarly.install, uv) } } : {})
  }
}

/** Work started alongside the build and not used (a step failed): waited for, its log shown. */
async function drain<T>(task: Alongside<T> | undefined): Promise<T | undefined> {
  if (!task || task.settled) return undefined
  return task.settle('Work started alongside the build (not used)').catch(() => undefined)
}

/** One version; a failure is returned, never thrown. */
export async function oneVersion(ctx: VersionContext, py: PythonPlan, carry: Carry): Promise<VersionResult> {
  const { plan, runner, timings, mod } = ctx
  const timed = <T>(label: string, fn: () => Promise<T>): Promise<T> =>
    step(label, () => timings.time(label, fn))
  // This version's own record of what it made (returned, whatever happens).
  const made: Carry = { ...carry }
  let tools: Alongside<ToolVenv> | undefined
  let early: Alongside<void> | undefined
  let cython: CythonStats | undefined
  let ccStats: BuildCacheStats | undefined
  try {
    const found = await timed(`build env ${py.version}`, async () => {
      const python = await findPython(runner, mod, py.version, py.interpreter)
      if (made.uv === undefined) made.uv = await uvTool(runner, mod, plan, python.path)
      // The facts this version's commands wait for: the interpreter's version, the checkout's requirements.
      const buildSystem = py.buildEnv.projectRequirements ? readBuildSystem(plan.checkout.dir) : undefined
      const resolved = resolveInterpreter(plan, py, { full: python.full, buildSystem }, mod)
      if (resolved.targetNotice) core.notice(resolved.targetNotice)
      const venv = await ensureBuildEnv(runner, mod, {
        venv: resolved.buildEnv.venv!,
        python: python.path,
        srcDir: plan.checkout.dir,
        buildSystem,
        configSettings: plan.configSettings,
        pipCache: plan.compilerCache.pipCache,
        ...(made.uv ? { uv: made.uv } : {})
      })
      return { python, buildPython: venv.python, resolved }
    })
    const { python, buildPython } = found
    py = found.resolved
    if (made.ccLater) {
      const o = made.ccLater
      made.tools ??= await step('tools venv', () => makeToolsVenv(ctx, python, made.uv))
      made.cc = await step('compiler cache', () => offLinuxCache(ctx, o, made.tools!, python))
      made.ccLater = undefined
    }
    // Alongside the compile: the tools venv (Linux: the first version's) and the test venv with the
    // project's dependencies. Their logs follow the build's.
    tools = made.tools ? undefined : alongside(() => makeToolsVenv(ctx, python, made.uv))
    // Without uv (none planned, or it does not run here) the test venv is made with pip, as planned beside it.
    if (!made.uv && py.pipFallback) py = { ...py, ...py.pipFallback }
    else if (made.uv) py = withUvConfig(py, made.uv)
    early = testEarly(ctx, py, python)
    const cc = made.cc
    const before = cc ? await readStats(runner, cc) : undefined
    const built = await timed(`build ${py.version}`, () =>
      buildWheel(runner, mod, py, { python: python.path, buildPython }, { vsenv: ctx.vsenv })
    )
    ccStats = cc ? await recordStats(runner, cc, py.version, before) : undefined
    cython = built.cython
    const pendingTools = tools
    made.tools ??= await step('tools venv', () =>
      pendingTools!.settle('The tools venv (made while the wheel compiled)')
    )
    const toolsBin = made.tools.bin
    const record = await timed(`repair ${py.version}`, async () => {
      const { wheel: repaired, reused } = await repairOrReuse(runner, mod, py, built.wheel, {
        toolsBin,
        arch: plan.arch,
        policy: plan.manylinuxPolicy,
        toolCache: plan.toolCache,
        prefix: plan.dependencies.prefix ?? ''
      })
      if (py.platformTag) checkPlatformTag(repaired, py.platformTag)
      fs.mkdirSync(plan.outputDir, { recursive: true })
      const dest = path.join(plan.outputDir, path.basename(repaired))
      fs.copyFileSync(repaired, dest)
      const r = {
        ...(await wheelRecord(py.version, dest, false)),
        ...(py.repairReuse ? { repairReused: reused } : {})
      }
      core.info(`${r.name}: ${r.size} bytes, grafted: ${r.grafted.join(', ') || 'nothing'}`)
      return r
    })
    const test = py.test
    if (!test) return { wheel: record, cython, ccStats, carry: made }
    let prepared = false
    if (early) {
      try {
        await early.settle(`The test venv of Python ${py.version} (made while the wheel compiled)`)
        prepared = true
      } catch (err) {
        core.warning(`Could not prepare the test venv early (${messageOf(err)}): the test makes it again.`)
      }
    }
    await timed(`test ${py.version}`, async () => {
      try {
        await testWheel(runner, mod, { ...py, test }, { python: python.path, wheel: record.path }, prepared)
      } catch (err) {
        // A wheel that failed its test never stays in the wheelhouse (nothing publishes it by mistake).
        const aside = path.join(py.failedDir, record.name)
        fs.mkdirSync(py.failedDir, { recursive: true })
        fs.renameSync(record.path, aside)
        core.warning(`${record.name} failed its test: moved out of the wheelhouse to ${aside}`)
        throw err
      }
    })
    return { wheel: { ...record, tested: true }, cython, ccStats, carry: made }
  } catch (err) {
    const failure = failureOf(py.version, err, `build env ${py.version}`)
    if (!plan.failFast) core.error(`Python ${py.version} failed at ${failure.step}: ${failure.message}`)
    return { failure, cython, ccStats, carry: made }
  } finally {
    // Work started alongside a step that failed: waited for (no process outlives the run), its log shown.
    const unused = await drain(tools)
    if (unused) made.tools ??= unused
    await drain(early)
  }
}
