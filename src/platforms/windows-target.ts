/**
 * How a recipe is built for the Windows target arch rather than the runner's.
 *
 * CMake: with no generator named, CMake on Windows picks the newest Visual Studio generator, whose default
 * platform is the host's and which does not read the loaded vcvarsall environment (CMake's "Visual Studio
 * 17 2022" generator page: CMAKE_GENERATOR_PLATFORM / `-A` selects the target platform). So the configure
 * step names the platform with `-A Win32|x64|ARM64` and the toolset host with `-T host=x64|ARM64` (the tools
 * that run natively on the runner, CMAKE_VS_PLATFORM_TOOLSET_HOST_ARCHITECTURE). A CMAKE_GENERATOR or
 * CMAKE_GENERATOR_PLATFORM in the environment would override or contradict it, so they are removed.
 *
 * meson: it takes `cl` from the loaded environment (as the wheel build does). A machine file names the
 * compilers, and for a target that is not the runner's own (x86 on x64, x64 on arm64) it is a cross file
 * whose [host_machine] is the target (meson's "Cross compilation" and "Machine files" documentation):
 * Windows runs both on those runners, so no exe wrapper is needed.
 */
import * as path from 'node:path'
import type { WindowsArch } from './windows-arch.js'

const w = path.win32

export interface WindowsRecipeTarget {
  /** The wheel's arch: what every recipe is built for. */
  arch: WindowsArch
  /** The runner's own arch: the host of the tools. */
  runnerArch: WindowsArch
  /** The meson machine file of the target (written before the first meson recipe). */
  mesonFile: string
}

/** CMake's Visual Studio platform names (CMAKE_GENERATOR_PLATFORM). */
export const CMAKE_PLATFORM: Record<WindowsArch, string> = { x64: 'x64', x86: 'Win32', arm64: 'ARM64' }

/** meson's cpu_family / cpu names (meson's reference tables). */
const MESON_CPU: Record<WindowsArch, string> = { x64: 'x86_64', x86: 'x86', arm64: 'aarch64' }

/** The target of a plan: the machine file lives in the dependencies' scratch directory, named for the arch. */
export function windowsRecipeTarget(
  arch: WindowsArch,
  runnerArch: WindowsArch,
  workDir: string
): WindowsRecipeTarget {
  const kind = arch === runnerArch ? 'native' : 'cross'
  return { arch, runnerArch, mesonFile: w.join(workDir, `meson-${kind}-msvc-${arch}.ini`) }
}

/** A cross build (the target is not the runner's arch): meson gets --cross-file, else --native-file. */
export const isCross = (t: WindowsRecipeTarget): boolean => t.arch !== t.runnerArch

/** cmake configure arguments for the target. */
export function windowsCmakeArgs(t: WindowsRecipeTarget): string[] {
  return ['-A', CMAKE_PLATFORM[t.arch], '-T', `host=${CMAKE_PLATFORM[t.runnerArch]}`]
}

/** Variables removed from cmake's environment: they would choose another generator or platform. */
export const CMAKE_GENERATOR_VARS: Record<string, undefined> = {
  CMAKE_GENERATOR: undefined,
  CMAKE_GENERATOR_PLATFORM: undefined,
  CMAKE_GENERATOR_TOOLSET: undefined
}

/** meson setup arguments for the target. */
export function windowsMesonArgs(t: WindowsRecipeTarget): string[] {
  return [`--${isCross(t) ? 'cross' : 'native'}-file=${t.mesonFile}`]
}

/** The machine file's text. */
export function windowsMesonFile(t: WindowsRecipeTarget): string {
  const lines = ['[binaries]', "c = 'cl'", "cpp = 'cl'"]
  if (isCross(t)) {
    const cpu = MESON_CPU[t.arch]
    lines.push(
      '',
      '[host_machine]',
      "system = 'windows'",
      `cpu_family = '${cpu}'`,
      `cpu = '${cpu}'`,
      "endian = 'little'",
      '',
      '[properties]',
      'needs_exe_wrapper = false'
    )
  }
  return `${lines.join('\n')}\n`
}
