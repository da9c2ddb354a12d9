import * as path from 'node:path'
import { planBuildWith, planTestWith, versionProbe, type PlatformModule } from './common.js'
import {
  describeMacos,
  libompRecipes,
  linkLibomp,
  macosPipTarget,
  planMacos,
  targetFor
} from './macos-job.js'
import { macosKeyCompiler, macosPlatformTag, macosTargetEnv, type MacArch } from './macos-target.js'
import { posix, posixPythonCandidates } from './posix.js'
import { POSIX_RECIPES } from './recipe-flavour.js'

const p = path.posix

/** macOS: setup-python or python.org framework interpreters, delocate repairs. */
export const macos: PlatformModule = {
  name: 'macos',
  ...posix,
  aliases: ['darwin', 'mac'],
  hostedRunner: {
    home: '/Users/runner',
    workspace: '/Users/runner/work/dipy-wheels/dipy-wheels',
    temp: '/Users/runner/work/_temp',
    toolCache: '/Users/runner/hostedtoolcache'
  },
  recipes: {
    ...POSIX_RECIPES,
    // Absolute install names, so delocate finds the libraries without an rpath.
    cmakeInstall: (libDir) => [`-DCMAKE_INSTALL_NAME_DIR=${libDir}`],
    keyCompiler: macosKeyCompiler
  },
  toolPackages: ['delocate'],
  checksTarget: true,
  manylinux: false,
  planOs: (facts) => ({ macos: planMacos(facts) }),
  pipTarget: (os) => (os.macos ? (version) => macosPipTarget(os.macos!, version) : undefined),

  recipesBefore(os, checkoutDir) {
    return os.macos ? libompRecipes(os.macos, checkoutDir) : []
  },

  async afterDependencies(runner, os, prefix, before) {
    if (os.macos && before.length && prefix) await linkLibomp(runner, os.macos, prefix)
  },

  describe: (os) => describeMacos(os.macos),

  interpreterTarget(os, pythonFull) {
    if (!os.macos) return {}
    const t = targetFor(os.macos, pythonFull)
    return {
      ...(t.env ? { env: t.env, notice: t.notice } : {}),
      tag: macosPlatformTag(t.target, os.macos.arch)
    }
  },

  pythonCandidates(s) {
    const framework = p.join('/Library/Frameworks/Python.framework/Versions', s.version, 'bin')
    const fromFramework = s.listDir(framework).includes('python3') ? [p.join(framework, 'python3')] : []
    return [...posixPythonCandidates(s), ...fromFramework]
  },

  pythonHint(version) {
    return `add an actions/setup-python step with python-version: '${version}' before this action`
  },

  interpreterProbe: versionProbe,

  buildEnv(arch, deploymentTarget) {
    return macosTargetEnv(deploymentTarget, arch as MacArch)
  },

  dependencyKeyExtra(deploymentTarget) {
    return `macOS ${deploymentTarget}`
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
      // delocate reads the deployment target from its environment only: with it, it refuses a library
      // built for a newer macOS instead of silently retagging the wheel (delocate cmd/delocate_wheel.py).
      env: req.env ? { set: req.env } : {}
    }
  },

  async explainRepairFailure() {
    return ''
  },

  hint(output) {
    if (/___kmpc|__kmpc|libomp|omp\.h|-fopenmp|-Xpreprocessor/.test(output)) {
      return (
        'OpenMP on macOS needs libomp built for the deployment target: with macos-libomp: auto the action ' +
        "builds it when the project's meson.build or CMakeLists.txt asks for OpenMP (or setup.py passes " +
        '-fopenmp); set macos-libomp: true to build it anyway. With macos-libomp: false, install a libomp ' +
        'built for macos-deployment-target before this action (a Homebrew libomp is built for the macOS ' +
        'of the runner, which delocate refuses for an older target).'
      )
    }
    return undefined
  }
}
