import { describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'
import { planBuild } from '../../src/stages/build.js'
import { planTest } from '../../src/stages/test.js'

const macos = platformModule('macos')

describe('macOS plan', () => {
  it('repairs with delocate-wheel for the arch, the dependency prefix on DYLD_LIBRARY_PATH', () => {
    expect(
      macos.planRepair({
        toolsBin: '/Users/runner/hostedtoolcache/dipy-wheels-tools/abc/bin',
        wheel: '/tmp/dist/dipy-1.12.1-cp312-cp312-macosx_11_0_arm64.whl',
        destDir: '/tmp/repaired',
        arch: 'arm64',
        depsPrefix: '/deps/prefix',
        env: { DYLD_LIBRARY_PATH: '/usr/local/lib' }
      })
    ).toEqual({
      command: '/Users/runner/hostedtoolcache/dipy-wheels-tools/abc/bin/delocate-wheel',
      args: [
        '--require-archs',
        'arm64',
        '-w',
        '/tmp/repaired',
        '-v',
        '/tmp/dist/dipy-1.12.1-cp312-cp312-macosx_11_0_arm64.whl'
      ],
      env: { DYLD_LIBRARY_PATH: '/deps/prefix/lib:/usr/local/lib' }
    })
  })

  it('without dependencies the repair adds no environment', () => {
    const cmd = macos.planRepair({
      toolsBin: '/t/bin',
      wheel: '/w.whl',
      destDir: '/d',
      arch: 'x86_64',
      env: {}
    })
    expect(cmd.args).toEqual(['--require-archs', 'x86_64', '-w', '/d', '-v', '/w.whl'])
    expect(cmd.env).toEqual({})
  })

  it.each([
    ['arm64', {}, '11.0'],
    ['x86_64', {}, '10.9'],
    ['arm64', { MACOSX_DEPLOYMENT_TARGET: '14.0' }, '14.0']
  ])('deployment target on %s with %j: %s', (arch, env, target) => {
    expect(macos.buildEnv(arch, env)).toEqual({
      MACOSX_DEPLOYMENT_TARGET: target,
      ARCHFLAGS: `-arch ${arch}`
    })
  })

  it('the build runs the build venv python with the config settings', () => {
    const cmd = planBuild({
      version: '3.12',
      buildPython: '/tc/build/abc/bin/python',
      srcDir: '/ws/dipy',
      outDir: '/tmp/py3.12/dist',
      configSettings: macos.configSettings(['compile-args=-v']),
      env: macos.buildEnv('arm64', {})
    })
    expect(cmd).toEqual({
      command: '/tc/build/abc/bin/python',
      args: ['-m', 'build', '--wheel', '--outdir', '/tmp/py3.12/dist', '-Ccompile-args=-v', '/ws/dipy'],
      cwd: '/ws/dipy',
      env: { MACOSX_DEPLOYMENT_TARGET: '11.0', ARCHFLAGS: '-arch arm64' }
    })
  })

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

  it('tests with the default smoke test from an empty directory, MPLBACKEND=Agg', () => {
    const [venv, install, test] = planTest(macos, {
      version: '3.12',
      python: '/py/bin/python3',
      wheel: '/ws/wheelhouse/dipy.whl',
      testRequires: ['pytest'],
      testCommand: '',
      workDir: '/tmp/t',
      env: { PATH: '/usr/bin' }
    })
    expect(venv.args).toEqual(['-m', 'venv', '/tmp/t/venv'])
    expect(install.command).toBe('/tmp/t/venv/bin/python')
    expect(install.args.slice(-2)).toEqual(['/ws/wheelhouse/dipy.whl', 'pytest'])
    expect(test.command).toBe('/tmp/t/venv/bin/python')
    expect(test.args[1]).toContain('from dipy.align.imaffine import AffineMap')
    expect(test.args[1]).toContain('assert have_openmp')
    expect(test.cwd).toBe('/tmp/t/empty')
    expect(test.env).toMatchObject({ MPLBACKEND: 'Agg', PATH: '/tmp/t/venv/bin:/usr/bin' })
  })

  it('hints at libomp when OpenMP symbols are missing (dipy issue #3637)', () => {
    const hint = macos.hint("symbol not found in flat namespace '___kmpc_barrier'")
    expect(hint).toMatch(/libomp/)
    expect(hint).toMatch(/MACOSX_DEPLOYMENT_TARGET=11\.0/)
  })
})
