import { describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'

const windows = platformModule('windows')

describe('Windows plan', () => {
  it('adds setup-args=--vsenv to the config settings once', () => {
    expect(windows.configSettings(['compile-args=-v'])).toEqual(['compile-args=-v', 'setup-args=--vsenv'])
    expect(windows.configSettings(['setup-args=--vsenv'])).toEqual(['setup-args=--vsenv'])
  })

  it("finds setup-python's python.exe (x64 and arm64) and pyenv-win", () => {
    const dirs: Record<string, string[]> = {
      'C:\\hostedtoolcache\\windows\\Python': ['3.12.7', '3.11.9'],
      'C:\\Users\\me\\.pyenv\\pyenv-win\\versions': ['3.12.1']
    }
    const search = {
      version: '3.12',
      env: { USERPROFILE: 'C:\\Users\\me' },
      toolCache: 'C:\\hostedtoolcache\\windows',
      home: 'C:\\Users\\me',
      listDir: (d: string) => dirs[d] ?? []
    }
    expect(windows.pythonCandidates({ ...search, arch: 'AMD64' })).toEqual([
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\x64\\python.exe',
      'C:\\Users\\me\\.pyenv\\pyenv-win\\versions\\3.12.1\\python.exe'
    ])
    expect(windows.pythonCandidates({ ...search, arch: 'ARM64' })[0]).toBe(
      'C:\\hostedtoolcache\\windows\\Python\\3.12.7\\arm64\\python.exe'
    )
  })

  it('hints at MSVC for OpenMP', () => {
    expect(windows.hint('fatal error C1083: Cannot open include file: omp.h')).toMatch(/vcomp140\.dll/)
  })
})
