/**
 * The MSVC environment for a target architecture, loaded once per job the way ilammy/msvc-dev-cmd does:
 * vswhere finds Visual Studio, `vcvarsall.bat <host>_<target>` runs in cmd between two `set` listings, and
 * the variables it added or changed (Path, INCLUDE, LIB, LIBPATH, VSCMD_*, VSINSTALLDIR, ...) are applied to
 * every later build. This replaces meson's `--vsenv`, which always loads the host's 64-bit tools
 * (meson 1.12 utils/vsenv.py: vcvars64.bat, or vcvarsarm64.bat on arm64), so a 32-bit Python fails with
 * "Need python for x86_64, but found x86". With the environment loaded, meson uses it as it is: its vsenv
 * step returns early when VSINSTALLDIR is set or cl.exe is on PATH (same file, before `force` is read).
 */
import * as path from 'node:path'
import type { Command } from '../exec.js'
import { getEnvVar, type WindowsArch } from './windows-arch.js'

const w = path.win32

/** vswhere.exe, where the Visual Studio Installer always puts it. */
export function vswherePath(env: Readonly<Record<string, string | undefined>>): string {
  const root =
    getEnvVar(env, 'ProgramFiles(x86)') ?? getEnvVar(env, 'ProgramFiles') ?? 'C:\\Program Files (x86)'
  return w.join(root, 'Microsoft Visual Studio', 'Installer', 'vswhere.exe')
}

/** The C++ tools component a target needs (Visual Studio's component IDs). */
const VC_COMPONENT: Record<WindowsArch, string> = {
  x64: 'Microsoft.VisualStudio.Component.VC.Tools.x86.x64',
  x86: 'Microsoft.VisualStudio.Component.VC.Tools.x86.x64',
  arm64: 'Microsoft.VisualStudio.Component.VC.Tools.ARM64'
}

/** The newest Visual Studio (prereleases too, as meson does) with the C++ tools for the target. */
export function planVswhere(env: Readonly<Record<string, string | undefined>>, target: WindowsArch): Command {
  return {
    command: vswherePath(env),
    args: [
      '-latest',
      '-prerelease',
      '-products',
      '*',
      '-requires',
      VC_COMPONENT[target],
      '-property',
      'installationPath',
      '-utf8'
    ]
  }
}

/** The installation path vswhere printed (first non-empty line), or undefined when it found none. */
export function parseVswhere(stdout: string): string | undefined {
  return stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find(Boolean)
}

export function vcvarsallPath(installationPath: string): string {
  return w.join(installationPath, 'VC', 'Auxiliary', 'Build', 'vcvarsall.bat')
}

const VCVARS_NAME: Record<WindowsArch, string> = { x64: 'amd64', x86: 'x86', arm64: 'arm64' }

/**
 * vcvarsall's argument: the target alone when host and target agree (amd64, x86, arm64), else
 * host_target (amd64_x86, amd64_arm64, arm64_amd64, arm64_x86, x86_amd64): the tools that run natively on
 * the host and produce code for the target.
 */
export function vcvarsArch(host: WindowsArch, target: WindowsArch): string {
  return host === target ? VCVARS_NAME[target] : `${VCVARS_NAME[host]}_${VCVARS_NAME[target]}`
}

export const BEGIN_MARK = '::dipy-wheels-msvc-begin::'
export const END_MARK = '::dipy-wheels-msvc-env::'

/**
 * The batch file that lists the environment, runs vcvarsall, and lists it again; run it with
 * `cmd.exe /d /c <file>` (a file, so no quoting of the path through cmd's command line).
 */
export function msvcCaptureScript(vcvarsall: string, arch: string): string {
  return [
    '@echo off',
    'set',
    `echo ${BEGIN_MARK}`,
    `call "${vcvarsall}" ${arch}`,
    'if errorlevel 1 exit /b 1',
    `echo ${END_MARK}`,
    'set',
    ''
  ].join('\r\n')
}

export function planMsvcCapture(scriptFile: string): Command {
  return { command: 'cmd.exe', args: ['/d', '/c', scriptFile] }
}

