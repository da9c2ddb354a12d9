/**
 * The parts of a plan only one OS has (plan.macos, plan.windows): their module reads them. Types only; the
 * plan (plan/types.ts) re-exports them.
 */
import type { LibompMode } from './macos-libomp.js'
import type { Recipe } from '../recipe.js'
import type { Command } from '../exec.js'
import type { MacArch } from './macos-target.js'
import type { WindowsArch } from './windows-arch.js'

/** macOS: what the wheel claims to run on, and the OpenMP runtime the action provides. */
export interface MacosPlan {
  arch: MacArch
  /**
   * The macos-deployment-target input. The recipes get it; the build and the repair of each Python get it
   * raised to that interpreter's own minimum (known once its full version is: the build stage raises it).
   */
  deploymentTarget: string
  /** The built-in libomp recipe and when it is built (auto: when the checkout asks for OpenMP); absent: never. */
  libomp?: { mode: LibompMode; recipe: Recipe }
}

/** Windows: the target arch and the MSVC environment loaded for it, once per job, before the recipes. */
export interface WindowsPlan {
  arch: WindowsArch
  /** The wheel's platform tag: win_amd64, win32, win_arm64. */
  wheelPlatform: string
  msvc: {
    /** The runner's own arch: meson's --vsenv fallback loads its tools, right only for a native target. */
    runnerArch: WindowsArch
    /** Finds the newest Visual Studio with the C++ tools for the target. */
    vswhere: Command
    /** vcvarsall.bat's argument: amd64, x86, arm64, or host_target (amd64_x86, ...). */
    vcvarsArch: string
    /** The batch file that runs vcvarsall between two `set` listings (written once vswhere has answered). */
    script: string
    /** Runs that script: its output is the environment every later command gets. */
    capture: Command
  }
}

/** The OS-specific parts of a plan (a BuildPlan is one): each platform module reads its own. */
export interface OsPlans {
  macos?: MacosPlan
  windows?: WindowsPlan
}

/** What an OS's part of the plan is made from (its module's planOs): the target, the runner, the inputs. */
export interface OsPlanFacts {
  /** The target arch (the architecture input checked for the OS, or the runner's). */
  arch: string
  /** The runner's own arch. */
  hostArch: string
  /** RUNNER_TEMP (or the hosted runner's). */
  temp: string
  env: Readonly<Record<string, string | undefined>>
  /** The macos-deployment-target and macos-libomp inputs. */
  deploymentTarget: string
  libomp: LibompMode
}
