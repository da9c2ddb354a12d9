import * as path from 'node:path'
import { prependPath, type PlatformModule } from './common.js'
import { posixPythonCandidates, posixVenvBin, posixVenvPython } from './posix.js'

/** Deployment targets by arch: dipy builds arm64 for 11.0 (with its own libomp), x86_64 for 10.9. */
export const DEPLOYMENT_TARGETS: Record<string, string> = { arm64: '11.0', x86_64: '10.9' }

/** macOS: setup-python or python.org framework interpreters, delocate repairs. */
export const macos: PlatformModule = {
  name: 'macos',
  toolPackages: ['delocate'],

  pythonCandidates(s) {
    const framework = path.posix.join('/Library/Frameworks/Python.framework/Versions', s.version, 'bin')
    const fromFramework = s.listDir(framework).includes('python3')
      ? [path.posix.join(framework, 'python3')]
      : []
    return [...posixPythonCandidates(s), ...fromFramework]
  },

  pythonHint(version) {
    return `add an actions/setup-python step with python-version: '${version}' before this action`
  },

  venvBin: posixVenvBin,
  venvPython: posixVenvPython,

  buildEnv(arch, env) {
    const target = env.MACOSX_DEPLOYMENT_TARGET || DEPLOYMENT_TARGETS[arch] || '11.0'
    return { MACOSX_DEPLOYMENT_TARGET: target, ...(env.ARCHFLAGS ? {} : { ARCHFLAGS: `-arch ${arch}` }) }
  },

  configSettings(settings) {
    return [...settings]
  },

  libraryEnv(prefix, env) {
    return { DYLD_LIBRARY_PATH: prependPath([path.posix.join(prefix, 'lib')], env.DYLD_LIBRARY_PATH, ':') }
  },

  planRepair(req) {
    return {
      command: path.posix.join(req.toolsBin, 'delocate-wheel'),
      args: ['--require-archs', req.arch, '-w', req.destDir, '-v', req.wheel],
      env: req.depsPrefix ? this.libraryEnv(req.depsPrefix, req.env) : {}
    }
  },

  hint(output) {
    if (/___kmpc|__kmpc|libomp|omp\.h|-fopenmp|-Xpreprocessor/.test(output)) {
      return (
        'OpenMP on macOS needs libomp built for the deployment target: install it before this action ' +
        '(dipy uses https://github.com/dipy/dipy_data/releases/download/v0.1/libomp-19.1.5-darwin20.tar.gz ' +
        'extracted into /, with MACOSX_DEPLOYMENT_TARGET=11.0; or brew install libomp with ' +
        'MACOSX_DEPLOYMENT_TARGET=14.0), so delocate can bundle it into the wheel.'
      )
    }
    return undefined
  }
}
