import { describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'
import { planBuild } from '../../src/stages/build.js'
import { planTest } from '../../src/stages/test.js'

const windows = platformModule('windows')

describe('Windows plan', () => {
  it('repairs with delvewheel, adding the dependency prefix bin', () => {
    expect(
      windows.planRepair({
        toolsBin: 'C:\\hostedtoolcache\\windows\\dipy-wheels-tools\\abc\\Scripts',
        wheel: 'D:\\a\\_temp\\dist\\dipy-1.12.1-cp312-cp312-win_amd64.whl',
        destDir: 'D:\\a\\_temp\\repaired',
        arch: 'AMD64',
        depsPrefix: 'C:\\deps\\prefix',
        env: {}
      })
    ).toEqual({
      command: 'C:\\hostedtoolcache\\windows\\dipy-wheels-tools\\abc\\Scripts\\delvewheel.exe',
      args: [
        'repair',
        '-w',
        'D:\\a\\_temp\\repaired',
        '-v',
        '--add-path',
        'C:\\deps\\prefix\\bin',
        'D:\\a\\_temp\\dist\\dipy-1.12.1-cp312-cp312-win_amd64.whl'
      ],
      env: {}
    })
  })

  it('adds setup-args=--vsenv to the config settings once', () => {
    expect(windows.configSettings(['compile-args=-v'])).toEqual(['compile-args=-v', 'setup-args=--vsenv'])
    expect(windows.configSettings(['setup-args=--vsenv'])).toEqual(['setup-args=--vsenv'])
  })

  it('the build command passes both settings', () => {
    const cmd = planBuild({
      version: '3.12',
      buildPython: 'C:\\tc\\build\\abc\\Scripts\\python.exe',
      srcDir: 'D:\\a\\ws\\dipy',
      outDir: 'D:\\a\\_temp\\dist',
      configSettings: windows.configSettings(['compile-args=-v']),
      env: windows.buildEnv('AMD64', {})
    })
    expect(cmd.command).toBe('C:\\tc\\build\\abc\\Scripts\\python.exe')
    expect(cmd.args).toEqual([
      '-m',
      'build',
      '--wheel',
      '--outdir',
      'D:\\a\\_temp\\dist',
      '-Ccompile-args=-v',
      '-Csetup-args=--vsenv',
      'D:\\a\\ws\\dipy'
    ])
    expect(cmd.env).toEqual({})
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

  it('venvs use Scripts, and the test puts Scripts first on PATH with ;', () => {
    expect(windows.venvPython('D:\\t\\venv')).toBe('D:\\t\\venv\\Scripts\\python.exe')
    const [, install, test] = planTest(windows, {
      version: '3.12',
      python: 'C:\\py\\python.exe',
      wheel: 'D:\\ws\\wheelhouse\\dipy.whl',
      testRequires: [],
      testCommand: 'python -c "import dipy"',
      workDir: 'D:\\t',
      env: { PATH: 'C:\\Windows' }
    })
    expect(install.command).toMatch(/venv[\\/]Scripts[\\/]python\.exe$/)
    expect(test.command).toBe('bash')
    expect(test.args).toEqual(['--noprofile', '--norc', '-eo', 'pipefail', '-c', 'python -c "import dipy"'])
    expect(String(test.env?.PATH)).toMatch(/venv[\\/]Scripts;C:\\Windows$/)
  })

  it('hints at MSVC for OpenMP', () => {
    expect(windows.hint('fatal error C1083: Cannot open include file: omp.h')).toMatch(/vcomp140\.dll/)
  })
})
