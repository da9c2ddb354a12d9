import { describe, expect, it } from 'vitest'
import {
  BITNESS_PROBE,
  getEnvVar,
  interpreterMismatch,
  parseBitnessProbe,
  parseWindowsArch,
  WHEEL_PLATFORM,
  windowsPythonCandidates
} from '../../src/platforms/windows-arch.js'

/** A fake disk: directory (any case) → entries. */
function layout(tree: Record<string, string[]>): (dir: string) => string[] {
  const byLower = new Map(Object.entries(tree).map(([k, v]) => [k.toLowerCase(), v]))
  return (dir) => byLower.get(dir.toLowerCase()) ?? []
}

const CACHE = 'C:\\hostedtoolcache\\windows'

describe('architecture input', () => {
  it("defaults to the runner's arch and accepts the usual spellings", () => {
    expect(parseWindowsArch('', 'x64')).toBe('x64')
    expect(parseWindowsArch('', 'arm64')).toBe('arm64')
    expect(parseWindowsArch('', 'ia32')).toBe('x86')
    expect(parseWindowsArch('AMD64', 'arm64')).toBe('x64')
    expect(parseWindowsArch('win32', 'x64')).toBe('x86')
    expect(() => parseWindowsArch('ppc64le', 'x64')).toThrow(/Input 'architecture'.*x64, x86 or arm64/)
  })

  it('gives the PEP 425 platform tags', () => {
    expect(WHEEL_PLATFORM).toEqual({ x64: 'win_amd64', x86: 'win32', arm64: 'win_arm64' })
  })
})

describe('interpreter candidates', () => {
  const tree = {
    [`${CACHE}\\Python`]: ['3.12.10', '3.12.9', '3.13.15'],
    [`${CACHE}\\Python\\3.12.10\\x86`]: ['python.exe', 'Lib'],
    [`${CACHE}\\Python\\3.12.10\\x64`]: ['python.exe'],
    [`${CACHE}\\Python\\3.12.9\\x86`]: ['python.exe'],
    [`${CACHE}\\Python\\3.13.15\\x86`]: ['python.exe'],
    'C:\\tools\\py312': ['Python.exe'],
    'C:\\Users\\runneradmin\\AppData\\Local\\Programs\\Python\\Python312-32': ['python.exe']
  }

  it("x86: setup-python's pythonLocation, the x86 tool-cache folders (newest first), PATH, the per-user install", () => {
    const found = windowsPythonCandidates({
      version: '3.12',
      arch: 'x86',
      toolCache: CACHE,
      listDir: layout(tree),
      env: {
        pythonLocation: `${CACHE}\\Python\\3.12.10\\x86`,
        Path: 'C:\\Windows\\system32;C:\\tools\\py312;',
        LOCALAPPDATA: 'C:\\Users\\runneradmin\\AppData\\Local'
      }
    })
    expect(found).toEqual([
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x86\\python.exe',
      'C:\\hostedtoolcache\\windows\\Python\\3.12.9\\x86\\python.exe',
      'C:\\tools\\py312\\python.exe',
      'C:\\Users\\runneradmin\\AppData\\Local\\Programs\\Python\\Python312-32\\python.exe'
    ])
    for (const p of found) expect(p).not.toContain('/')
  })

  it('x64 looks in the x64 folder and reads PATH spelled PATH too', () => {
    expect(
      windowsPythonCandidates({
        version: '3.12',
        arch: 'x64',
        toolCache: CACHE,
        listDir: layout(tree),
        env: { PATH: 'C:/tools/py312' }
      })
    ).toEqual([
      'C:\\hostedtoolcache\\windows\\Python\\3.12.10\\x64\\python.exe',
      'C:\\tools\\py312\\python.exe'
    ])
  })

  it('finds nothing for an arch the tool cache does not carry', () => {
    expect(
      windowsPythonCandidates({
        version: '3.12',
        arch: 'arm64',
        toolCache: CACHE,
        listDir: layout(tree),
        env: {}
      })
    ).toEqual([])
  })

  it('reads Windows variables whatever the case of their name', () => {
    expect(getEnvVar({ Path: 'a;b' }, 'PATH')).toBe('a;b')
    expect(getEnvVar({ PYTHONLOCATION: 'x' }, 'pythonLocation')).toBe('x')
    expect(getEnvVar({}, 'PATH')).toBeUndefined()
  })
})

describe('bitness probe', () => {
  it('prints pointer size, machine and sysconfig platform as one JSON line', () => {
    expect(BITNESS_PROBE).toContain('struct.calcsize("P") * 8')
    expect(BITNESS_PROBE).toContain('sysconfig.get_platform()')
    expect(BITNESS_PROBE).toContain('platform.machine()')
  })

  // What a 32-bit CPython 3.12 on an x64 runner prints: platform.machine() names the OS's AMD64.
  const x86Output =
    'Could not find platform independent libraries <prefix>\r\n' +
    '{"version": "3.12.10", "minor": "3.12", "bits": 32, "machine": "AMD64", "platform": "win32"}\r\n'

  it('parses the last JSON line, CRLF and all', () => {
    expect(parseBitnessProbe(x86Output)).toEqual({
      version: '3.12.10',
      minor: '3.12',
      bits: 32,
      machine: 'AMD64',
      platform: 'win32'
    })
    expect(parseBitnessProbe('Traceback (most recent call last):\n')).toBeUndefined()
    expect(parseBitnessProbe('{"bits": "x"}')).toBeUndefined()
  })

  it('accepts the 32-bit interpreter for x86 and refuses it for x64, saying which wheel it would make', () => {
    const facts = parseBitnessProbe(x86Output)!
    expect(interpreterMismatch(facts, '3.12', 'x86')).toBeUndefined()
    expect(interpreterMismatch(facts, '3.12', 'x64')).toBe(
      'it is a 32-bit win32 interpreter, not x64 (win-amd64, 64-bit): its wheels would be win32'
    )
    expect(interpreterMismatch(facts, '3.13', 'x86')).toBe('it is Python 3.12.10, not 3.13')
  })

  it('refuses an emulated x64 interpreter on an arm64 build', () => {
    const x64 = { version: '3.13.15', minor: '3.13', bits: 64, machine: 'ARM64', platform: 'win-amd64' }
    expect(interpreterMismatch(x64, '3.13', 'arm64')).toMatch(
      /not arm64 \(win-arm64, 64-bit\): its wheels would be win_amd64/
    )
    expect(interpreterMismatch(x64, '3.13', 'x64')).toBeUndefined()
  })
})
