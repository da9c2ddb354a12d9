/**
 * The architecture input, checked for the runner's OS: Windows builds x64, x86 or arm64 (parseWindowsArch),
 * macOS the runner's own arch (parseMacosArch), Linux the runner's own arch (the manylinux image and the
 * interpreter are the runner's). The result is the arch as the plan and wheel tags spell it.
 */
import { InputError } from '../errors.js'
import type { PlatformName } from '../host.js'
import { parseMacosArch } from './macos-target.js'
import { parseWindowsArch, type WindowsArch } from './windows-arch.js'

/** The plan's arch of a Windows target (the machine names of platform.machine()). */
export const WINDOWS_MACHINE: Record<WindowsArch, string> = { x64: 'AMD64', x86: 'x86', arm64: 'ARM64' }

/** The Windows arch of a plan arch (AMD64, x86, ARM64) or of an input (x64, win32, arm64, ...). */
export const windowsArchOf = (arch: string): WindowsArch => parseWindowsArch(arch, 'x64')

/** Every spelling of an architecture the input takes on some OS (the per-OS check is targetArch's). */
const KNOWN = /^(x64|amd64|x86_64|x86|win32|i686|ia32|arm64|aarch64|universal2|universal)$/i

/**
 * The input as read, before the OS is known for sure (`dipy-wheels plan --os` plans for another one):
 * a known spelling, or empty. makePlan checks it for the target OS (targetArch).
 */
export function architectureInput(value: string): string {
  const v = value.trim()
  if (!v || KNOWN.test(v)) return v
  throw new InputError(
    'architecture',
    `${JSON.stringify(value)} is not an architecture: use x64, x86 or arm64 (Windows), or leave it empty for the runner's own.`
  )
}

const LINUX_NAMES: Record<string, readonly string[]> = {
  x86_64: ['x86_64', 'x64', 'amd64'],
  aarch64: ['aarch64', 'arm64']
}

/**
 * The arch a run builds for: the input (empty: the runner's `hostArch`), in the plan's spelling. Throws
 * InputError naming `architecture` for an arch the OS cannot build on this runner.
 */
export function targetArch(platform: PlatformName, value: string, hostArch: string): string {
  const v = value.trim()
  if (platform === 'windows') return WINDOWS_MACHINE[parseWindowsArch(v || hostArch, 'x64')]
  if (platform === 'macos') return parseMacosArch(v, hostArch === 'arm64' ? 'arm64' : 'x64')
  if (!v || (LINUX_NAMES[hostArch] ?? [hostArch]).includes(v.toLowerCase())) return hostArch
  throw new InputError(
    'architecture',
    `${JSON.stringify(value)}: Linux wheels are built for the runner's own architecture (${hostArch}). ` +
      `Leave architecture empty and run the job on a ${hostArch === 'x86_64' ? 'ubuntu-24.04-arm' : 'ubuntu-24.04'} runner for the other one.`
  )
}
