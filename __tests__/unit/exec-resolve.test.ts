/** How a bare command name becomes a file: the names tried (PATHEXT on Windows) and which PATH is read. */
import { describe, expect, it } from 'vitest'
import { envValue, executableNames, isBareName } from '../../src/exec.js'

describe('executableNames', () => {
  it('POSIX: the name only', () => {
    expect(executableNames('meson', 'linux', '.EXE')).toEqual(['meson'])
  })

  it("Windows: the name with each of PATHEXT's extensions, in order", () => {
    expect(executableNames('meson', 'win32', '.COM;.EXE;.BAT;.CMD;.PY')).toEqual([
      'meson.com',
      'meson.exe',
      'meson.bat',
      'meson.cmd',
      'meson.py'
    ])
  })

  it('Windows: a name that already ends with an extension of PATHEXT is tried as given first', () => {
    expect(executableNames('cl.exe', 'win32', '.EXE;.CMD')).toEqual(['cl.exe', 'cl.exe.exe', 'cl.exe.cmd'])
  })

  it("Windows without PATHEXT: cmd.exe's default list", () => {
    expect(executableNames('delvewheel', 'win32', undefined)).toEqual([
      'delvewheel.com',
      'delvewheel.exe',
      'delvewheel.bat',
      'delvewheel.cmd'
    ])
  })
})

describe('envValue', () => {
  it('Windows: PATH whatever its spelling, the override set last winning (Path added to an env with PATH)', () => {
    const env = { PATH: 'C:\\runner', Path: 'C:\\msvc;C:\\runner' }
    expect(envValue(env, 'PATH', 'win32')).toBe('C:\\msvc;C:\\runner')
  })

  it('POSIX: the exact name only', () => {
    expect(envValue({ Path: '/x' }, 'PATH', 'linux')).toBeUndefined()
    expect(envValue({ PATH: '/y' }, 'PATH', 'linux')).toBe('/y')
  })
})

describe('isBareName', () => {
  it.each([
    ['cl', 'win32', true],
    ['C:\\tools\\cl.exe', 'win32', false],
    ['tools/cl.exe', 'win32', false],
    ['meson', 'linux', true],
    ['./configure', 'linux', false],
    ['a\\b', 'linux', true]
  ] as const)('%s on %s: %s', (name, platform, bare) => {
    expect(isBareName(name, platform)).toBe(bare)
  })
})
