/**
 * makePlan for every target, on this Linux host: the exact commands (argv, environment change, working
 * directory) of the build, the repair and each test step, the interpreter search, the build env, the
 * executor and the manylinux policy, in the target's own path flavour. Expected values are written out.
 */
import { describe, expect, it } from 'vitest'
import type { PlannedCommand } from '../../src/command.js'
import type { ActionInputs } from '../../src/inputs.js'
import { makePlan } from '../../src/plan/make-plan.js'
import type { PlanHost } from '../../src/plan/make-plan.js'
import type { PythonPlan } from '../../src/plan/types.js'
import {
  CYTHON_CACHE_PY,
  defaultInputs,
  runnerHost,
  sha16,
  SMOKE_TEST,
  stringsIn,
  TOOLS_TXT
} from '../harness/plan-fixtures.js'

const VERSIONS = ['3.11', '3.12', '3.13', '3.14']
const PYTHON = { slot: 'python' }
const BUILD_PYTHON = { slot: 'buildPython' as const }
const WHEEL = { slot: 'wheel' }

/** The variables the container gets from the host, by name. */
const PASS_ENV = [
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
interface Flavour {
  join: (...parts: string[]) => string
  bin: string
  python: string
}
const POSIX: Flavour = { join: (...p) => p.join('/'), bin: 'bin', python: 'bin/python' }
const WIN: Flavour = { join: (...p) => p.join('\\'), bin: 'Scripts', python: 'Scripts\\python.exe' }

/** The test steps every platform plans: a venv, the wheel installed, the smoke test from an empty directory. */
function testSteps(f: Flavour, testDir: string, pipCache: string): PlannedCommand[] {
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
function testEarly(f: Flavour, testDir: string, pipCache: string): object {
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

interface Target {
  label: string
  host: PlanHost
  inputs: Partial<ActionInputs>
  f: Flavour
  temp: string
  toolCache: string
  checkout: string
  /** The common parent of the checkout and the temp directory, written out. */
  cythonBase: string
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

const ARTIFACT = 'wheels-cp311-cp312-cp313-cp314'

const LINUX = {
  f: POSIX,
  temp: '/home/runner/work/_temp',
  cythonBase: '/home/runner/work',
  toolCache: '/opt/hostedtoolcache',
  checkout: '/home/runner/work/dipy-wheels/dipy-wheels/dipy',
  configSettings: ['compile-args=-v'],
  buildVars: {},
  pipCache: '/opt/hostedtoolcache/dipy-wheels-pip'
}
const MOUNTS = [
  '/home/runner/work/dipy-wheels/dipy-wheels',
  '/home/runner/work/_temp',
  '/opt/hostedtoolcache'
]

const inImage = (v: string): object => {
  const tag = `cp${v.replace('.', '')}`
  return {
    candidates: [`/opt/python/${tag}-${tag}/bin/python`],
    hint: `use an image with /opt/python/${tag}-${tag} (a PyPA manylinux image)`
  }
}
const setupPythonHint = (v: string): string =>
  `add an actions/setup-python step with python-version: '${v}' before this action`

const auditwheel =
  (policy?: string) =>
  (tools: string, repairDir: string): PlannedCommand => ({
    command: `${tools}/bin/auditwheel`,
    args: ['repair', ...(policy ? ['--plat', policy] : []), '-w', repairDir, WHEEL] as PlannedCommand['args'],
    env: { prepend: { PATH: [`${tools}/bin`] } }
  })

function containerTarget(arch: 'x86_64' | 'aarch64'): Target {
  const image = `quay.io/pypa/manylinux_2_28_${arch}`
  return {
    ...LINUX,
    label: `linux ${arch}, container auto`,
    host: runnerHost('linux', arch),
    inputs: {},
    envId: image,
    executor: { kind: 'container', envId: image, image, mounts: MOUNTS, passEnv: PASS_ENV },
    policy: `manylinux_2_28_${arch}`,
    arch,
    artifactName: `${ARTIFACT}-linux-${arch}`,
    interpreter: inImage,
    repair: auditwheel(`manylinux_2_28_${arch}`)
  }
}

function hostLinux(arch: 'x86_64' | 'aarch64'): Target {
  return {
    ...LINUX,
    label: `linux ${arch}, container off`,
    host: runnerHost('linux', arch),
    inputs: { container: 'off' },
    arch,
    artifactName: `${ARTIFACT}-linux-${arch}`,
    envId: `linux-${arch}`,
    executor: { kind: 'host', envId: `linux-${arch}` },
    interpreter: (v) => ({
      search: { toolCache: '/opt/hostedtoolcache', home: '/home/runner', arch },
      hint: `${setupPythonHint(v)}, or build in the manylinux container (container: auto), which has every supported CPython`
    }),
    // manylinux auto on the host: auditwheel picks the policy the wheel's symbols allow.
    repair: auditwheel(undefined)
  }
}

const customImage: Target = {
  ...LINUX,
  label: 'linux x86_64, a custom image',
  host: runnerHost('linux', 'x86_64'),
  inputs: { container: 'ghcr.io/me/manylinux2014_x86_64:2025' },
  arch: 'x86_64',
  artifactName: `${ARTIFACT}-linux-x86_64`,
  envId: 'ghcr.io/me/manylinux2014_x86_64:2025',
  executor: {
    kind: 'container',
    envId: 'ghcr.io/me/manylinux2014_x86_64:2025',
    image: 'ghcr.io/me/manylinux2014_x86_64:2025',
    mounts: MOUNTS,
    passEnv: PASS_ENV
  },
  // Not a PyPA default image: the image's AUDITWHEEL_PLAT decides (manylinux auto).
  interpreter: inImage,
  repair: auditwheel(undefined)
}

/** LLVM's OpenMP runtime as the action builds it on macOS: LLVM 19.1.7's openmp and cmake archives. */
const libompRecipe = (arch: string, target: string): object => ({
  name: 'libomp',
  version: '19.1.7',
  source: {
    kind: 'archive',
    location:
      'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/openmp-19.1.7.src.tar.xz',
    sha256: 'bd7e6901ab086fd268750363017935fd4a717c153dad3c2aab86cb0140d9e3fe'
  },
  companions: [
    {
      location:
        'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/cmake-19.1.7.src.tar.xz',
      sha256: '11c5a28f90053b0c43d0dec3d0ad579347fc277199c005206b963c19aae514e3',
      dir: 'cmake'
    }
  ],
  build: 'cmake',
  args: [
    '-DLIBOMP_INSTALL_ALIASES=OFF',
    '-DOPENMP_ENABLE_LIBOMPTARGET=OFF',
    '-DLIBOMP_OMPD_SUPPORT=OFF',
    '-DOPENMP_ENABLE_OMPT_TOOLS=OFF',
    '-DLIBOMP_ENABLE_SHARED=ON',
    `-DCMAKE_OSX_ARCHITECTURES=${arch}`,
    `-DCMAKE_OSX_DEPLOYMENT_TARGET=${target}`
  ],
  platforms: ['macos']
})

/** A macOS runner of `arch`, building for macos-deployment-target `target` (the input; 11.0 by default). */
function macTarget(arch: 'x86_64' | 'arm64', target = '11.0'): Target {
  const targetEnv = {
    MACOSX_DEPLOYMENT_TARGET: target,
    ARCHFLAGS: `-arch ${arch}`,
    CMAKE_OSX_ARCHITECTURES: arch
  }
  return {
    label: `macos ${arch}, deployment target ${target}`,
    // The deployment target is in the prefix's key: a prefix built for another macOS is never reused.
    depsKey: `macOS ${target}`,
    host: runnerHost('macos', arch),
    inputs: { macosDeploymentTarget: target },
    arch,
    artifactName: `${ARTIFACT}-macos-${arch}`,
    f: POSIX,
    temp: '/Users/runner/work/_temp',
    cythonBase: '/Users/runner/work',
    toolCache: '/Users/runner/hostedtoolcache',
    checkout: '/Users/runner/work/dipy-wheels/dipy-wheels/dipy',
    envId: `macos-${arch}`,
    executor: { kind: 'host', envId: `macos-${arch}` },
    configSettings: ['compile-args=-v'],
    buildVars: targetEnv,
    depsEnv: targetEnv,
    osPlan: {
      macos: {
        arch,
        deploymentTarget: target,
        libomp: { mode: 'auto', recipe: libompRecipe(arch, target) }
      }
    },
    pipCache: '/Users/runner/hostedtoolcache/dipy-wheels-pip',
    interpreter: (v) => ({
      search: { toolCache: '/Users/runner/hostedtoolcache', home: '/Users/runner', arch },
      hint: setupPythonHint(v)
    }),
    // delocate gets the same target: it refuses a bundled library built for a newer macOS.
    repair: (tools, repairDir) => ({
      command: `${tools}/bin/delocate-wheel`,
      args: ['--require-archs', arch, '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: { set: targetEnv }
    })
  }
}

const VSWHERE = 'C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe'

/**
 * A Windows runner (`runner`: AMD64 or ARM64) building for the architecture input `input` (empty: the
 * runner's). `arch`: the plan's arch, `wanted`: the setup-python arch, `tag`: the wheel's platform tag,
 * `vcvars`: vcvarsall's argument, `component`: the Visual Studio component vswhere requires.
 */
function windowsTarget(o: {
  runner: 'AMD64' | 'ARM64'
  input: string
  arch: string
  wanted: string
  tag: string
  vcvars: string
  component: string
  /** The meson machine file's kind: cross when the target is not the runner's arch. */
  meson: 'native' | 'cross'
}): Target {
  return {
    label: `windows ${o.runner} runner, architecture '${o.input}'`,
    host: runnerHost('windows', o.runner),
    inputs: { architecture: o.input },
    arch: o.arch,
    artifactName: `${ARTIFACT}-windows-${o.arch}`,
    f: WIN,
    temp: 'D:\\a\\_temp',
    cythonBase: 'D:\\a',
    toolCache: 'C:\\hostedtoolcache\\windows',
    checkout: 'D:\\a\\dipy-wheels\\dipy-wheels\\dipy',
    envId: `windows-${o.arch}`,
    executor: { kind: 'host', envId: `windows-${o.arch}` },
    // The MSVC environment is loaded for the target: no --vsenv (it would load the runner's 64-bit tools).
    configSettings: ['compile-args=-v'],
    buildVars: {},
    depsWindows: {
      arch: o.wanted,
      runnerArch: o.runner === 'ARM64' ? 'arm64' : 'x64',
      mesonFile: `D:\\a\\_temp\\dipy-wheels\\deps\\meson-${o.meson}-msvc-${o.wanted}.ini`
    },
    osPlan: {
      windows: {
        arch: o.wanted,
        wheelPlatform: o.tag,
        msvc: {
          runnerArch: o.runner === 'ARM64' ? 'arm64' : 'x64',
          vswhere: {
            command: VSWHERE,
            args: [
              '-latest',
              '-prerelease',
              '-products',
              '*',
              '-requires',
              o.component,
              '-property',
              'installationPath',
              '-utf8'
            ]
          },
          vcvarsArch: o.vcvars,
          script: 'D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd',
          capture: { command: 'cmd.exe', args: ['/d', '/c', 'D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd'] }
        }
      }
    },
    pipCache: 'C:\\hostedtoolcache\\windows\\dipy-wheels-pip',
    vsenvFallback: o.meson === 'native',
    interpreter: (v) => ({
      search: { toolCache: 'C:\\hostedtoolcache\\windows', home: 'C:\\Users\\runneradmin', arch: o.wanted },
      hint:
        `add an actions/setup-python step with python-version: '${v}' and architecture: ${o.wanted} ` +
        'before this action (windows-2025 carries x64 interpreters only; setup-python downloads x86 and arm64 ones)'
    }),
    repair: (tools, repairDir) => ({
      command: `${tools}\\Scripts\\delvewheel.exe`,
      args: ['repair', '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: {}
    })
  }
}

const X64_TOOLS = 'Microsoft.VisualStudio.Component.VC.Tools.x86.x64'
const ARM64_TOOLS = 'Microsoft.VisualStudio.Component.VC.Tools.ARM64'

const TARGETS: Target[] = [
  containerTarget('x86_64'),
  containerTarget('aarch64'),
  hostLinux('x86_64'),
  hostLinux('aarch64'),
  customImage,
  macTarget('x86_64'),
  macTarget('x86_64', '10.13'),
  macTarget('arm64'),
  macTarget('arm64', '14.0'),
  windowsTarget({
    runner: 'AMD64',
    input: '',
    arch: 'AMD64',
    wanted: 'x64',
    tag: 'win_amd64',
    vcvars: 'amd64',
    meson: 'native',
    component: X64_TOOLS
  }),
  windowsTarget({
    runner: 'AMD64',
    input: 'x86',
    arch: 'x86',
    wanted: 'x86',
    tag: 'win32',
    vcvars: 'amd64_x86',
    meson: 'cross',
    component: X64_TOOLS
  }),
  windowsTarget({
    runner: 'ARM64',
    input: '',
    arch: 'ARM64',
    wanted: 'arm64',
    tag: 'win_arm64',
    vcvars: 'arm64',
    meson: 'native',
    component: ARM64_TOOLS
  }),
  windowsTarget({
    runner: 'ARM64',
    input: 'x64',
    arch: 'AMD64',
    wanted: 'x64',
    tag: 'win_amd64',
    vcvars: 'arm64_amd64',
    meson: 'cross',
    component: X64_TOOLS
  })
]

/** The whole per-version plan, written out from the target's literal directories. */
function expectedPython(t: Target, v: string): PythonPlan {
  const { join, bin } = t.f
  const dir = join(t.temp, 'dipy-wheels', `py${v}`)
  const buildEnv = join(t.toolCache, 'dipy-wheels-buildenv', `${sha16(t.envId, TOOLS_TXT)}-py${v}`)
  const tools = join(t.toolCache, 'dipy-wheels-tools', sha16(TOOLS_TXT, t.envId))
  const build = (settings: string[]): PlannedCommand => ({
    command: BUILD_PYTHON,
    args: ['-m', 'build', '--wheel', '--no-isolation', '--outdir', join(dir, 'dist')]
      .concat(settings.map((s) => `-C${s}`))
      .concat(t.checkout),
    cwd: t.checkout,
    env: {
      set: { ...t.buildVars, PIP_CACHE_DIR: t.pipCache, VIRTUAL_ENV: buildEnv },
      prepend: { PATH: [join(buildEnv, bin)] }
    }
  })
  // The build, and on a native Windows target the same with meson's --vsenv last (the MSVC capture's fallback).
  const builds = (settings: string[]): object => ({
    build: build(settings),
    ...(t.vsenvFallback ? { vsenvBuild: build([...settings, 'setup-args=--vsenv']) } : {})
  })
  return {
    version: v,
    interpreter: t.interpreter(v),
    buildEnv: { dir: buildEnv, projectRequirements: true },
    distDir: join(dir, 'dist'),
    ...builds(t.configSettings),
    mesonpy: {
      ...builds([
        ...t.configSettings,
        `build-dir=${join(dir, 'meson-build')}`,
        `setup-args=--native-file=${join(dir, 'meson-build-cython.ini')}`
      ]),
      mesonBuildDir: join(dir, 'meson-build'),
      cythonCache: {
        dir: join(t.toolCache, 'dipy-wheels-cython'),
        basedir: t.cythonBase,
        script: join(t.temp, 'dipy-wheels', `cython-cache-${sha16(CYTHON_CACHE_PY)}.py`),
        nativeFile: join(dir, 'meson-build-cython.ini'),
        log: join(dir, 'meson-build-cython.log')
      }
    },
    repairDir: join(dir, 'repaired'),
    repair: t.repair(tools, join(dir, 'repaired')),
    test: testSteps(t.f, join(dir, 'test'), t.pipCache),
    testEarly: testEarly(t.f, join(dir, 'test'), t.pipCache),
    testDir: join(dir, 'test'),
    failedDir: join(dir, 'failed')
  } as PythonPlan
}

describe.each(TARGETS)('makePlan: $label', (t) => {
  const plan = makePlan(defaultInputs(t.host.platform, { ...t.inputs, pythonVersions: VERSIONS }), t.host)

  it('runs on its executor, with its policy and tools venv', () => {
    expect(plan.platform).toBe(t.host.platform)
    expect(plan.arch).toBe(t.arch)
    expect(plan.artifact.name).toBe(t.artifactName)
    expect(plan.macos).toEqual(t.osPlan?.macos)
    expect(plan.windows).toEqual(t.osPlan?.windows)
    expect(plan.testRequires).toEqual([])
    expect(plan.executor).toEqual(t.executor)
    expect(plan.manylinuxPolicy).toBe(t.policy)
    expect(plan.configSettings).toEqual(t.configSettings)
    expect(plan.toolCache).toBe(t.toolCache)
    expect(plan.tools.dir).toBe(t.f.join(t.toolCache, 'dipy-wheels-tools', sha16(TOOLS_TXT, t.envId)))
    expect(plan.compilerCache).toEqual({
      enabled: true,
      pipCache: t.pipCache,
      scratch: t.f.join(t.temp, 'dipy-wheels')
    })
    expect(plan.checkout).toEqual({
      repository: 'https://github.com/dipy/dipy.git',
      dir: t.checkout,
      ref: '1.12.1',
      refSource: 'input',
      workspace: t.checkout.slice(0, -'dipy'.length - 1)
    })
    expect(plan.dependencies).toEqual({
      recipes: [],
      cacheRoot: t.f.join(t.toolCache, 'dipy-wheels-deps'),
      workDir: t.f.join(t.temp, 'dipy-wheels', 'deps'),
      jobs: 4,
      ...(t.depsEnv ? { env: t.depsEnv } : {}),
      ...(t.depsKey ? { keyExtra: t.depsKey } : {}),
      ...(t.depsWindows ? { windows: t.depsWindows } : {})
    })
  })

  it.each(VERSIONS)('Python %s: find, build env, build, repair and test, exactly', (v) => {
    const py = plan.pythons.find((p) => p.version === v)
    expect(py).toEqual(expectedPython(t, v))
  })

  it('plans the versions in the order given', () => {
    expect(plan.pythons.map((p) => p.version)).toEqual(VERSIONS)
  })

  it("holds no path of the other flavour (a Windows path has no '/', a POSIX path no '\\')", () => {
    const paths = stringsIn({ ...plan, upload: undefined, checkout: { ...plan.checkout, repository: '' } })
      .filter((s) => (t.f === WIN ? /^[A-Z]:\\/.test(s) : s.startsWith('/')))
      .filter((s) => !s.includes('\n'))
    expect(paths.length).toBeGreaterThan(40)
    for (const p of paths) expect(p).not.toContain(t.f === WIN ? '/' : '\\')
  })
})

describe('makePlan: the manylinux input', () => {
  const linux = runnerHost('linux', 'x86_64')
  const plan = (over: Partial<ActionInputs>) => makePlan(defaultInputs('linux', over), linux)

  it('container auto follows the policy: the image and auditwheel --plat agree', () => {
    const p = plan({ manylinux: '2014' })
    expect(p.executor).toMatchObject({ image: 'quay.io/pypa/manylinux2014_x86_64' })
    expect(p.manylinuxPolicy).toBe('manylinux2014_x86_64')
    expect(p.pythons[0].repair.args.slice(0, 3)).toEqual(['repair', '--plat', 'manylinux2014_x86_64'])
    const p34 = plan({ manylinux: '2_34' })
    expect(p34.executor).toMatchObject({ image: 'quay.io/pypa/manylinux_2_34_x86_64' })
    expect(p34.manylinuxPolicy).toBe('manylinux_2_34_x86_64')
  })

  it('on the host a named policy is passed to auditwheel; auto leaves it to auditwheel', () => {
    expect(plan({ container: 'off', manylinux: '2_28' }).pythons[0].repair.args).toEqual([
      'repair',
      '--plat',
      'manylinux_2_28_x86_64',
      '-w',
      '/home/runner/work/_temp/dipy-wheels/py3.12/repaired',
      WHEEL
    ])
    expect(plan({ container: 'off' }).manylinuxPolicy).toBeUndefined()
  })

  it('a custom image with a named policy passes the policy', () => {
    const p = plan({ container: 'ghcr.io/me/img:1', manylinux: '2_28' })
    expect(p.manylinuxPolicy).toBe('manylinux_2_28_x86_64')
  })

  it('macOS and Windows have no policy whatever the input says', () => {
    expect(
      makePlan(defaultInputs('macos', { manylinux: '2_28' }), runnerHost('macos', 'arm64')).manylinuxPolicy
    ).toBeUndefined()
    expect(
      makePlan(defaultInputs('windows', { manylinux: '2_28' }), runnerHost('windows', 'AMD64'))
        .manylinuxPolicy
    ).toBeUndefined()
  })

  it('container auto is ignored off Linux: macOS and Windows build on the runner', () => {
    expect(makePlan(defaultInputs('macos'), runnerHost('macos', 'arm64')).executor).toEqual({
      kind: 'host',
      envId: 'macos-arm64'
    })
  })
})
