/**
 * Reproducible wheels: SOURCE_DATE_EPOCH (reproducible-builds.org's specification) set to the checked-out
 * commit's committer time in the build and repair commands of every Python, so the tools that honour it
 * (meson-python's wheel entries, auditwheel/delocate/delvewheel rewriting the zip) write the same
 * timestamps for two builds of one commit. A value already in the runner's environment is kept (it reaches
 * the commands, and the container through its allow-list, on its own).
 */
import { mergeEnv } from '../command.js'
import type { BuildPlan } from '../plan/types.js'

/** The plan (its backend resolved) with SOURCE_DATE_EPOCH in each build and repair command; unchanged when there is no time. */
export function withSourceDateEpoch(
  plan: BuildPlan,
  commitTime: number | undefined,
  env: Readonly<Record<string, string | undefined>>
): BuildPlan {
  if (commitTime === undefined || env.SOURCE_DATE_EPOCH) return plan
  const set = { set: { SOURCE_DATE_EPOCH: String(commitTime) } }
  return {
    ...plan,
    pythons: plan.pythons.map((py) => ({
      ...py,
      build: { ...py.build, env: mergeEnv(py.build.env, set) },
      ...(py.vsenvBuild ? { vsenvBuild: { ...py.vsenvBuild, env: mergeEnv(py.vsenvBuild.env, set) } } : {}),
      repair: { ...py.repair, env: mergeEnv(py.repair.env, set) }
    }))
  }
}
