/**
 * The early check of a macOS or Windows target: before the recipes compile, every build requirement
 * ([build-system] requires) and, when the wheel is tested, every test requirement and [project] dependency
 * is looked up on pip's index, and a requirement with no wheel for the target stops the run, named.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import { BuildError, messageOf } from '../errors.js'
import type { Runner } from '../exec.js'
import { WINDOWS_MACHINE } from '../platforms/architecture.js'
import type { BuildPlan } from '../plan/types.js'
import { readBuildSystem } from '../python/build-env.js'
import type { MarkerEnv } from '../python/requirement.js'
import {
  checkTarget,
  formatTargetProblems,
  windowsMarkers,
  type FetchPage,
  type TargetProblem
} from '../python/target-check.js'
import { macosPlatforms, windowsPlatforms } from '../python/wheel-tags.js'

/** [project] dependencies of the checkout ([] when there are none or no pyproject.toml). */
export function projectDependencies(srcDir: string): string[] {
  const file = path.join(srcDir, 'pyproject.toml')
  if (!fs.existsSync(file)) return []
  const doc = parse(fs.readFileSync(file, 'utf8')) as { project?: { dependencies?: unknown } }
  const deps = doc.project?.dependencies
  return Array.isArray(deps) ? deps.filter((d): d is string => typeof d === 'string') : []
}

/** Marker variables of a macOS target (PEP 508). */
export function macosMarkers(version: string, arch: string): MarkerEnv {
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

/** What dipy's own targets are known to lack, for the message. */
const KNOWN: Record<string, string> = {
  win32:
    'dipy: SciPy and h5py publish no win32 wheels for CPython 3.11+, so a 32-bit wheel of dipy cannot be tested; build x64.',
  win_arm64:
    'dipy 1.12.1 does not compile for win_arm64 either: dipy/align/distances_simd.cpp includes <immintrin.h> (x86 intrinsics) under any MSVC.'
}

/**
 * Checks each Python of the plan; throws BuildError naming every requirement without a wheel. Without an
 * index URL (PIP_INDEX_URL of the runner) the check is skipped with an info line; an index that cannot be
 * read gives a warning, never a stop.
 */
export async function checkTargetEarly(
  runner: Runner,
  plan: BuildPlan,
  fetchPage?: FetchPage
): Promise<void> {
  if (!plan.windows && !plan.macos) return
  const indexUrl = runner.env.PIP_INDEX_URL?.trim()
  if (!indexUrl) {
    core.info(
      'Target check skipped: PIP_INDEX_URL is not set (set it to check that every requirement has a wheel for the target before anything compiles).'
    )
    return
  }
  const buildRequires = readBuildSystem(plan.checkout.dir).requires
  const tested = plan.pythons.some((p) => p.test)
  const testRequires = tested ? [...plan.testRequires, ...projectDependencies(plan.checkout.dir)] : []
  for (const py of plan.pythons) {
    const cp = `cp${py.version.replace('.', '')}`
    const platforms = plan.windows
      ? windowsPlatforms(plan.windows.wheelPlatform)
      : macosPlatforms(plan.macos!.deploymentTarget, plan.macos!.arch)
    const markers = plan.windows
      ? windowsMarkers(py.version, WINDOWS_MACHINE[plan.windows.msvc.runnerArch] as 'AMD64' | 'ARM64')
      : macosMarkers(py.version, plan.macos!.arch)
    let problems: TargetProblem[]
    try {
      problems = await checkTarget({
        indexUrl,
        target: { version: py.version, platforms },
        markers,
        buildRequires,
        testRequires,
        fetchPage
      })
    } catch (err) {
      core.warning(
        `Target check for Python ${py.version} skipped: the index could not be read (${messageOf(err)}).`
      )
      continue
    }
    if (problems.length) {
      const tag = `${cp}-${cp}-${platforms[0]}`
      const known = KNOWN[platforms[0]]
      throw new BuildError(`${formatTargetProblems(problems, tag)}${known ? `\n${known}` : ''}`)
    }
    core.info(`Target check: every requirement has a wheel for ${cp}-${cp}-${platforms[0]}.`)
  }
}