/** `set` output → variables (NAME=value lines; cmd's own =C: style entries are skipped). */
function parseSet(lines: string[]): Map<string, { name: string; value: string }> {
  const vars = new Map<string, { name: string; value: string }>()
  for (const line of lines) {
    const eq = line.indexOf('=')
    if (eq <= 0) continue
    const name = line.slice(0, eq)
    if (/\s/.test(name)) continue
    vars.set(name.toUpperCase(), { name, value: line.slice(eq + 1) })
  }
  return vars
}

export interface MsvcCapture {
  /** Variables vcvarsall added or changed, named as the environment before it named them (Path stays Path). */
  env: Record<string, string>
  /** vcvarsall's own [ERROR:...] lines; empty when it succeeded. */
  errors: string[]
  /** VSCMD_ARG_TGT_ARCH and VSCMD_ARG_HOST_ARCH as vcvarsall reports them (x86, x64, arm64). */
  target?: string
  host?: string
}

/** Parses the capture script's output. */
export function parseMsvcCapture(stdout: string): MsvcCapture {
  const lines = stdout.split(/\r?\n/)
  const begin = lines.indexOf(BEGIN_MARK)
  const end = lines.indexOf(END_MARK)
  const vcvarsLines = begin < 0 ? lines : lines.slice(begin + 1, end < 0 ? undefined : end)
  const errors = vcvarsLines.filter((l) => /\[ERROR:/.test(l)).map((l) => l.trim())
  if (begin < 0 || end < 0) {
    return { env: {}, errors: errors.length ? errors : ['vcvarsall did not finish (no environment listed)'] }
  }
  const before = parseSet(lines.slice(0, begin))
  const after = parseSet(lines.slice(end + 1))
  const env: Record<string, string> = {}
  for (const [key, { name, value }] of after) {
    const old = before.get(key)
    if (old?.value !== value) env[old?.name ?? name] = value
  }
  return {
    env,
    errors,
    target: after.get('VSCMD_ARG_TGT_ARCH')?.value,
    host: after.get('VSCMD_ARG_HOST_ARCH')?.value
  }
}

/** Why a capture cannot be used for the target (undefined when it can). */
export function msvcCaptureProblem(capture: MsvcCapture, target: WindowsArch): string | undefined {
  if (capture.errors.length) return `vcvarsall failed: ${capture.errors.join(' ')}`
  if (!getEnvVar(capture.env, 'INCLUDE') || !getEnvVar(capture.env, 'LIB')) {
    return 'vcvarsall set no INCLUDE or LIB: is the C++ workload of Visual Studio installed?'
  }
  if (capture.target?.toLowerCase() !== target) {
    return `vcvarsall set up tools for ${capture.target ?? 'no target'}, not ${target}`
  }
  return undefined
}

/**
 * An environment with the MSVC variables applied, matching names case-insensitively: a `PATH` or `Path` of
 * `base` is replaced, never duplicated (a child environment with both passes only one of them).
 */
export function withMsvcEnv(
  base: Readonly<Record<string, string | undefined>>,
  msvc: Readonly<Record<string, string>>
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...base }
  for (const [name, value] of Object.entries(msvc)) {
    for (const k of Object.keys(out)) if (k.toUpperCase() === name.toUpperCase()) delete out[k]
    out[name] = value
  }
  return out
}

/**
 * The PEP 517 config settings with the MSVC environment loaded: `setup-args=--vsenv` is dropped (it would
 * be a no-op, and it names the wrong compiler when read by someone debugging an x86 build). Without a
 * loaded environment, --vsenv stays (x64 on x64, arm64 on arm64: what meson's vsenv loads is right there).
 */
export function mesonSettingsForMsvc(settings: readonly string[], msvcLoaded: boolean): string[] {
  if (!msvcLoaded)
    return settings.includes('setup-args=--vsenv') ? [...settings] : [...settings, 'setup-args=--vsenv']
  return settings.filter((s) => s !== 'setup-args=--vsenv')
}

/**
 * Whether the target needs the captured environment: always when it differs from what meson's vsenv loads
 * (x86 anywhere, x64 on an arm64 host); loading it for native targets too keeps recipes (cmake, meson) on
 * the same compiler as the wheel.
 */
export function vsenvWouldBeWrong(host: WindowsArch, target: WindowsArch): boolean {
  const vsenvLoads: WindowsArch = host === 'arm64' ? 'arm64' : 'x64'
  return vsenvLoads !== target
}
