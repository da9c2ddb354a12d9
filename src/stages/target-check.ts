/**
 * The early check of a target that is not the runner's own platform (the module's pipTarget gives its tags
 * and markers): before the recipes compile, every build requirement ([build-system] requires) and, when the
 * wheel is tested, every test requirement and [project] dependency is put to pip, with the index pip is configured with, and a requirement with no wheel for the target's
 * tags stops the run, named with the tag.
 */
import * as core from '@actions/core'
import { BuildError, messageOf } from '../errors.js'
import type { Command, Runner } from '../exec.js'
import { platformModule } from '../platforms/index.js'
import type { BuildPlan } from '../plan/types.js'
import { readBuildSystem, readProjectDependencies } from '../python/build-env.js'
import { findPython } from '../python/discover.js'
import {
  formatTargetProblems,
  indexVersions,
  pipCouldNotAsk,
  pipNotFound,
  planSdistQuery,
  planWheelQuery,
  problemFor,
  reportedWheels,
  targetRequirements,
  targetTag,
  type PipTarget,
  type TargetProblem,
  type TargetRequirement
} from '../python/target-check.js'

/** What dipy's own targets are known to lack, for the message. */
const KNOWN: Record<string, string> = {
  win32:
    'dipy: SciPy and h5py publish no win32 wheels for CPython 3.11+, so a 32-bit wheel of dipy cannot be tested; build x64.',
  win_arm64:
    'dipy 1.12.1 does not compile for win_arm64 either: dipy/reconst/force_src/distances_simd.cpp includes <immintrin.h> (x86 intrinsics) under any MSVC.'
}

/** The interpreter that runs pip: the first Python of the plan that is found (its pip asks for any target). */
async function pipPython(runner: Runner, plan: BuildPlan): Promise<string | undefined> {
  const mod = platformModule(plan.platform)
  for (const py of plan.pythons) {
    try {
      return (await findPython(runner, mod, py.version, py.interpreter)).path
    } catch {
      // Try the next version; the build reports a missing interpreter itself.
    }
  }
  return undefined
}

type Ask = (cmd: Command) => Promise<{ code: number; out: string }>

/**
 * The requirements pip finds no wheel for, each with whether an sdist would be compiled instead; undefined
 * when pip could not read its index. One requirement at a time (pip stops at the first it misses), at -vv
 * so that a page pip could not fetch shows (at lower verbosity an index that is down looks like an empty one).
 */
async function problemsOf(
  ask: Ask,
  python: string,
  target: PipTarget,
  reqs: TargetRequirement[]
): Promise<TargetProblem[] | undefined> {
  const missing: TargetRequirement[] = []
  const answers = new Map<string, boolean>()
  for (const r of reqs) {
    let found = answers.get(r.pipText)
    if (found === undefined) {
      const cmd = planWheelQuery(python, target, [r.pipText])
      const args = cmd.args.filter((a) => a !== '--quiet')
      const alone = await ask({ ...cmd, args: [...args.slice(0, 3), '-vv', ...args.slice(3)] })
      if (pipCouldNotAsk(alone.out)) return undefined
      found = !(alone.code !== 0 && pipNotFound(alone.out).length)
      answers.set(r.pipText, found)
    }
    if (!found) missing.push(r)
  }
  const problems: TargetProblem[] = []
  const sdists = new Map<string, string[]>()
  for (const r of missing) {
    const name = r.requirement.name
    if (!sdists.has(name)) {
      const a = await ask(planSdistQuery(python, target, name))
      sdists.set(name, a.code === 0 ? indexVersions(a.out) : [])
    }
    problems.push(problemFor(r, targetTag(target), sdists.get(name)!))
  }
  return problems
}

/**
 * Checks each Python of the plan; throws BuildError naming every requirement without a wheel. When pip
 * cannot answer (no interpreter yet, an index it cannot read), a warning, never a stop. `python`: the
 * interpreter that runs pip (a test seam; else the plan's first one found).
 */
export async function checkTargetEarly(runner: Runner, plan: BuildPlan, python?: string): Promise<void> {
  const targetOf = platformModule(plan.platform).pipTarget(plan)
  if (!targetOf) return
  const pip = python ?? (await pipPython(runner, plan))
  if (!pip) {
    core.info('Target check skipped: none of the Pythons of the plan was found to run pip with.')
    return
  }
  const buildRequires = readBuildSystem(plan.checkout.dir).requires
  const tested = plan.pythons.some((p) => p.test)
  const testRequires = tested
    ? [...plan.testRequires, ...(readProjectDependencies(plan.checkout.dir) ?? [])]
    : []
  const ask: Ask = async (cmd) => {
    const r = await runner.run(
      { ...cmd, env: { PIP_CACHE_DIR: plan.compilerCache.pipCache } },
      { silent: true, allowFailure: true }
    )
    return { code: r.exitCode, out: `${r.stdout}\n${r.stderr}` }
  }
  for (const py of plan.pythons) {
    const { platforms, markers } = targetOf(py.version)
    const target: PipTarget = { version: py.version, platforms }
    const reqs = targetRequirements(buildRequires, testRequires, markers)
    const tag = targetTag(target)
    if (!reqs.length) continue
    let problems: TargetProblem[] | undefined
    let answer = ''
    try {
      const all = await ask(
        planWheelQuery(
          pip,
          target,
          reqs.map((r) => r.pipText)
        )
      )
      if (all.code === 0) {
        const wheels = reportedWheels(all.out)
        core.info(`Target check: pip finds a wheel for ${tag} of every requirement (${wheels.join(', ')}).`)
        continue
      }
      answer = all.out.trim().split(/\r?\n/).slice(-2).join(' / ')
      problems =
        pipCouldNotAsk(all.out) || !pipNotFound(all.out).length
          ? undefined
          : await problemsOf(ask, pip, target, reqs)
    } catch (err) {
      answer = messageOf(err)
    }
    if (!problems) {
      core.warning(`Target check for ${tag} skipped: pip could not answer (${answer}).`)
      continue
    }
    if (problems.length) {
      const known = KNOWN[target.platforms[0]]
      throw new BuildError(`${formatTargetProblems(problems, tag)}${known ? `\n${known}` : ''}`)
    }
  }
}
