import * as path from 'node:path'
import { caselessEnvKey, planBuildWith, planTestWith, type PlatformModule } from './common.js'
import {
  CMAKE_GENERATOR_VARS,
  windowsCmakeArgs,
  windowsMesonArgs,
  windowsMesonFile
} from './windows-target.js'
import { NO_JOB_HOOKS } from './job-hooks.js'
import { mesonSettingsForMsvc } from './msvc-env.js'
import { describeWindows, loadMsvc, planWindows, windowsPipTarget } from './windows-job.js'
import {
  BITNESS_PROBE,
  interpreterMismatch,
  parseBitnessProbe,
  parseWindowsArch,
  windowsPythonCandidates,
  windowsPythonHint
} from './windows-arch.js'

const w = path.win32

/** Windows: setup-python's python.exe of the target arch, MSVC from vcvarsall, delvewheel repairs. */
export const windows: PlatformModule = {
  name: 'windows',
  paths: w,
  envKey: caselessEnvKey,
  aliases: ['win32'],
  hostedRunner: {
    home: 'C:\\Users\\runneradmin',
    workspace: 'D:\\a\\dipy-wheels\\dipy-wheels',
    temp: 'D:\\a\\_temp',
    toolCache: 'C:\\hostedtoolcache\\windows',
    // No hosted runner is x86: x86 (win32 wheels) is built on an x64 runner.
    runnerArch: (arch) => (arch === 'x86' ? 'AMD64' : undefined)
  },
  recipes: {
    cmakeTarget: (t) => (t ? { args: windowsCmakeArgs(t), env: { ...CMAKE_GENERATOR_VARS } } : { args: [] }),
    cmakeInstall: () => [],
    // configure is a shell script for the bash of Git for Windows / MSYS2.
    autotoolsConfigure: (configure) => ({ command: 'bash', args: [configure.replace(/\\/g, '/')] }),
    mesonTarget: (t) => (t ? windowsMesonArgs(t) : []),
    mesonMachineFile: (t) => (t ? { path: t.mesonFile, text: windowsMesonFile(t) } : undefined),
    // MSVC takes no -L: link.exe reads LIB, cl.exe reads INCLUDE.
    msvcSearch: true,
    keyCompiler: (compiler) => compiler
  },
  toolPackages: ['delvewheel'],
  ...NO_JOB_HOOKS,
  checksTarget: true,
  planOs: (facts) => ({ windows: planWindows(facts) }),
  pipTarget: (os) => (os.windows ? (version) => windowsPipTarget(os.windows!, version) : undefined),
  prepareJob: {
    label: 'MSVC environment',
    run: (runner, os) =>
      os.windows ? loadMsvc(runner, os.windows) : Promise.resolve({ runner, vsenv: false })
  },

  describe: (os) => describeWindows(os.windows),

  interpreterTarget(os) {
    return os.windows ? { tag: os.windows.wheelPlatform } : {}
  },

  pythonCandidates(s) {
    return windowsPythonCandidates({ ...s, arch: parseWindowsArch(s.arch, 'x64') })
  },

  pythonHint(version, arch) {
    return windowsPythonHint(version, parseWindowsArch(arch ?? '', 'x64'))
  },

  interpreterProbe(version, arch) {
    return {
      args: ['-c', BITNESS_PROBE],
      check(stdout) {
        const facts = parseBitnessProbe(stdout)
        if (!facts) return { reason: 'it printed no interpreter facts' }
        const why = interpreterMismatch(facts, version, parseWindowsArch(arch, 'x64'))
        return why ? { reason: why } : { full: facts.version }
      }
    }
  },

  pythonCommand: 'python',
  venvBin: (venv) => w.join(venv, 'Scripts'),
  venvPython: (venv) => w.join(venv, 'Scripts', 'python.exe'),

  buildEnv() {
    return {}
  },

  dependencyKeyExtra() {
    return undefined
  },

  configSettings(settings) {
    // The build stage loads the MSVC environment of the target arch (vcvarsall) before anything compiles:
    // meson then uses it as it is, so --vsenv (which always loads the host's 64-bit tools) is not added.
    return mesonSettingsForMsvc(settings, true)
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
    return {
      command: w.join(req.toolsBin, 'delvewheel.exe'),
      args: ['repair', '-w', req.destDir, '-v', req.wheel],
      env: {}
    }
  },

  async explainRepairFailure() {
    return ''
  },

  hint(output) {
    if (/immintrin\.h/.test(output) && /arm64|specific to X86/i.test(output)) {
      return (
        '<immintrin.h> holds x86 intrinsics: code that includes it under any MSVC does not compile for ' +
        'win_arm64 (dipy 1.12.1: dipy/reconst/force_src/distances_simd.cpp). Build x64, or guard the include with _M_X64.'
      )
    }
    if (/vcomp|\/openmp|omp\.h/i.test(output)) {
      return 'OpenMP on Windows comes with MSVC (vcomp140.dll): check that Visual Studio with the C++ workload for the target arch is installed (the action loads it with vcvarsall).'
    }
    if (/cl\.exe|vsenv|Visual Studio/i.test(output)) {
      return "meson needs MSVC: the windows runner images have Visual Studio; the action loads vcvarsall's environment for the target arch before the build (the 'MSVC environment' lines of the log)."
    }
    return undefined
  }
}
