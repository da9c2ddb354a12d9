import * as path from 'node:path'
import {
  caselessEnvKey,
  patchDirs,
  planBuildWith,
  planTestWith,
  toolCacheArch,
  withSetting,
  type PlatformModule
} from './common.js'

const w = path.win32

/** Windows: setup-python's python.exe, MSVC through meson --vsenv, delvewheel repairs. */
export const windows: PlatformModule = {
  name: 'windows',
  paths: w,
  envKey: caselessEnvKey,
  toolPackages: ['delvewheel'],

  pythonCandidates(s) {
    const found: string[] = []
    const cache = w.join(s.toolCache, 'Python')
    for (const v of patchDirs(s.listDir(cache), s.version)) {
      found.push(w.join(cache, v, toolCacheArch(s.arch), 'python.exe'))
    }
    const local = s.env.LOCALAPPDATA
    if (local) {
      const dir = w.join(local, 'Programs', 'Python', `Python${s.version.replace('.', '')}`)
      if (s.listDir(dir).includes('python.exe')) found.push(w.join(dir, 'python.exe'))
    }
    const pyenv =
      s.env.PYENV_ROOT || (s.env.USERPROFILE ? w.join(s.env.USERPROFILE, '.pyenv', 'pyenv-win') : '')
    if (pyenv) {
      const versions = w.join(pyenv, 'versions')
      for (const v of patchDirs(s.listDir(versions), s.version)) found.push(w.join(versions, v, 'python.exe'))
    }
    return found
  },

  pythonHint(version) {
    return `add an actions/setup-python step with python-version: '${version}' before this action`
  },

  venvBin: (venv) => w.join(venv, 'Scripts'),
  venvPython: (venv) => w.join(venv, 'Scripts', 'python.exe'),

  buildEnv() {
    return {}
  },

  configSettings(settings) {
    // meson finds MSVC (and its OpenMP, vcomp140.dll) from the Visual Studio environment.
    return withSetting(settings, 'setup-args=--vsenv')
  },

  planBuild(req) {
    return planBuildWith(this, req)
  },

  planTest(req) {
    return planTestWith(this, req)
  },

  libraryEnv(prefix) {
    return { prepend: { PATH: [w.join(prefix, 'bin')] } }
  },

  planRepair(req) {
    const addPath = req.depsPrefix ? ['--add-path', w.join(req.depsPrefix, 'bin')] : []
    return {
      command: w.join(req.toolsBin, 'delvewheel.exe'),
      args: ['repair', '-w', req.destDir, '-v', ...addPath, req.wheel],
      env: {}
    }
  },

  async explainRepairFailure() {
    return ''
  },

  hint(output) {
    if (/vcomp|\/openmp|omp\.h/i.test(output)) {
      return 'OpenMP on Windows comes with MSVC (vcomp140.dll): check that Visual Studio with the C++ workload is installed (meson finds it with setup-args=--vsenv).'
    }
    if (/cl\.exe|vsenv|Visual Studio/i.test(output)) {
      return 'meson needs MSVC: the windows runner images have Visual Studio; setup-args=--vsenv makes meson load its environment.'
    }
    return undefined
  }
}
