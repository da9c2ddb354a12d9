/**
 * The macOS parts of the wheels stage: the built-in libomp (whether the checkout needs it, and the link
 * meson's OpenMP lookup follows), and the deployment target of each interpreter (the input, raised to the
 * interpreter's own minimum once its full version is known).
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { EnvChange } from '../command.js'
import {
  libompRecipe,
  mesonLibompRoot,
  planLibompLink,
  projectOpenMPFile,
  wantLibomp
} from './macos-libomp.js'
import type { Recipe } from '../recipe.js'
import type { Runner } from '../exec.js'
import { deploymentTarget, macosPlatforms, macosTargetEnv, type MacArch } from './macos-target.js'
import { POSIX_INTERPRETER_SEARCH, type OsDescription, type TargetMarkers } from './job-hooks.js'
import type { MacosPlan, OsPlanFacts } from './os-plans.js'

/** The built-in libomp recipe when the plan's mode and the checkout ask for it ([] otherwise). */
export function libompRecipes(plan: MacosPlan, checkoutDir: string): Recipe[] {
  if (!plan.libomp) return []
  const file = plan.libomp.mode === 'auto' ? projectOpenMPFile(checkoutDir) : undefined
  if (!wantLibomp(plan.libomp.mode, 'macos', file)) {
    core.info('libomp: the project does not ask for OpenMP (macos-libomp: auto): not built.')
    return []
  }
  const why = file ? `${path.relative(checkoutDir, file)} asks for OpenMP` : 'macos-libomp: true'
  core.info(`libomp: built for macOS ${plan.deploymentTarget} ${plan.arch} (${why}).`)
  return [plan.libomp.recipe]
}

/** What is at `p`: the target of a symlink, '' for anything else, undefined for nothing. */
function whatIsAt(p: string): string | undefined {
  try {
    return fs.lstatSync(p).isSymbolicLink() ? fs.readlinkSync(p) : ''
  } catch {
    return undefined
  }
}

/**
 * Points meson's libomp fallback path at the prefix (meson 1.12 compilers/mixins/apple.py looks at
 * `brew --prefix --installed libomp`, else /opt/homebrew/opt/libomp or /usr/local/opt/libomp).
 */
export async function linkLibomp(runner: Runner, plan: MacosPlan, prefix: string): Promise<void> {
  const brew = await runner
    .run(
      { command: 'brew', args: ['--prefix', '--installed', 'libomp'] },
      { silent: true, allowFailure: true }
    )
    .catch(() => undefined)
  const brewPrefix = brew?.exitCode === 0 ? brew.stdout.trim() || undefined : undefined
  const link = planLibompLink(plan.arch, prefix, brewPrefix, whatIsAt(mesonLibompRoot(plan.arch)))
  if (link.kind === 'homebrew' || link.kind === 'occupied') {
    core.warning(link.warning)
    return
  }
  if (link.kind === 'link') {
    fs.mkdirSync(path.dirname(link.link), { recursive: true })
    fs.rmSync(link.link, { force: true })
    fs.symlinkSync(link.target, link.link)
  }
  core.info(`libomp: ${link.link} -> ${prefix} (where meson's OpenMP lookup finds it).`)
}

/**
 * The target of one interpreter and the variables that override the plan's when it was raised, with the
 * notice that says so (pure: the run prints it).
 */
export function targetFor(
  plan: MacosPlan,
  pythonFull: string
): { target: string; env?: EnvChange; notice?: string } {
  const t = deploymentTarget(plan.deploymentTarget, pythonFull, plan.arch)
  if (!t.notice) return { target: t.target }
  return { target: t.target, env: { set: macosTargetEnv(t.target, plan.arch) }, notice: t.notice }
}

/** Marker variables of a macOS target (PEP 508). */
function macosMarkers(version: string, arch: string): TargetMarkers {
  return {
    python_version: version,
    python_full_version: `${version}.0`,
    sys_platform: 'darwin',
    platform_system: 'Darwin',
    os_name: 'posix',
    platform_machine: arch,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython'
  }
}

/** The early target check's question for one Python: the deployment target's tags, the arch's markers. */
export function macosPipTarget(
  plan: MacosPlan,
  version: string
): { platforms: string[]; markers: TargetMarkers } {
  return {
    platforms: macosPlatforms(plan.deploymentTarget, plan.arch),
    markers: macosMarkers(version, plan.arch)
  }
}

/** What the plan prints about macOS: the target, and when libomp is built. */
export function describeMacos(plan: MacosPlan | undefined): OsDescription {
  const omp = plan?.libomp
    ? `${plan.libomp.recipe.name} ${plan.libomp.recipe.version} ${plan.libomp.mode === 'auto' ? "when the checkout's build files ask for OpenMP" : 'always'}`
    : 'not built (macos-libomp: false)'
  return {
    afterExecutor: [],
    afterVenvs: plan
      ? [
          `macOS: ${plan.arch}, MACOSX_DEPLOYMENT_TARGET=${plan.deploymentTarget} for the recipes, build and delocate ` +
            `(raised to an interpreter's own minimum when lower); libomp: ${omp}`
        ]
      : [],
    interpreterSearch: POSIX_INTERPRETER_SEARCH
  }
}

/** plan.macos: the target arch and deployment target, and the libomp recipe unless macos-libomp is false. */
export function planMacos(facts: OsPlanFacts): MacosPlan {
  const arch = facts.arch as MacArch
  const target = facts.deploymentTarget
  return {
    arch,
    deploymentTarget: target,
    ...(facts.libomp === 'false'
      ? {}
      : { libomp: { mode: facts.libomp, recipe: libompRecipe(arch, target) } })
  }
}
