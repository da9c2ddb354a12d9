/**
 * What an OS adds to the wheels stage's sequence besides the commands it plans: each platform module
 * implements these, so the stage walks one sequence and never asks which OS it runs for.
 */
import type { EnvChange } from '../command.js'
import type { Recipe } from '../recipe.js'
import type { Runner } from '../exec.js'
import type { OsPlanFacts, OsPlans } from './os-plans.js'

/**
 * The PEP 508 marker variables of a target (python_version, sys_platform, platform_machine, ...): what the
 * target's requirements are read with (python/requirement.ts evaluates them).
 */
export type TargetMarkers = Record<string, string>

export interface JobHooks {
  /** The OS's part of the plan (plan.macos, plan.windows); {} when it has none. */
  planOs(facts: OsPlanFacts): OsPlans
  /** Wheels carry a manylinux policy (auditwheel --plat), and may build in a manylinux container. */
  manylinux: boolean
  /** Once per job, before anything compiles, when the OS needs it (Windows: the MSVC environment). */
  prepareJob?: {
    /** The step's name in the log, the timings and a failure. */
    label: string
    /** The runner every later command uses; vsenv: meson must load Visual Studio (the plan's --vsenv builds). */
    run(runner: Runner, os: OsPlans): Promise<{ runner: Runner; vsenv: boolean }>
  }
  /** Whether pip is asked first for the target's wheels (a target that is not the runner's own platform). */
  checksTarget: boolean
  /**
   * What that early check asks pip for one Python (`version`: 3.12): the target's platform tags, most
   * specific first, and the PEP 508 marker variables its requirements are read with. Undefined: no check.
   */
  pipTarget(os: OsPlans): ((version: string) => { platforms: string[]; markers: TargetMarkers }) | undefined
  /** Recipes built before the plan's (macOS: libomp, when the checkout asks for OpenMP). */
  recipesBefore(os: OsPlans, checkoutDir: string): Recipe[]
  /** Once the dependencies are in `prefix` (macOS: the link meson's libomp lookup follows). */
  afterDependencies(runner: Runner, os: OsPlans, prefix: string, before: readonly Recipe[]): Promise<void>
  /**
   * For one interpreter (its full version): variables that replace the plan's (macOS: a deployment target
   * raised to the interpreter's own minimum, with the notice that says so) and the platform tag its
   * repaired wheel must carry. Pure: resolveInterpreter writes it into the plan.
   */
  interpreterTarget(os: OsPlans, pythonFull: string): { env?: EnvChange; tag?: string; notice?: string }
  /** The plan's lines about this OS; `manylinuxPolicy`: the plan's (Linux). */
  describe(os: OsPlans & { manylinuxPolicy?: string }): OsDescription
}

/** What `dipy-wheels plan` prints about an OS (plan/render.ts places the lines). */
export interface OsDescription {
  /** Lines after the executor's (Linux: the manylinux policy). */
  afterExecutor: string[]
  /** Lines after the venvs' (macOS: the target and libomp; Windows: the arch and the MSVC commands). */
  afterVenvs: string[]
  /** Where an interpreter is looked for, when a Python's plan lists no candidates. */
  interpreterSearch: string
}

/** The interpreter search of Linux and macOS, as the plan prints it. */
export const POSIX_INTERPRETER_SEARCH = 'the tool cache, PATH and pyenv'

/** The hooks of an OS that adds nothing. */
export const NO_JOB_HOOKS: JobHooks = {
  planOs: () => ({}),
  manylinux: false,
  checksTarget: false,
  pipTarget: () => undefined,
  recipesBefore: () => [],
  afterDependencies: async () => {},
  interpreterTarget: () => ({}),
  describe: () => ({ afterExecutor: [], afterVenvs: [], interpreterSearch: POSIX_INTERPRETER_SEARCH })
}
