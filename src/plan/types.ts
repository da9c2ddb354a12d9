/** The build plan: everything the run will do, decided before anything runs (makePlan). */
import type { PlannedCommand } from '../command.js'
import type { UvPlan } from '../python/uv.js'
import type { PlannedCompilerCache } from '../cache/ccache.js'
import type { VenvPlan } from '../python/venv-plan.js'
import type { CythonCachePaths } from '../cache/cython.js'
import type { RepairReusePlan } from '../cache/repaired.js'
import type { Recipe } from '../dependencies/recipes.js'
import type { WindowsRecipeTarget } from '../platforms/windows-target.js'
import type { PlatformName } from '../host.js'
import type { StepName } from '../inputs.js'
import type { AttestDecision } from '../publish/attest.js'
import type { MacosPlan, WindowsPlan } from '../platforms/os-plans.js'
import type { UploadDecision } from '../publish/target.js'

/** Where the build, repair and test commands run. */
export type ExecutorPlan =
  | { kind: 'host'; envId: string }
  | {
      kind: 'container'
      envId: string
      image: string
      /** Host directories mounted at the same path, so every path of the plan is valid inside. */
      mounts: string[]
      /** Variables passed by name from the host (an allow-list: never INPUT_* or tokens). */
      passEnv: readonly string[]
      /** The host's user, when not root: the commands inside run as it, with this HOME (in a mount). */
      user?: { uid: number; gid: number; home: string }
    }

/** How the interpreter of one version is found: fixed paths (an image's), or a search on the host. */
export interface InterpreterPlan {
  /** Paths to try in order (a manylinux image's /opt/python/cpXY-cpXY/bin/python). */
  candidates?: string[]
  /** Search the tool cache, PATH and pyenv (host builds). */
  search?: { toolCache: string; home: string; arch: string }
  hint: string
}

export interface PythonPlan {
  version: string
  interpreter: InterpreterPlan
  /** The persistent build env (the <buildPython> of the build command). */
  buildEnv: {
    dir: string
    /** true: `build` plus the project's [build-system] requires, built without isolation (compiler-cache). */
    projectRequirements: boolean
    /** Its commands, once resolveInterpreter knows the interpreter's version and the checkout's requirements. */
    venv?: VenvPlan
  }
  /** Once resolveInterpreter ran: the platform tag the repaired wheel must carry (macOS, Windows). */
  platformTag?: string
  /** Once resolveInterpreter ran: why the macOS deployment target was raised for this interpreter. */
  targetNotice?: string
  /**
   * meson-python's -Cbuild-dir, at a fixed place inside the checkout (buildDirOf), so ccache and the Cython
   * cache see the same relative paths in any workspace or temp folder; added when the backend is mesonpy.
   */
  mesonBuildDir?: string
  /** With mesonBuildDir: Cython run through the output cache (a native file names it as meson's cython). */
  cythonCache?: CythonCachePaths
  /** The build's own output directory (emptied first). */
  distDir: string
  /** The build (for the checkout's backend, once resolveBackend has run). */
  build: PlannedCommand
  /** Windows, a target meson's --vsenv loads right: the build run when the MSVC capture failed. */
  vsenvBuild?: PlannedCommand
  /** With compiler-cache, until resolveBackend: the commands and directories when the backend is meson-python. */
  mesonpy?: MesonpyBuild
  repairDir: string
  repair: PlannedCommand
  /**
   * With compiler-cache: the repaired-wheel cache (cache/repaired.ts). A built wheel byte-identical to one
   * repaired before, with the same repair inputs, takes the stored repaired wheel instead of the repair.
   */
  repairReuse?: RepairReusePlan
  /** The test: venv, install, run; undefined when the run stops after build or test-command is none. */
  test?: PlannedCommand[]
  /**
   * With test: the project's dependencies and the test requirements, installed into the test venv while
   * the wheel compiles (the stage writes the requirements file; the wheel's install then finds them).
   */
  testEarly?: { requirements: string; install: PlannedCommand }
  /** With uv planned: the test's commands in pip's form, run when uv does not run on the target. */
  pipFallback?: Pick<PythonPlan, 'test' | 'testEarly'>
  testDir: string
  /** Where a wheel that failed its test is put (never left in the wheelhouse). */
  failedDir: string
}

/** The build of one Python when the checkout's backend is meson-python (with compiler-cache). */
export interface MesonpyBuild {
  build: PlannedCommand
  vsenvBuild?: PlannedCommand
  mesonBuildDir: string
  cythonCache: CythonCachePaths
}

export type { MacosPlan, OsPlans, WindowsPlan } from '../platforms/os-plans.js'

export interface BuildPlan {
  platform: PlatformName
  arch: string
  lastStep: StepName
  /** The checkout's build backend (pyproject.toml's build-backend), once resolveBackend has read it. */
  backend?: string
  /** RUNNER_TOOL_CACHE: venvs, dependency prefixes, ccache and pip's cache live under it (mounted in a container). */
  toolCache: string
  /** The PEP 517 config settings, with the platform's additions (the build command carries them as -C). */
  configSettings: string[]
  /**
   * The compiler's command lines in the log: meson's compile-args=-v added to the config settings (unless
   * they set compile-args) in debug mode (RUNNER_DEBUG=1, the CLI's --verbose); else ninja's one line per
   * step, and a failing step's command line (ninja prints it) still whole.
   */
  compileCommandLines: boolean
  /** uv for the venvs (python/uv.ts), pip when undefined or when it does not run on the target. */
  uv?: UvPlan
  checkout: { repository: string; dir: string; ref: string; refSource: string; workspace: string }
  executor: ExecutorPlan
  /** Linux: the auditwheel --plat policy; undefined lets auditwheel decide (AUDITWHEEL_PLAT or auto). */
  manylinuxPolicy?: string
  /** The dependency recipes for this platform, in build order, and where their prefix is kept. */
  dependencies: {
    recipes: Recipe[]
    cacheRoot: string
    workDir: string
    jobs: number
    /** Variables every recipe is built with (macOS: the deployment target and arch). */
    env?: Record<string, string>
    /** Windows: the arch every recipe is configured for (cmake -A/-T, meson's machine file). */
    windows?: WindowsRecipeTarget
    /**
     * What the prefix's cache key counts besides the recipes, OS, arch and compiler (macOS: the deployment
     * target, so a prefix built for another macOS is never reused).
     */
    keyExtra?: string
    /**
     * The prefix the run built or reused ('' without recipes), once resolveDependencies has put it into every
     * build and repair command; undefined before.
     */
    prefix?: string
  }
  compilerCache: {
    enabled: boolean
    pipCache: string
    scratch: string
    /**
     * The directory ccache (CCACHE_BASEDIR) and the Cython cache take paths relative to: the checkout, which
     * holds the build directories too, so no cache key depends on where the workspace or temp folder is.
     */
    basedir: string
    /** With enabled: the tool, its directory and wrapper directory, and the variables every build carries. */
    planned?: PlannedCompilerCache
  }
  /** The tools venv (the repair tool): its directory, packages and planned commands. */
  tools: { dir: string; venv: VenvPlan }
  pythons: PythonPlan[]
  /** The test-requires input: installed next to each wheel for its test (and checked early off Linux). */
  testRequires: string[]
  macos?: MacosPlan
  windows?: WindowsPlan
  outputDir: string
  failFast: boolean
  upload: UploadDecision
  artifact: { upload: boolean; reason: string; name: string }
  /** Whether the wheels' build provenance is attested (publish/attest.ts). */
  attest: AttestDecision
}
