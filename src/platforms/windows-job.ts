/**
 * The MSVC environment of a Windows job, loaded once before the recipes: vswhere finds Visual Studio,
 * vcvarsall runs for the plan's host_target pair, and every later command (recipes, build, repair, test)
 * runs with the variables it set. The commands come from the plan (plan.windows.msvc).
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { BuildError, messageOf } from '../errors.js'
import { envValue, formatCommand, whichIn, type Runner } from '../exec.js'
import { WINDOWS_MACHINE, windowsArchOf } from './architecture.js'
import { caselessEnvKey } from './common.js'
import { POSIX_INTERPRETER_SEARCH, type OsDescription, type TargetMarkers } from './job-hooks.js'
import {
  msvcCaptureProblem,
  msvcCaptureScript,
  parseMsvcCapture,
  parseVswhere,
  planMsvcCapture,
  planVswhere,
  vcvarsallPath,
  vcvarsArch,
  vsenvWouldBeWrong,
  withMsvcEnv
} from './msvc-env.js'
import type { OsPlanFacts, WindowsPlan } from './os-plans.js'
import { WHEEL_PLATFORM } from './windows-arch.js'

/**
 * A runner whose environment has `extra` on top of the runner's own (names matched without case). A host
 * runner: with a PATH in `extra`, which() searches that PATH, the one the commands are given.
 */
export function runnerWithEnv(runner: Runner, extra: Readonly<Record<string, string>>): Runner {
  const delta: Record<string, string> = {}
  for (const [name, value] of Object.entries(extra)) delta[caselessEnvKey(runner.env, name)] = value
  const env = withMsvcEnv(runner.env, delta) as Record<string, string>
  return {
    env,
    run: (cmd, options) => runner.run({ ...cmd, env: { ...delta, ...cmd.env } }, options),
    which: async (name) =>
      envValue(delta, 'PATH', 'win32') === undefined
        ? runner.which(name)
        : whichIn(name, envValue(env, 'PATH'), envValue(env, 'PATHEXT'))
  }
}

export interface MsvcResult {
  runner: Runner
  /** The capture failed for a native target: meson's own --vsenv must load Visual Studio instead. */
  vsenv: boolean
}

/** Why the environment could not be loaded, or the captured variables. */
async function capture(runner: Runner, plan: WindowsPlan): Promise<Record<string, string> | string> {
  const found = await runner.run(plan.msvc.vswhere, { silent: true, allowFailure: true })
  const install = found.exitCode === 0 ? parseVswhere(found.stdout) : undefined
  if (!install) {
    return `vswhere found no Visual Studio with the C++ tools for ${plan.arch} (${plan.msvc.vswhere.command} exit code ${found.exitCode})`
  }
  fs.mkdirSync(path.dirname(plan.msvc.script), { recursive: true })
  fs.writeFileSync(plan.msvc.script, msvcCaptureScript(vcvarsallPath(install), plan.msvc.vcvarsArch))
  const out = await runner.run(plan.msvc.capture, { silent: true, allowFailure: true })
  const result = parseMsvcCapture(out.stdout)
  return msvcCaptureProblem(result, plan.arch) ?? result.env
}

/**
 * Loads the environment. A target meson's --vsenv would get wrong (x86, or x64 on an arm64 runner) cannot
 * build without it: BuildError. A native target falls back to --vsenv with a warning.
 */
export async function loadMsvc(runner: Runner, plan: WindowsPlan): Promise<MsvcResult> {
  let got: Record<string, string> | string
  try {
    got = await capture(runner, plan)
  } catch (err) {
    got = messageOf(err)
  }
  if (typeof got !== 'string') {
    core.info(
      `MSVC environment: vcvarsall ${plan.msvc.vcvarsArch} set ${Object.keys(got).length} variables, used by the recipes, the build and the test.`
    )
    return { runner: runnerWithEnv(runner, got), vsenv: false }
  }
  if (vsenvWouldBeWrong(plan.msvc.runnerArch, plan.arch)) {
    throw new BuildError(
      `Could not load the MSVC environment for ${plan.arch}: ${got}. A ${plan.arch} build needs it (meson's ` +
        '--vsenv would load the 64-bit tools of the runner). Install the Visual Studio C++ tools for ' +
        `${plan.arch}, or build for the runner's own architecture.`
    )
  }
  core.warning(`Could not load the MSVC environment: ${got}. Falling back to meson's setup-args=--vsenv.`)
  return { runner, vsenv: true }
}

/** Marker variables of a Windows target. */
export function windowsMarkers(version: string, machine: 'x86' | 'AMD64' | 'ARM64'): TargetMarkers {
  return {
    python_version: version,
    python_full_version: `${version}.0`,
    sys_platform: 'win32',
    platform_system: 'Windows',
    os_name: 'nt',
    platform_machine: machine,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython'
  }
}

/**
 * The early target check's question for one Python: the wheel's platform tag (a Windows target accepts its
 * one tag: win32, win_amd64, win_arm64), and the markers of the runner's own machine (plan.msvc.runnerArch).
 */
export function windowsPipTarget(
  plan: WindowsPlan,
  version: string
): { platforms: string[]; markers: TargetMarkers } {
  return {
    platforms: [plan.wheelPlatform],
    markers: windowsMarkers(version, WINDOWS_MACHINE[plan.msvc.runnerArch] as 'AMD64' | 'ARM64')
  }
}

/** What the plan prints about Windows: the arch, the MSVC commands, where python.exe is looked for. */
export function describeWindows(plan: WindowsPlan | undefined): OsDescription {
  if (!plan) return { afterExecutor: [], afterVenvs: [], interpreterSearch: POSIX_INTERPRETER_SEARCH }
  const m = plan.msvc
  return {
    afterExecutor: [],
    afterVenvs: [
      `Windows: ${plan.arch} (wheels ${plan.wheelPlatform}); MSVC: vcvarsall ${m.vcvarsArch} of the Visual ` +
        `Studio vswhere finds, loaded once for the recipes, build and test`,
      `  MSVC find:    ${formatCommand(m.vswhere)}`,
      `  MSVC capture: ${formatCommand(m.capture)} (${m.script} calls vcvarsall.bat ${m.vcvarsArch})`
    ],
    interpreterSearch: `python.exe of ${plan.arch} (tool cache, pythonLocation, PATH), run to check its version, bits and sysconfig platform`
  }
}

/** plan.windows: the target arch, its wheel tag, and how the MSVC environment of the target is loaded. */
export function planWindows(facts: OsPlanFacts): WindowsPlan {
  const win = windowsArchOf(facts.arch)
  const runnerArch = windowsArchOf(facts.hostArch)
  const script = path.win32.join(facts.temp, 'dipy-wheels', 'msvc-env.cmd')
  return {
    arch: win,
    wheelPlatform: WHEEL_PLATFORM[win],
    msvc: {
      runnerArch,
      vswhere: planVswhere(facts.env, win),
      vcvarsArch: vcvarsArch(runnerArch, win),
      script,
      capture: planMsvcCapture(script)
    }
  }
}
