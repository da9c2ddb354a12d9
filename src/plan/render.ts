/** The plan as text: `dipy-wheels plan`, `stop-after: plan`, and the summary's collapsed section. */
import type { PlannedCompilerCache } from '../cache/ccache.js'
import { describeRepairReuse as repairReuseLine } from '../cache/repaired.js'
import { describeCommand, type PlannedCommand } from '../command.js'
import { formatCommand } from '../exec.js'
import { toolsVenvCache } from '../platforms/compiler-cache-tools.js'
import { platformModule } from '../platforms/index.js'
import { describeDecision } from '../publish/target.js'
import { dependenciesAsPrinted } from './dependencies.js'
import { buildEnvAsPrinted } from './interpreter.js'
import { plannedRecipes } from './recipe-steps.js'
import type { VenvCommands, VenvPlan } from '../python/venv-plan.js'
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

/** The compiler cache's commands, <ccache> being the tool the run finds or installs. */
function compilerCacheLines(cc: PlannedCompilerCache, cmd: (c: PlannedCommand) => string): string[] {
  const c = cc.commands
  const install = c.install
  return [
    ...(install?.check ? [`  ccache install, sudo check: ${cmd(install.check)}`] : []),
    ...(install?.managers.flatMap((m) =>
      m.commands.map((x) => `  ccache install (${m.manager}, the first on PATH): ${cmd(x)}`)
    ) ?? []),
    `  ${cc.tool} counters (before and after each build): ${cmd(c.stats)}`,
    ...(c.show ? [`  ${cc.tool} summary (after each build): ${cmd(c.show)}`] : []),
    `  ${cc.tool} before the save: ${cmd(c.beforeSave)}`
  ]
}

/** A planned venv's commands, as they run: reuse check, make, installs; pip's form after uv's. */
function venvLines(v: VenvPlan, cmd: (c: PlannedCommand) => string): string[] {
  const form = (f: VenvCommands, how: string): string[] => [
    `  ${how}make:    ${cmd(f.create)}`,
    ...f.install.map((c) => `  ${how}install: ${cmd(c)}`),
    ...(f.optional ? [`  ${how}then, allowed to fail: ${cmd(f.optional)}`] : []),
    ...(f.ownPip
      ? [
          `  ${how}if the interpreter's pip cannot install into it: ${cmd(f.ownPip.ensurepip)}`,
          ...f.ownPip.install.map((c) => `  ${how}then:    ${cmd(c)}`),
          ...(f.ownPip.optional ? [`  ${how}then, allowed to fail: ${cmd(f.ownPip.optional)}`] : [])
        ]
      : [])
  ]
  return [
    `  reused when ${v.marker} reads ${JSON.stringify(v.stamp)} and this runs: ${cmd(v.check)}`,
    ...form(v, ''),
    ...(v.pipFallback ? form(v.pipFallback, 'with pip, ') : [])
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
  const os = mod.describe(plan)
  os.afterExecutor.forEach((s) => line(s))
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
    `Compiler cache: ${plan.compilerCache.enabled ? (toolsVenvCache(plan.platform)?.planText ?? 'ccache') : 'off'}; pip cache ${plan.compilerCache.pipCache}`
  )
  const cc = plan.compilerCache.planned
  if (cc) compilerCacheLines(cc, cmd).forEach((s) => line(s))
  if (plan.pythons.some((py) => py.mesonpy) || plan.backend) {
    line(
      `Build backend: ${plan.backend ?? "read from the checkout's pyproject.toml before the build (meson-python has its own build commands)"}`
    )
  }
  line(`Tools venv: ${plan.tools.dir} (${plan.tools.venv.packages.join(', ')})`)
  venvLines(plan.tools.venv, cmd).forEach((s) => line(s))
  if (plan.uv) {
    line(
      `Venvs: made and filled by ${plan.uv.requirement} (${plan.uv.exe}, cache ${plan.uv.cacheDir}); ` +
        "pip's configuration (pip config list, on the target) carried over to uv's variables at run time; " +
        'pip when uv does not run here or pip is configured in a way uv cannot follow'
    )
    venvLines(plan.uv.venv, cmd).forEach((s) => line(s))
  } else line('Venvs: made and filled by pip (DIPY_WHEELS_VENV_TOOL=pip)')
  os.afterVenvs.forEach((s) => line(s))
  // With recipes: every build and repair command with the prefix's variables, as it runs.
  for (const py of dependenciesAsPrinted(plan).pythons) {
    line()
    line(`Python ${py.version}`)
    const where = py.interpreter.candidates?.join(', ') ?? os.interpreterSearch
    line(`  find:      ${where}`)
    line(
      `  build env: ${py.buildEnv.dir} (${py.buildEnv.projectRequirements ? "build + the project's [build-system] requires" : 'build; isolated build'})`
    )
    venvLines(py.buildEnv.venv ?? buildEnvAsPrinted(plan, py), cmd).forEach((s) => line(`  ${s}`))
    if (py.buildEnv.projectRequirements) {
      line('    then what the backend asks for (get_requires_for_build_wheel) and the env lacks, installed')
    }
    for (const [label, c] of buildLines(py)) line(`  ${label.padEnd(10)} ${cmd(c)}`)
    line(`  repair:    ${cmd(py.repair)}`)
    if (py.repairReuse) line(`  reuse:     ${repairReuseLine(py.repairReuse)}`)
    if (py.testEarly) line(`  test deps: ${cmd(py.testEarly.install)} (while the wheel compiles)`)
    if (py.test) for (const t of py.test) line(`  test:      ${cmd(t)}`)
    else line('  test:      none')
  }
  line()
  line(`Wheelhouse: ${plan.outputDir}`)
  line(`Artifact: ${plan.artifact.upload ? plan.artifact.name : `none (${plan.artifact.reason})`}`)
  line(describeDecision(plan.upload))
  return out.join('\n')
}
