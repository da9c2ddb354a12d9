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
  defaultInputs,
  runnerHost,
  sha16,
  SMOKE_TEST,
  stringsIn,
  TOOLS_TXT
} from '../harness/plan-fixtures.js'

const VERSIONS = ['3.11', '3.12', '3.13', '3.14']
const PYTHON = { slot: 'python' }
const BUILD_PYTHON = { slot: 'buildPython' }
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

interface Target {
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
}

const LINUX = {
  f: POSIX,
  temp: '/home/runner/work/_temp',
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

function macTarget(arch: 'x86_64' | 'arm64'): Target {
  return {
    label: `macos ${arch}`,
    host: runnerHost('macos', arch),
    inputs: {},
    f: POSIX,
    temp: '/Users/runner/work/_temp',
    toolCache: '/Users/runner/hostedtoolcache',
    checkout: '/Users/runner/work/dipy-wheels/dipy-wheels/dipy',
    envId: `macos-${arch}`,
    executor: { kind: 'host', envId: `macos-${arch}` },
    configSettings: ['compile-args=-v'],
    buildVars: {
      MACOSX_DEPLOYMENT_TARGET: arch === 'arm64' ? '11.0' : '10.9',
      ARCHFLAGS: `-arch ${arch}`
    },
    pipCache: '/Users/runner/hostedtoolcache/dipy-wheels-pip',
    interpreter: (v) => ({
      search: { toolCache: '/Users/runner/hostedtoolcache', home: '/Users/runner', arch },
      hint: setupPythonHint(v)
    }),
    repair: (tools, repairDir) => ({
      command: `${tools}/bin/delocate-wheel`,
      args: ['--require-archs', arch, '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: {}
    })
  }
}

function windowsTarget(arch: 'AMD64' | 'x86' | 'ARM64'): Target {
  return {
    label: `windows ${arch}`,
    host: runnerHost('windows', arch),
    inputs: {},
    f: WIN,
    temp: 'D:\\a\\_temp',
    toolCache: 'C:\\hostedtoolcache\\windows',
    checkout: 'D:\\a\\dipy-wheels\\dipy-wheels\\dipy',
    envId: `windows-${arch}`,
    executor: { kind: 'host', envId: `windows-${arch}` },
    configSettings: ['compile-args=-v', 'setup-args=--vsenv'],
    buildVars: {},
    pipCache: 'C:\\hostedtoolcache\\windows\\dipy-wheels-pip',
    interpreter: (v) => ({
      search: { toolCache: 'C:\\hostedtoolcache\\windows', home: 'C:\\Users\\runneradmin', arch },
      hint: setupPythonHint(v)
    }),
    repair: (tools, repairDir) => ({
      command: `${tools}\\Scripts\\delvewheel.exe`,
      args: ['repair', '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: {}
    })
  }
}

const TARGETS: Target[] = [
  containerTarget('x86_64'),
  containerTarget('aarch64'),
  hostLinux('x86_64'),
  hostLinux('aarch64'),
  customImage,
  macTarget('x86_64'),
  macTarget('arm64'),
  windowsTarget('AMD64'),
  windowsTarget('x86'),
  windowsTarget('ARM64')
]

/** The whole per-version plan, written out from the target's literal directories. */
function expectedPython(t: Target, v: string): PythonPlan {
  const { join, bin } = t.f
  const dir = join(t.temp, 'dipy-wheels', `py${v}`)
  const buildEnv = join(t.toolCache, 'dipy-wheels-buildenv', `${sha16(t.envId, TOOLS_TXT)}-py${v}`)
  const tools = join(t.toolCache, 'dipy-wheels-tools', sha16(TOOLS_TXT, t.envId))
  return {
    version: v,
    interpreter: t.interpreter(v),
    buildEnv: { dir: buildEnv, projectRequirements: true },
    mesonBuildDir: join(dir, 'meson-build'),
    distDir: join(dir, 'dist'),
    build: {
      command: BUILD_PYTHON,
      args: [
        '-m',
        'build',
        '--wheel',
        '--no-isolation',
        '--outdir',
        join(dir, 'dist'),
        ...t.configSettings.map((s) => `-C${s}`),
        t.checkout
      ],
      cwd: t.checkout,
      env: {
        set: { ...t.buildVars, PIP_CACHE_DIR: t.pipCache, VIRTUAL_ENV: buildEnv },
        prepend: { PATH: [join(buildEnv, bin)] }
      }
    },
    repairDir: join(dir, 'repaired'),
    repair: t.repair(tools, join(dir, 'repaired')),
    test: testSteps(t.f, join(dir, 'test'), t.pipCache),
    testDir: join(dir, 'test'),
    failedDir: join(dir, 'failed')
  } as PythonPlan
}

describe.each(TARGETS)('makePlan: $label', (t) => {
  const plan = makePlan(defaultInputs(t.host.platform, { ...t.inputs, pythonVersions: VERSIONS }), t.host)

  it('runs on its executor, with its policy and tools venv', () => {
    expect(plan.platform).toBe(t.host.platform)
    expect(plan.arch).toBe(t.host.arch)
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
      jobs: 4
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
