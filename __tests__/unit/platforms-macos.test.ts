import { describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'

const macos = platformModule('macos')

describe('macOS plan', () => {
  it('finds setup-python and python.org framework interpreters', () => {
    const dirs: Record<string, string[]> = {
      '/Users/runner/hostedtoolcache/Python': ['3.12.7'],
      '/Library/Frameworks/Python.framework/Versions/3.12/bin': ['python3']
    }
    expect(
      macos.pythonCandidates({
        version: '3.12',
        arch: 'arm64',
        env: { PATH: '' },
        toolCache: '/Users/runner/hostedtoolcache',
        home: '/Users/runner',
        listDir: (d) => dirs[d] ?? []
      })
    ).toEqual([
      '/Users/runner/hostedtoolcache/Python/3.12.7/arm64/bin/python3',
      '/Library/Frameworks/Python.framework/Versions/3.12/bin/python3'
    ])
  })

  it('hints at libomp when OpenMP symbols are missing (dipy issue #3637)', () => {
    const hint = macos.hint("symbol not found in flat namespace '___kmpc_barrier'")
    expect(hint).toMatch(/libomp/)
    expect(hint).toMatch(/macos-libomp: true/)
    expect(hint).toMatch(/macos-deployment-target/)
  })
})
