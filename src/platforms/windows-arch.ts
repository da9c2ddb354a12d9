/**
 * The architecture input on Windows: x64, x86 or arm64 (default: the runner's). Which interpreter builds
 * for it, how to check that the interpreter really is of that architecture, and the wheel's platform tag.
 * All pure, in Windows path syntax (path.win32), so any host can plan and test it.
 */
import * as path from 'node:path'
import { InputError } from '../errors.js'
import { patchDirs } from './patch-dirs.js'

const w = path.win32

export type WindowsArch = 'x64' | 'x86' | 'arm64'

/** The runner's own architecture, from node's process.arch. */
export function runnerWindowsArch(nodeArch: string): WindowsArch {
  return nodeArch === 'arm64' ? 'arm64' : nodeArch === 'ia32' ? 'x86' : 'x64'
}

/** The architecture input: x64, x86, arm64 (also amd64, win32, i686, aarch64); empty → the runner's. */
export function parseWindowsArch(value: string, nodeArch: string): WindowsArch {
  const v = value.trim().toLowerCase()
  if (!v) return runnerWindowsArch(nodeArch)
  if (v === 'x64' || v === 'amd64' || v === 'x86_64') return 'x64'
  if (v === 'x86' || v === 'win32' || v === 'i686' || v === 'ia32') return 'x86'
  if (v === 'arm64' || v === 'aarch64') return 'arm64'
  throw new InputError(
    'architecture',
    `${JSON.stringify(value)} is not x64, x86 or arm64 (leave it empty for the runner's own architecture).`
  )
}

/** sysconfig.get_platform() of an interpreter of each architecture. */
export const SYSCONFIG_PLATFORM: Record<WindowsArch, string> = {
  x64: 'win-amd64',
  x86: 'win32',
  arm64: 'win-arm64'
}

/** The wheel platform tag: sysconfig's platform with '-' and '.' as '_' (PEP 425). */
export const WHEEL_PLATFORM: Record<WindowsArch, string> = {
  x64: 'win_amd64',
  x86: 'win32',
  arm64: 'win_arm64'
}

/** A variable of a Windows environment, whatever the case of its name (Path, PATH). */
export function getEnvVar(
  env: Readonly<Record<string, string | undefined>>,
  name: string
): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase() && env[k] !== undefined)
  return key === undefined ? undefined : env[key]
}

export interface WindowsPythonSearch {
  /** The minor version, e.g. "3.12". */
  version: string
  arch: WindowsArch
  env: Readonly<Record<string, string | undefined>>
  /** RUNNER_TOOL_CACHE, e.g. C:\hostedtoolcache\windows. */
  toolCache: string
  listDir: (dir: string) => string[]
}

/**
 * Interpreter candidates for a version and architecture, most likely first; each must still pass the
 * bitness probe. setup-python's `pythonLocation` (the install it just made), the tool cache
 * `<cache>\Python\<version>\<x64|x86|arm64>\python.exe` (setup-python's layout), python.exe directories on
 * PATH, then python.org's per-user installs (`PythonXY`, `PythonXY-32`, `PythonXY-arm64`).
 */
export function windowsPythonCandidates(s: WindowsPythonSearch): string[] {
  const found: string[] = []
  const add = (dir: string): void => {
    if (s.listDir(dir).some((f) => f.toLowerCase() === 'python.exe')) found.push(w.join(dir, 'python.exe'))
  }
  const location = getEnvVar(s.env, 'pythonLocation')
  if (location) add(w.normalize(location))
  const cache = w.join(s.toolCache, 'Python')
  for (const v of patchDirs(s.listDir(cache), s.version)) {
    const dir = w.join(cache, v, s.arch)
    if (s.listDir(dir).some((f) => f.toLowerCase() === 'python.exe')) found.push(w.join(dir, 'python.exe'))
  }
  for (const dir of (getEnvVar(s.env, 'PATH') ?? '').split(';').filter(Boolean)) add(w.normalize(dir))
  const local = getEnvVar(s.env, 'LOCALAPPDATA')
  if (local) {
    const suffix = { x64: '', x86: '-32', arm64: '-arm64' }[s.arch]
    add(w.join(local, 'Programs', 'Python', `Python${s.version.replace('.', '')}${suffix}`))
  }
  return [...new Set(found)]
}

/** Prints what decides the wheel: version, pointer size, machine, sysconfig platform (one JSON line). */
export const BITNESS_PROBE =
  'import json, platform, struct, sys, sysconfig; print(json.dumps({"version": platform.python_version(), ' +
  '"minor": "%d.%d" % sys.version_info[:2], "bits": struct.calcsize("P") * 8, ' +
  '"machine": platform.machine(), "platform": sysconfig.get_platform()}))'

export interface InterpreterFacts {
  version: string
  minor: string
  bits: number
  /** platform.machine(): the OS's machine, not the interpreter's (AMD64 for a 32-bit Python on x64). */
  machine: string
  platform: string
}

/** The probe's output (the last JSON line; anything before it, e.g. a site warning, is ignored). */
export function parseBitnessProbe(stdout: string): InterpreterFacts | undefined {
  const line = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{'))
    .pop()
  if (!line) return undefined
  try {
    const o = JSON.parse(line) as Partial<InterpreterFacts>
    if (typeof o.bits !== 'number' || typeof o.platform !== 'string' || typeof o.minor !== 'string')
      return undefined
    return {
      version: String(o.version ?? ''),
      minor: o.minor,
      bits: o.bits,
      machine: String(o.machine ?? ''),
      platform: o.platform
    }
  } catch {
    return undefined
  }
}

/**
 * Why an interpreter does not fit (undefined when it does): the minor version, then the architecture by
 * sysconfig's platform (platform.machine() reports the OS, so an x86 Python on x64 says AMD64) and the
 * pointer size (cibuildwheel checks struct.calcsize('P') the same way).
 */
export function interpreterMismatch(
  facts: InterpreterFacts,
  version: string,
  arch: WindowsArch
): string | undefined {
  if (facts.minor !== version) return `it is Python ${facts.version}, not ${version}`
  const bits = arch === 'x86' ? 32 : 64
  if (facts.platform !== SYSCONFIG_PLATFORM[arch] || facts.bits !== bits) {
    return (
      `it is a ${facts.bits}-bit ${facts.platform} interpreter, not ${arch} (${SYSCONFIG_PLATFORM[arch]}, ` +
      `${bits}-bit): its wheels would be ${facts.platform.replace(/[-.]/g, '_')}`
    )
  }
  return undefined
}

/** How to get an interpreter of that architecture, for the error message. */
export function windowsPythonHint(version: string, arch: WindowsArch): string {
  return (
    `add an actions/setup-python step with python-version: '${version}' and architecture: ${arch} ` +
    'before this action (windows-2025 carries x64 interpreters only; setup-python downloads x86 and arm64 ones)'
  )
}
