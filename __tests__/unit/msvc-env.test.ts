/**
 * The MSVC environment capture, parsed from a recorded capture (__tests__/fixtures/msvc: what the capture
 * script prints on an x64 runner with VS 2022 for an x86 target, CRLF line ends as cmd writes them).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  mesonSettingsForMsvc,
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
} from '../../src/platforms/msvc-env.js'

const fixture = (name: string): string =>
  fs.readFileSync(path.join(import.meta.dirname, '../fixtures/msvc', name), 'utf8')

const VS = 'C:\\Program Files\\Microsoft Visual Studio\\2022\\Enterprise\\'
const MSVC = `${VS}VC\\Tools\\MSVC\\14.44.35207\\`

describe('finding Visual Studio', () => {
  it('asks vswhere for the newest install with the C++ tools of the target', () => {
    expect(planVswhere({ 'ProgramFiles(x86)': 'C:\\Program Files (x86)' }, 'x86')).toEqual({
      command: 'C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe',
      args: [
        '-latest',
        '-prerelease',
        '-products',
        '*',
        '-requires',
        'Microsoft.VisualStudio.Component.VC.Tools.x86.x64',
        '-property',
        'installationPath',
        '-utf8'
      ]
    })
    expect(planVswhere({ 'PROGRAMFILES(X86)': 'D:\\PF86' }, 'arm64').args).toContain(
      'Microsoft.VisualStudio.Component.VC.Tools.ARM64'
    )
  })

  it('reads the installation path and finds vcvarsall.bat under it', () => {
    const install = parseVswhere(`${VS.slice(0, -1)}\r\n`)!
    expect(vcvarsallPath(install)).toBe(`${VS}VC\\Auxiliary\\Build\\vcvarsall.bat`)
    expect(parseVswhere('\r\n')).toBeUndefined()
  })

  it.each([
    ['x64', 'x64', 'amd64'],
    ['x64', 'x86', 'amd64_x86'],
    ['x64', 'arm64', 'amd64_arm64'],
    ['arm64', 'arm64', 'arm64'],
    ['arm64', 'x64', 'arm64_amd64'],
    ['arm64', 'x86', 'arm64_x86'],
    ['x86', 'x86', 'x86']
  ] as const)('host %s, target %s: vcvarsall %s', (host, target, arg) => {
    expect(vcvarsArch(host, target)).toBe(arg)
  })

  it("knows when meson's --vsenv would load the wrong compiler", () => {
    expect(vsenvWouldBeWrong('x64', 'x64')).toBe(false)
    expect(vsenvWouldBeWrong('x64', 'x86')).toBe(true)
    expect(vsenvWouldBeWrong('arm64', 'arm64')).toBe(false)
    expect(vsenvWouldBeWrong('arm64', 'x64')).toBe(true)
  })
})

describe('capturing the environment once', () => {
  it('lists the environment, calls vcvarsall, lists it again, in a batch file run by cmd', () => {
    const script = msvcCaptureScript(`${VS}VC\\Auxiliary\\Build\\vcvarsall.bat`, 'amd64_x86')
    expect(script.split('\r\n')).toEqual([
      '@echo off',
      'set',
      'echo ::dipy-wheels-msvc-begin::',
      `call "${VS}VC\\Auxiliary\\Build\\vcvarsall.bat" amd64_x86`,
      'if errorlevel 1 exit /b 1',
      'echo ::dipy-wheels-msvc-env::',
      'set',
      ''
    ])
    expect(planMsvcCapture('D:\\a\\_temp\\msvc-env.cmd')).toEqual({
      command: 'cmd.exe',
      args: ['/d', '/c', 'D:\\a\\_temp\\msvc-env.cmd']
    })
  })

  it('keeps what vcvarsall added or changed, and nothing else', () => {
    const c = parseMsvcCapture(fixture('vcvarsall-amd64_x86.txt'))
    expect(c.errors).toEqual([])
    expect(c.target).toBe('x86')
    expect(c.host).toBe('x64')
    expect(c.env.INCLUDE!.split(';')[0]).toBe(`${MSVC}include`)
    expect(c.env.LIB!.split(';').slice(0, 2)).toEqual([`${MSVC}ATLMFC\\lib\\x86`, `${MSVC}lib\\x86`])
    expect(c.env.LIBPATH).toContain(`${MSVC}lib\\x86`)
    expect(c.env.VSINSTALLDIR).toBe(VS)
    expect(c.env.VSCMD_ARG_TGT_ARCH).toBe('x86')
    // The 32-bit compiler hosted on x64 comes first on Path; the old Path follows unchanged.
    expect(c.env.Path!.split(';')[0]).toBe(`${MSVC}bin\\HostX64\\x86`)
    expect(c.env.Path!.endsWith(';C:\\Windows\\system32;C:\\Windows')).toBe(true)
    // Named as before (Path, not PATH); untouched variables are left out.
    expect(Object.keys(c.env)).not.toContain('PATH')
    expect(Object.keys(c.env)).not.toContain('ComSpec')
    expect(Object.keys(c.env)).not.toContain('pythonLocation')
    expect(Object.keys(c.env)).toHaveLength(33)
    expect(msvcCaptureProblem(c, 'x86')).toBeUndefined()
    expect(msvcCaptureProblem(c, 'x64')).toBe('vcvarsall set up tools for x86, not x64')
  })

  it("reports vcvarsall's own error lines", () => {
    const c = parseMsvcCapture(fixture('vcvarsall-invalid-arch.txt'))
    expect(c.env).toEqual({})
    expect(c.errors[0]).toBe('[ERROR:vcvarsall.bat] Invalid argument found : amd64_x68')
    expect(msvcCaptureProblem(c, 'x86')).toMatch(
      /^vcvarsall failed: \[ERROR:vcvarsall\.bat\] Invalid argument/
    )
  })

  it('applies the variables without a second Path of another case', () => {
    const c = parseMsvcCapture(fixture('vcvarsall-amd64_x86.txt'))
    const env = withMsvcEnv({ PATH: 'C:\\Windows', include: 'old', CI: 'true' }, c.env)
    expect(Object.keys(env).filter((k) => k.toUpperCase() === 'PATH')).toEqual(['Path'])
    expect(Object.keys(env).filter((k) => k.toUpperCase() === 'INCLUDE')).toEqual(['INCLUDE'])
    expect(env.CI).toBe('true')
    expect(env.Path).toBe(c.env.Path)
  })

  it('drops --vsenv once the environment is loaded, adds it when not', () => {
    expect(mesonSettingsForMsvc(['compile-args=-v', 'setup-args=--vsenv'], true)).toEqual(['compile-args=-v'])
    expect(mesonSettingsForMsvc(['compile-args=-v'], false)).toEqual([
      'compile-args=-v',
      'setup-args=--vsenv'
    ])
  })
})
