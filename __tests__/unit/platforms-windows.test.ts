import { describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'

const windows = platformModule('windows')

describe('Windows plan', () => {
  it('leaves --vsenv out: the MSVC environment of the target is loaded before the build', () => {
    expect(windows.configSettings(['compile-args=-v'])).toEqual(['compile-args=-v'])
    expect(windows.configSettings(['setup-args=--vsenv', 'compile-args=-v'])).toEqual(['compile-args=-v'])
  })

  it("finds setup-python's python.exe of the target arch, then pythonLocation's and PATH's", () => {
    const dirs: Record<string, string[]> = {
      'C:\\hostedtoolcache\\windows\\Python': ['3.12.7', '3.11.9', '3.12.10'],
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x86': ['python.exe', 'Lib'],
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x86': ['python.exe'],
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x64': ['python.exe'],
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\arm64': ['python.exe'],
      'C:\\Tools\\py': ['python.exe'],
      'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python312-32': ['python.exe']
    }
    const search = {
      version: '3.12',
      env: {
        Path: 'C:\\Windows\\system32;C:\\Tools\\py',
        LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local'
      },
      toolCache: 'C:\\hostedtoolcache\\windows',
      home: 'C:\\Users\\me',
      listDir: (d: string) => dirs[d] ?? []
    }
    expect(windows.pythonCandidates({ ...search, arch: 'x86' })).toEqual([
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x86\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x86\\python.exe',
      'C:\\Tools\\py\\python.exe',
      'C:\\Users\\me\\AppData\\Local\\Programs\\Python\\Python312-32\\python.exe'
    ])
    expect(windows.pythonCandidates({ ...search, arch: 'ARM64' })[0]).toBe(
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\arm64\\python.exe'
    )
  })

  it('keeps an interpreter only when its version, pointer size and sysconfig platform fit the arch', () => {
    const facts = (bits: number, platform: string, version = '3.12.7'): string =>
      `some warning\n{"version": "${version}", "minor": "${version.split('.').slice(0, 2).join('.')}", ` +
      `"bits": ${bits}, "machine": "AMD64", "platform": "${platform}"}\n`
    const x86 = windows.interpreterProbe('3.12', 'x86')
    expect(x86.args[0]).toBe('-c')
    expect(x86.check(facts(32, 'win32'))).toEqual({ full: '3.12.7' })
    expect(x86.check(facts(64, 'win-amd64'))).toEqual({
      reason: 'it is a 64-bit win-amd64 interpreter, not x86 (win32, 32-bit): its wheels would be win_amd64'
    })
    expect(x86.check(facts(32, 'win32', '3.11.9'))).toEqual({ reason: 'it is Python 3.11.9, not 3.12' })
    expect(windows.interpreterProbe('3.12', 'AMD64').check(facts(64, 'win-amd64'))).toEqual({
      full: '3.12.7'
    })
    expect(x86.check('Traceback')).toEqual({ reason: 'it printed no interpreter facts' })
  })

  it('explains <immintrin.h> in an arm64 build (dipy 1.12.1 on win_arm64)', () => {
    const out =
      'C:\\Program Files\\Microsoft Visual Studio\\2022\\Enterprise\\VC\\Tools\\MSVC\\14.44.35207\\bin\\HostARM64\\arm64\\cl.exe ' +
      '..\\dipy\\reconst\\force_src\\distances_simd.cpp\nimmintrin.h(15): fatal error C1189: #error:  This header is specific to X86, X64 targets'
    expect(windows.hint(out)).toMatch(
      /does not compile for win_arm64 \(dipy 1\.12\.1: dipy\/reconst\/force_src\/distances_simd\.cpp\)/
    )
  })

  it('hints at MSVC for OpenMP', () => {
    expect(windows.hint('fatal error C1083: Cannot open include file: omp.h')).toMatch(/vcomp140\.dll/)
  })
})
