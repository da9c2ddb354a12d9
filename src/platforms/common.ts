/** The platform interface and the helpers the platform modules share. */
import type * as path from 'node:path'
import type { EnvChange, EnvFlavour, PlannedCommand, Word } from '../command.js'
import type { Runner } from '../exec.js'
import type { PlatformName } from '../host.js'
import type { JobHooks } from './job-hooks.js'
import type { RecipeFlavour } from './recipe-flavour.js'

/** Where to look for a CPython interpreter. */
export interface PythonSearch {
  /** The minor version asked for, e.g. "3.11". */
  version: string
  /** The target architecture as wheel tags spell it. */
  arch: string
  env: Readonly<Record<string, string | undefined>>
  /** RUNNER_TOOL_CACHE (where actions/setup-python installs). */
  toolCache: string
  home: string
  /** Lists a directory's entries ([] when it does not exist): fs in the action, a fake in tests. */
  listDir: (dir: string) => string[]
}

/** One wheel to repair. */
export interface RepairRequest {
  /** The bin (Scripts) directory of the tools venv. */
  toolsBin: string
  /** The built wheel (usually the <wheel> slot). */
  wheel: Word
  destDir: string
  arch: string
  /** Linux: the auditwheel --plat policy, e.g. manylinux_2_28_x86_64, or auto. */
  policy?: string
  /** Variables the repair tool reads (macOS: delocate's MACOSX_DEPLOYMENT_TARGET). */
  env?: Record<string, string>
}

/** How a candidate interpreter is checked: run with `args`, its output judged by `check`. */
export interface InterpreterProbe {
  args: string[]
  /** The full version when the interpreter fits, else why not. */
  check(stdout: string): { full: string } | { reason: string }
}

export interface BuildRequest {
  srcDir: string
  /** A directory of this build's own. */
  outDir: string
  /** key=value config settings, the platform's additions included. */
  configSettings: readonly string[]
  /** Build in the build env itself (it holds the project's build requirements) instead of an isolated one. */
  noIsolation: boolean
  /** The build env's directory: its scripts go first on PATH (meson, ninja, cython). */
  buildEnv: string
  env?: EnvChange
}

export interface TestRequest {
  /** A fresh directory outside the source tree: holds the venv and the empty working directory. */
  workDir: string
  testRequires: readonly string[]
  /** Empty: dipy's smoke test. */
  testCommand: string
  /** pip's download cache, when the run keeps one. */
  pipCache?: string
}

/** The directories of GitHub's hosted runner of an OS (actions/runner-images), for planning elsewhere. */
export interface RunnerLayout {
  home: string
  workspace: string
  temp: string
  toolCache: string
}

/** What differs by OS. Everything but explainRepairFailure is pure: any platform plans on any host. */
export interface PlatformModule extends EnvFlavour, JobHooks {
  name: PlatformName
  /** path.posix or path.win32: every path a plan holds is in the target's flavour. */
  paths: path.PlatformPath
  /** Other spellings of the name `dipy-wheels plan --os` takes (node's, ...), lower case. */
  aliases: readonly string[]
  /** Its hosted runner's directories, and the runner arch that builds `arch` when no runner is of it. */
  hostedRunner: RunnerLayout & { runnerArch?(arch: string): string | undefined }
  /** How the dependency recipes are configured and keyed on this OS. */
  recipes: RecipeFlavour
  /** The packages of requirements/tools.txt installed in the tools venv (the repair tool and its helpers). */
  toolPackages: readonly string[]
  /** Interpreter paths that may hold the version, most preferred first; each is verified by running it. */
  pythonCandidates(search: PythonSearch): string[]
  /** How to provide a missing interpreter of `arch`, for the error message. */
  pythonHint(version: string, arch?: string): string
  /** How to check that a candidate is the version (and, on Windows, the architecture) asked for. */
  interpreterProbe(version: string, arch: string): InterpreterProbe
  /** The runner's python on PATH (actions/setup-python's name for it here). */
  pythonCommand: string
  venvBin(venv: string): string
  venvPython(venv: string): string
  /** Variables the recipes, the wheel build and the repair need on this platform (macOS: the deployment target). */
  buildEnv(arch: string, deploymentTarget: string): Record<string, string>
  /** What the dependency prefix's cache key adds on this platform (macOS: the deployment target). */
  dependencyKeyExtra(deploymentTarget: string): string | undefined
  /** The PEP 517 config settings, with the platform's own additions. */
  configSettings(settings: readonly string[]): string[]
  /** `python -m build --wheel` with the build env's python. */
  planBuild(req: BuildRequest): PlannedCommand
  /** The repair command. */
  planRepair(req: RepairRequest): PlannedCommand
  /** Make a venv, install the wheel (and test requirements), run the test from an empty directory. */
  planTest(req: TestRequest): PlannedCommand[]
  /** Library path variables so a program finds the dependency prefix's shared libraries. */
  libraryEnv(prefix: string): EnvChange
  /** More about a failed repair (Linux: `auditwheel show` and the library at fault); '' when nothing. */
  explainRepairFailure(
    runner: Runner,
    req: RepairRequest & { wheel: string },
    output: string
  ): Promise<string>
  /** A hint for a failure's output (e.g. the OpenMP runtime is missing), if one applies. */
  hint(output: string): string | undefined
}

const VERSION_PROBE = 'import sys, platform; print(sys.version_info[:2]); print(platform.python_version())'

