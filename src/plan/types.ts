/** The build plan: everything the run will do, decided before anything runs (makePlan). */
import type { PlannedCommand } from '../command.js'
import type { Recipe } from '../dependencies/recipes.js'
import type { PlatformName } from '../host.js'
import type { StepName } from '../inputs.js'
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
  }
  /** meson-python's -Cbuild-dir (fixed, so ccache sees the same paths); added when the backend is mesonpy. */
  mesonBuildDir?: string
  /** The build's own output directory (emptied first). */
  distDir: string
  build: PlannedCommand
  repairDir: string
  repair: PlannedCommand
  /** The test: venv, install, run; undefined when the run stops after build or test-command is none. */
  test?: PlannedCommand[]
  testDir: string
  /** Where a wheel that failed its test is put (never left in the wheelhouse). */
  failedDir: string
}

export interface BuildPlan {
  platform: PlatformName
  arch: string
  lastStep: StepName
  /** RUNNER_TOOL_CACHE: venvs, dependency prefixes, ccache and pip's cache live under it (mounted in a container). */
  toolCache: string
  /** The PEP 517 config settings, with the platform's additions (the build command carries them as -C). */
  configSettings: string[]
  checkout: { repository: string; dir: string; ref: string; refSource: string; workspace: string }
  executor: ExecutorPlan
  /** Linux: the auditwheel --plat policy; undefined lets auditwheel decide (AUDITWHEEL_PLAT or auto). */
  manylinuxPolicy?: string
  /** The dependency recipes for this platform, in build order, and where their prefix is kept. */
  dependencies: { recipes: Recipe[]; cacheRoot: string; workDir: string; jobs: number }
  compilerCache: { enabled: boolean; pipCache: string; scratch: string }
  tools: { dir: string; packages: readonly string[] }
  pythons: PythonPlan[]
  outputDir: string
  failFast: boolean
  upload: UploadDecision
  artifact: { upload: boolean; reason: string; name: string }
}
