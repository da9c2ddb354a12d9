import * as path from 'node:path'
import { planBuildWith, planTestWith, type PlatformModule } from './common.js'
import { posix, posixPythonCandidates } from './posix.js'

const p = path.posix

/** Deployment targets by arch: dipy builds arm64 for 11.0 (with its own libomp), x86_64 for 10.9. */
export const DEPLOYMENT_TARGETS: Record<string, string> = { arm64: '11.0', x86_64: '10.9' }

/** macOS: setup-python or python.org framework interpreters, delocate repairs. */
export const macos: PlatformModule = {
  name: 'macos',
  ...posix,
  toolPackages: ['delocate'],

  pythonCandidates(s) {
    const framework = p.join('/Library/Frameworks/Python.framework/Versions', s.version, 'bin')
    const fromFramework = s.listDir(framework).includes('python3') ? [p.join(framework, 'python3')] : []
    return [...posixPythonCandidates(s), ...fromFramework]
  },

  pythonHint(version) {
    return `add an actions/setup-python step with python-version: '${version}' before this action`
  },

  buildEnv(arch, env) {
    const target = env.MACOSX_DEPLOYMENT_TARGET || DEPLOYMENT_TARGETS[arch] || '11.0'
    return { MACOSX_DEPLOYMENT_TARGET: target, ...(env.ARCHFLAGS ? {} : { ARCHFLAGS: `-arch ${arch}` }) }
  },

  configSettings(settings) {
    return [...settings]
  },

  planBuild(req) {
    return planBuildWith(this, req)
  },

  planTest(req) {
    return planTestWith(this, req)
  },

  libraryEnv(prefix) {
    return { prepend: { DYLD_LIBRARY_PATH: [p.join(prefix, 'lib')] } }
  },

  planRepair(req) {
    return {
      command: p.join(req.toolsBin, 'delocate-wheel'),
      args: ['--require-archs', req.arch, '-w', req.destDir, '-v', req.wheel],
      env: req.depsPrefix ? this.libraryEnv(req.depsPrefix) : {}
    }
  },

  async explainRepairFailure() {
    return ''
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