/** The probe of Linux and macOS: the minor version asked for (the arch is the runner's). */
export function versionProbe(version: string): InterpreterProbe {
  return {
    args: ['-c', VERSION_PROBE],
    check(stdout) {
      const [pair, full] = stdout.trim().split(/\r?\n/)
      const [major, minor] = version.split('.')
      return pair?.trim() === `(${major}, ${minor})` && full
        ? { full: full.trim() }
        : { reason: `it is not Python ${version}` }
    }
  }
}

/** The slot words of a plan. */
export const PYTHON: Word = { slot: 'python' }
export const BUILD_PYTHON: Word = { slot: 'buildPython' }
export const WHEEL: Word = { slot: 'wheel' }

/** Environment names as POSIX compares them: exactly. */
export const exactEnvKey = (_env: Readonly<Record<string, string | undefined>>, name: string): string => name

/** Environment names as Windows compares them: without case (the runner's Path is PATH). */
export function caselessEnvKey(env: Readonly<Record<string, string | undefined>>, name: string): string {
  const lower = name.toLowerCase()
  return Object.keys(env).find((k) => k.toLowerCase() === lower) ?? name
}

/** The arch directory of actions/setup-python's tool cache layout. */
export function toolCacheArch(arch: string): string {
  return /^(aarch64|arm64)$/i.test(arch) ? 'arm64' : /^(x86|i686|win32)$/i.test(arch) ? 'x86' : 'x64'
}

export { patchDirs } from './patch-dirs.js'

/** dipy's smoke test: imports, get_info, an OpenMP extension (AffineMap), and OpenMP itself. */
export const DIPY_SMOKE_TEST = [
  'import dipy',
  'print(dipy.__version__)',
  'print(dipy.get_info())',
  'from dipy.align.imaffine import AffineMap',
  'from dipy.utils.omp import have_openmp',
  'print("have_openmp:", have_openmp)',
  'assert have_openmp, "dipy was built without OpenMP"'
].join('\n')

/** The build every platform runs: the build env's python, its scripts first on PATH. */
export function planBuildWith(mod: PlatformModule, req: BuildRequest): PlannedCommand {
  return {
    command: BUILD_PYTHON,
    args: [
      '-m',
      'build',
      '--wheel',
      ...(req.noIsolation ? ['--no-isolation'] : []),
      '--outdir',
      req.outDir,
      ...req.configSettings.map((s) => `-C${s}`),
      req.srcDir
    ],
    cwd: req.srcDir,
    env: {
      ...req.env,
      prepend: { ...req.env?.prepend, PATH: [mod.venvBin(req.buildEnv), ...(req.env?.prepend?.PATH ?? [])] },
      set: { ...req.env?.set, VIRTUAL_ENV: req.buildEnv }
    }
  }
}

/** The test venv's directories and the environment of every command run in it. */
function testVenv(
  mod: PlatformModule,
  req: TestRequest
): { venv: string; cwd: string; py: string; env: EnvChange } {
  const p = mod.paths
  const venv = p.join(req.workDir, 'venv')
  return {
    venv,
    cwd: p.join(req.workDir, 'empty'),
    py: mod.venvPython(venv),
    env: {
      prepend: { PATH: [mod.venvBin(venv)] },
      set: { VIRTUAL_ENV: venv, MPLBACKEND: 'Agg', ...(req.pipCache ? { PIP_CACHE_DIR: req.pipCache } : {}) },
      unset: ['PYTHONPATH', 'PYTHONHOME']
    }
  }
}

/**
 * What the test installs before the wheel exists (run alongside the compile): the project's declared
 * dependencies and the test requirements, from a file the test stage writes at `requirements`. The
 * wheel's own install then finds them satisfied. Runs after the first test command (the venv).
 */
export function planTestEarlyWith(
  mod: PlatformModule,
  req: TestRequest
): { requirements: string; install: PlannedCommand } {
  const { cwd, py, env } = testVenv(mod, req)
  const requirements = mod.paths.join(req.workDir, 'early-requirements.txt')
  return {
    requirements,
    install: {
      command: py,
      // --no-compile: the dependencies' bytecode is not written (~10 s of dipy's ~24 s here); the test
      // imports few of their modules, once. The wheel's own install compiles, as a user's would.
      args: [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--no-compile',
        '-r',
        requirements
      ],
      cwd,
      env,
      what: "installing the project's dependencies into the test venv"
    }
  }
}

/** The test every platform runs, in the platform's own path flavour. */
export function planTestWith(mod: PlatformModule, req: TestRequest): PlannedCommand[] {
  const { venv, cwd, py, env } = testVenv(mod, req)
  const install = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    WHEEL,
    ...req.testRequires
  ]
  const test: PlannedCommand = req.testCommand
    ? // As a workflow `run:` step runs it. --norc matters: a child with socket stdio (node's) is taken for an
      // rshd session and would read ~/.bashrc, which may put another python first on PATH.
      {
        command: 'bash',
        args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', req.testCommand],
        cwd,
        env,
        what: 'the test command'
      }
    : { command: py, args: ['-c', DIPY_SMOKE_TEST], cwd, env, what: "dipy's smoke test" }
  return [
    {
      command: PYTHON,
      args: ['-m', 'venv', venv],
      cwd,
      env: { unset: ['PYTHONPATH', 'PYTHONHOME'] },
      what: 'making the test venv'
    },
    { command: py, args: install, cwd, env, what: 'installing the wheel into a clean venv' },
    test
  ]
}
