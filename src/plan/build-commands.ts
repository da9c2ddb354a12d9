/**
 * The wheel build's commands, every one the run may choose between, whole: the plan holds them all and the
 * build stage runs one as it is (it never edits argv).
 * - The build backend: with compiler-cache, meson-python gets a fixed build directory (ccache sees the same
 *   paths every run) and Cython through the output cache. Which backend the checkout uses is a fact of the
 *   checkout: resolveBackend picks the command from it once the checkout is there, before the build.
 * - Windows, a target meson's --vsenv loads right: the build with setup-args=--vsenv, run when the MSVC
 *   capture fails (meson then loads Visual Studio itself).
 */
import type { CythonCachePaths } from '../cache/cython.js'
import type { PlannedCommand } from '../command.js'
import type { BuildRequest, PlatformModule } from '../platforms/index.js'
import type { BuildPlan, MesonpyBuild, PythonPlan } from './types.js'

/** The config setting that makes meson load Visual Studio itself (meson's --vsenv). */
export const VSENV_SETTING = 'setup-args=--vsenv'

/** The backend pyproject.toml's build-backend names for meson-python. */
export const MESONPY_BACKEND = 'mesonpy'

/** The build commands of one Python: the default, its --vsenv alternative, and the meson-python pair. */
export function planBuilds(
  mod: PlatformModule,
  req: BuildRequest,
  o: {
    /** Windows, native target: plan the --vsenv alternative. */
    vsenv: boolean
    /** With compiler-cache: meson-python's fixed build directory and the Cython cache's paths. */
    mesonpy?: { buildDir: string; cythonCache: CythonCachePaths }
  }
): Pick<PythonPlan, 'build' | 'vsenvBuild' | 'mesonpy'> {
  const pair = (settings: readonly string[]): { build: PlannedCommand; vsenvBuild?: PlannedCommand } => ({
    build: mod.planBuild({ ...req, configSettings: settings }),
    ...(o.vsenv
      ? { vsenvBuild: mod.planBuild({ ...req, configSettings: [...settings, VSENV_SETTING] }) }
      : {})
  })
  const m = o.mesonpy
  return {
    ...pair(req.configSettings),
    ...(m
      ? {
          mesonpy: {
            ...pair([
              ...req.configSettings,
              `build-dir=${m.buildDir}`,
              `setup-args=--native-file=${m.cythonCache.nativeFile}`
            ]),
            mesonBuildDir: m.buildDir,
            cythonCache: m.cythonCache
          } satisfies MesonpyBuild
        }
      : {})
  }
}

/**
 * The plan for the checkout's build backend (pyproject.toml's build-backend): each Python's meson-python
 * commands when it is meson-python, the others otherwise. Pure; the plan says which it chose.
 */
export function resolveBackend(plan: BuildPlan, backend: string): BuildPlan {
  const mesonpy = backend.trim() === MESONPY_BACKEND
  return {
    ...plan,
    backend: backend.trim(),
    pythons: plan.pythons.map(({ mesonpy: m, ...py }): PythonPlan => {
      if (!m || !mesonpy) return py
      const { build, vsenvBuild, mesonBuildDir, cythonCache } = m
      return { ...py, build, ...(vsenvBuild ? { vsenvBuild } : {}), mesonBuildDir, cythonCache }
    })
  }
}

/** The command the build runs: the --vsenv one when MSVC's environment was not loaded. */
export function chosenBuild(py: PythonPlan, vsenv: boolean): PlannedCommand {
  if (!vsenv) return py.build
  if (!py.vsenvBuild) {
    throw new Error(
      `The plan of Python ${py.version} has no --vsenv build (a target meson's --vsenv gets wrong).`
    )
  }
  return py.vsenvBuild
}
