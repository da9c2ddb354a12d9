/**
 * The run-time side of issue 9's wiring, with a recording runner: the MSVC environment loaded once and
 * carried by every later command, the Windows interpreter chosen by its bitness, the macOS deployment
 * target raised per interpreter, the built-in libomp chosen from the checkout, the repaired wheel's
 * platform tag checked, and the architecture input refused where the OS cannot build it.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { InputError, RepairError } from '../../src/errors.js'
import { architectureInput, targetArch } from '../../src/platforms/architecture.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { platformModule } from '../../src/platforms/index.js'
import type { MacosPlan, WindowsPlan } from '../../src/plan/types.js'
import { findPython } from '../../src/python/discover.js'
import { libompRecipes, targetFor } from '../../src/platforms/macos-job.js'
import { loadMsvc } from '../../src/platforms/windows-job.js'
import { checkPlatformTag } from '../../src/stages/repair.js'
import { FakeRunner } from './recording-runner.js'

const FIXTURES = path.join(import.meta.dirname, '../fixtures')
const CAPTURE_X86 = fs.readFileSync(path.join(FIXTURES, 'msvc', 'vcvarsall-amd64_x86.txt'), 'utf8')
const VSWHERE = 'C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe'
const VS = 'C:\\Program Files\\Microsoft Visual Studio\\2022\\Enterprise'

const temps: string[] = []
const tempDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-arch-'))
  temps.push(d)
  return d
}
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function windowsPlan(arch: 'x64' | 'x86', script: string): WindowsPlan {
  return {
    arch,
    wheelPlatform: arch === 'x86' ? 'win32' : 'win_amd64',
    msvc: {
      runnerArch: 'x64',
      vswhere: { command: VSWHERE, args: ['-latest', '-property', 'installationPath'] },
      vcvarsArch: arch === 'x86' ? 'amd64_x86' : 'amd64',
      script,
      capture: { command: 'cmd.exe', args: ['/d', '/c', script] }
    }
  }
}

describe('the MSVC environment of a Windows job', () => {
  it('runs vcvarsall amd64_x86 once and gives its variables to every later command', async () => {
    const script = path.join(tempDir(), 'msvc-env.cmd')
    const runner = new FakeRunner(
      (cmd) =>
        cmd.command === VSWHERE
          ? { stdout: `${VS}\r\n` }
          : cmd.command === 'cmd.exe'
            ? { stdout: CAPTURE_X86 }
            : undefined,
      { Path: 'C:\\Windows\\system32', PATHEXT: '.EXE' }
    )
    const { runner: msvc, vsenv } = await loadMsvc(runner, windowsPlan('x86', script))
    expect(vsenv).toBe(false)
    expect(runner.lines()).toEqual([
      `'${VSWHERE}' -latest -property installationPath`,
      `cmd.exe /d /c ${script}`
    ])
    expect(fs.readFileSync(script, 'utf8')).toBe(
      [
        '@echo off',
        'set',
        'echo ::dipy-wheels-msvc-begin::',
        `call "${VS}\\VC\\Auxiliary\\Build\\vcvarsall.bat" amd64_x86`,
        'if errorlevel 1 exit /b 1',
        'echo ::dipy-wheels-msvc-env::',
        'set',
        ''
      ].join('\r\n')
    )
    // What the fixture's second listing holds (vcvarsall's x86 tools, from the x64 host).
    expect(msvc.env.VSCMD_ARG_TGT_ARCH).toBe('x86')
    expect(msvc.env.Path).toMatch(
      /^C:\\Program Files\\Microsoft Visual Studio\\2022\\Enterprise\\VC\\Tools\\MSVC\\14\.44\.35207\\bin\\HostX64\\x86;/
    )
    expect(Object.keys(msvc.env).filter((k) => k.toUpperCase() === 'PATH')).toEqual(['Path'])
    await msvc.run({ command: 'cl', args: [], env: { CL: '/nologo' } })
    const passed = runner.calls[2].env ?? {}
    expect(passed.INCLUDE).toMatch(
      /^C:\\Program Files\\Microsoft Visual Studio\\2022\\Enterprise\\VC\\Tools\\MSVC\\14\.44\.35207\\include;/
    )
    expect(passed.LIB).toMatch(/\\ATLMFC\\lib\\x86;/)
    expect(passed.CL).toBe('/nologo')
  })

  it('stops an x86 build when Visual Studio is not found (--vsenv would load the 64-bit tools)', async () => {
    const runner = new FakeRunner(() => ({ exitCode: 87, stdout: '' }))
    await expect(loadMsvc(runner, windowsPlan('x86', path.join(tempDir(), 'm.cmd')))).rejects.toThrow(
      /Could not load the MSVC environment for x86: vswhere found no Visual Studio with the C\+\+ tools for x86/
    )
  })

  it("falls back to meson's --vsenv for a native x64 build", async () => {
    const runner = new FakeRunner(() => ({ exitCode: 87, stdout: '' }))
    const got = await loadMsvc(runner, windowsPlan('x64', path.join(tempDir(), 'm.cmd')))
    expect(got).toEqual({ runner, vsenv: true })
  })
})

describe('the Windows interpreter', () => {
  it('skips a 64-bit python.exe for an x86 build and says why', async () => {
    const windows = platformModule('windows')
    const x64 = 'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x86\\python.exe'
    const runner = new FakeRunner(
      () => ({
        stdout:
          '{"version": "3.12.7", "minor": "3.12", "bits": 64, "machine": "AMD64", "platform": "win-amd64"}'
      }),
      { Path: 'C:\\Windows' }
    )
    const list = (d: string): string[] =>
      d === 'C:\\hostedtoolcache\\windows\\Python' ? ['3.12.7'] : d.endsWith('x86') ? ['python.exe'] : []
    await expect(
      findPython(
        runner,
        windows,
        '3.12',
        {
          search: { toolCache: 'C:\\hostedtoolcache\\windows', home: 'C:\\Users\\me', arch: 'x86' },
          hint: 'add x86'
        },
        list
      )
    ).rejects.toThrow(
      `Python 3.12 was not found. Tried: ${x64} (it is a 64-bit win-amd64 interpreter, not x86 (win32, 32-bit): its wheels would be win_amd64). To provide it, add x86.`
    )
  })
})

describe('the macOS deployment target and libomp', () => {
  const mac = (over: Partial<MacosPlan> = {}): MacosPlan => ({
    arch: 'x86_64',
    deploymentTarget: '10.9',
    libomp: { mode: 'auto', recipe: { name: 'libomp' } as never },
    ...over
  })

  it('raises 10.9 to 10.13 for Python 3.13 on x86_64, for the build and delocate', () => {
    expect(targetFor(mac(), '3.13.1')).toEqual({
      target: '10.13',
      env: {
        set: {
          MACOSX_DEPLOYMENT_TARGET: '10.13',
          ARCHFLAGS: '-arch x86_64',
          CMAKE_OSX_ARCHITECTURES: 'x86_64'
        }
      },
      // Returned, not printed (targetFor is pure; the run prints it): it names the target given and used.
      notice: expect.stringMatching(/10\.9.*10\.13/s)
    })
    expect(targetFor(mac({ deploymentTarget: '11.0' }), '3.14.0')).toEqual({ target: '11.0' })
    expect(targetFor(mac({ arch: 'arm64', deploymentTarget: '11.0' }), '3.11.9')).toEqual({
      target: '11.0'
    })
  })

  it('builds libomp for the CI fixture (setup.py with -fopenmp), not for a project without OpenMP', () => {
    expect(libompRecipes(mac(), path.join(FIXTURES, 'dwomp')).map((r) => r.name)).toEqual(['libomp'])
    const plain = tempDir()
    fs.writeFileSync(path.join(plain, 'meson.build'), "project('x', 'c')\n")
    expect(libompRecipes(mac(), plain)).toEqual([])
    expect(
      libompRecipes(mac({ libomp: { mode: 'true', recipe: { name: 'libomp' } as never } }), plain)
    ).toHaveLength(1)
    expect(libompRecipes(mac({ libomp: undefined }), path.join(FIXTURES, 'dwomp'))).toEqual([])
  })
})

describe("the repaired wheel's platform tag", () => {
  it('passes the target tag and a pure wheel, refuses another', () => {
    expect(() => checkPlatformTag('/w/dipy-1.12.1-cp312-cp312-win32.whl', 'win32')).not.toThrow()
    expect(() => checkPlatformTag('/w/dipy-1.12.1-py3-none-any.whl', 'win32')).not.toThrow()
    expect(() =>
      checkPlatformTag('/w/dipy-1.12.1-cp312-cp312-macosx_14_0_arm64.whl', 'macosx_11_0_arm64')
    ).toThrow(RepairError)
    expect(() =>
      checkPlatformTag('/w/dipy-1.12.1-cp312-cp312-macosx_14_0_arm64.whl', 'macosx_11_0_arm64')
    ).toThrow(/is tagged macosx_14_0_arm64, not macosx_11_0_arm64/)
  })
})

describe('the architecture input', () => {
  it('takes x64, x86 and arm64 on Windows, in any spelling', () => {
    expect(targetArch('windows', '', 'AMD64')).toBe('AMD64')
    expect(targetArch('windows', 'win32', 'AMD64')).toBe('x86')
    expect(targetArch('windows', 'x64', 'ARM64')).toBe('AMD64')
    expect(targetArch('windows', 'ARM64', 'AMD64')).toBe('ARM64')
    expect(() => targetArch('windows', 'mips', 'AMD64')).toThrow(InputError)
  })

  it('reads any known spelling; makePlan refuses one the OS cannot build, before anything runs', () => {
    expect(architectureInput(' x86 ')).toBe('x86')
    expect(architectureInput('')).toBe('')
    expect(() => architectureInput('mips')).toThrow(
      `Input 'architecture': "mips" is not an architecture: use x64, x86 or arm64 (Windows), or leave it empty for the runner's own.`
    )
    expect(() =>
      makePlan(defaultInputs('linux', { architecture: 'x86' }), runnerHost('linux', 'x86_64'))
    ).toThrow(InputError)
    expect(
      makePlan(defaultInputs('windows', { architecture: 'win32' }), runnerHost('windows', 'AMD64')).windows
        ?.wheelPlatform
    ).toBe('win32')
  })

  it("takes only the runner's arch on Linux and macOS, naming the runner to use", () => {
    expect(targetArch('linux', 'x64', 'x86_64')).toBe('x86_64')
    expect(targetArch('linux', '', 'aarch64')).toBe('aarch64')
    expect(() => targetArch('linux', 'arm64', 'x86_64')).toThrow(
      `Input 'architecture': "arm64": Linux wheels are built for the runner's own architecture (x86_64). Leave architecture empty and run the job on a ubuntu-24.04-arm runner for the other one.`
    )
    expect(targetArch('macos', 'arm64', 'arm64')).toBe('arm64')
    expect(() => targetArch('macos', 'universal2', 'arm64')).toThrow(/delocate-merge/)
    expect(() => targetArch('macos', 'x86_64', 'arm64')).toThrow(/macos-15-intel/)
  })
})
