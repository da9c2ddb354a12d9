/**
 * The dependency prefix in the plan. Where the prefix is (its cache key hashes the recipes with their git
 * refs resolved and the compiler the run finds) is a fact of the run: resolveDependencies writes it into the
 * plan, once, before the first build, so every build and repair command carries the prefix's variables as
 * they run (the stages merge no environment of their own). The test never sees the prefix: it checks the
 * repaired wheel alone, as a user installs it.
 */
import { mergeEnv, type EnvChange, type PlannedCommand } from '../command.js'
import { PREFIX_FLAGS, prefixEnvChange } from '../dependencies/plan.js'
import { platformModule } from '../platforms/index.js'
import { KEY_PLACEHOLDER } from './recipe-steps.js'
import type { BuildPlan, PythonPlan } from './types.js'

/** What the run found: the prefix the dependencies stage built or reused ('' without recipes), its env. */
export interface DependencyFacts {
  prefix: string
  /** The environment the builds run in (the compiler flags the prefix's go in front of). */
  env: Readonly<Record<string, string | undefined>>
}

const withEnv = (c: PlannedCommand, ...changes: Array<EnvChange | undefined>): PlannedCommand => ({
  ...c,
  env: mergeEnv(...changes)
})

/** The plan with the prefix in every build and repair command (unchanged commands without a prefix). */
export function resolveDependencies(plan: BuildPlan, facts: DependencyFacts): BuildPlan {
  const resolved = { ...plan, dependencies: { ...plan.dependencies, prefix: facts.prefix } }
  if (!facts.prefix) return resolved
  const mod = platformModule(plan.platform)
  const build = prefixEnvChange(facts.prefix, plan.platform, { ...facts.env, ...plan.dependencies.env })
  const library = mod.libraryEnv(facts.prefix)
  const built = (c: PlannedCommand): PlannedCommand => withEnv(c, build, c.env)
  const optional = (c: PlannedCommand | undefined): { vsenvBuild?: PlannedCommand } =>
    c ? { vsenvBuild: built(c) } : {}
  return {
    ...resolved,
    pythons: plan.pythons.map((py): PythonPlan => ({
      ...py,
      build: built(py.build),
      ...optional(py.vsenvBuild),
      ...(py.mesonpy
        ? { mesonpy: { ...py.mesonpy, build: built(py.mesonpy.build), ...optional(py.mesonpy.vsenvBuild) } }
        : {}),
      repair: withEnv(py.repair, py.repair.env, library)
    }))
  }
}

/**
 * The plan as `dipy-wheels plan` prints it: with recipes and no prefix yet, resolved for the prefix at
 * <key> (the cache key the run computes) and the compiler flags the run finds shown as $CFLAGS...
 */
export function dependenciesAsPrinted(plan: BuildPlan): BuildPlan {
  if (plan.dependencies.prefix !== undefined || plan.dependencies.recipes.length === 0) return plan
  const p = platformModule(plan.platform).paths
  return resolveDependencies(plan, {
    prefix: p.join(plan.dependencies.cacheRoot, KEY_PLACEHOLDER, 'prefix'),
    env: Object.fromEntries(PREFIX_FLAGS.map((f) => [f, `$${f}`]))
  })
}
