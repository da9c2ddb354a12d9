/**
 * One Python's commands once its interpreter is found. Two facts of the run decide them, gathered before
 * its build: the interpreter's full version (the build env's reuse stamp; macOS: the deployment target,
 * raised to the interpreter's own minimum) and the checkout's [build-system] (the build env's installs).
 * resolveInterpreter writes them into the version's plan; the stages run what it holds.
 */
import constraints from '../../requirements/tools.txt'
import { mergeEnv, type EnvChange, type PlannedCommand } from '../command.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { planBuildEnv, type BuildSystem } from '../python/build-env.js'
import type { VenvPlan } from '../python/venv-plan.js'
import type { BuildPlan, PythonPlan } from './types.js'

export interface InterpreterFacts {
  /** The found interpreter's full version (3.12.7). */
  full: string
  /** With projectRequirements: the checkout's [build-system]. */
  buildSystem?: BuildSystem
}

/** The version's plan with its build env planned and the target of its interpreter in every command. */
export function resolveInterpreter(
  plan: BuildPlan,
  py: PythonPlan,
  facts: InterpreterFacts,
  mod: PlatformModule = platformModule(plan.platform)
): PythonPlan {
  const target = mod.interpreterTarget(plan, facts.full)
  const venv = buildEnvOf(plan, py, mod, facts)
  const over = (c: PlannedCommand): PlannedCommand => withTarget(c, target.env)
  return {
    ...py,
    buildEnv: { ...py.buildEnv, venv },
    build: over(py.build),
    ...(py.vsenvBuild ? { vsenvBuild: over(py.vsenvBuild) } : {}),
    repair: over(py.repair),
    ...(target.tag ? { platformTag: target.tag } : {}),
    ...(target.notice ? { targetNotice: target.notice } : {})
  }
}

/** The version's build env for these facts (its requirements only when the plan builds without isolation). */
const buildEnvOf = (
  plan: BuildPlan,
  py: PythonPlan,
  mod: PlatformModule,
  facts: InterpreterFacts
): VenvPlan =>
  planBuildEnv(mod, {
    full: facts.full,
    dir: py.buildEnv.dir,
    constraints,
    buildSystem: py.buildEnv.projectRequirements ? facts.buildSystem : undefined,
    pipCache: plan.compilerCache.pipCache,
    uv: plan.uv
  })

/** A command with the interpreter's target variables replacing the plan's (unchanged without any). */
const withTarget = (c: PlannedCommand, env: EnvChange | undefined): PlannedCommand =>
  env ? { ...c, env: mergeEnv(c.env, env) } : c

/** Before the run: the build env's commands as `plan` prints them, the facts the run finds as placeholders. */
export function buildEnvAsPrinted(plan: BuildPlan, py: PythonPlan): VenvPlan {
  const full = `<Python ${py.version}.x found>`
  const requires = "<the checkout's [build-system] requires>"
  const venv = buildEnvOf(plan, py, platformModule(plan.platform), {
    full,
    buildSystem: { requires: [requires], backend: '' }
  })
  const hashed = py.buildEnv.projectRequirements ? 'tools.txt and the requires' : 'tools.txt'
  return { ...venv, stamp: `Python ${full} <hash of ${hashed}>` }
}
