/**
 * The dependency prefix in the plan: once resolved (the prefix the run built, the flags it found), every
 * build and repair command carries the prefix's variables as it runs, and `plan` prints them. The expected
 * variables are written out from what each tool reads: pkg-config's PKG_CONFIG_PATH, CMake's
 * CMAKE_PREFIX_PATH, the compilers' -I/-L flags (MSVC's LIB and INCLUDE), and the loader's search path the
 * repair tool follows (auditwheel: LD_LIBRARY_PATH, delocate: DYLD_LIBRARY_PATH, delvewheel: PATH).
 */
import { describe, expect, it } from 'vitest'
import type { PlannedCommand } from '../../src/command.js'
import { resolveDependencies } from '../../src/plan/dependencies.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const ZLIB = [
  '- name: zlib',
  '  version: 1.3.1',
  '  source: https://zlib.net/zlib-1.3.1.tar.gz',
  `  sha256: ${'a'.repeat(64)}`,
  '  build: cmake'
].join('\n')

const pick = (c: PlannedCommand, names: string[]) => ({
  set: Object.fromEntries(names.flatMap((n) => (c.env?.set?.[n] ? [[n, c.env.set[n]]] : []))),
  prepend: Object.fromEntries(names.flatMap((n) => (c.env?.prepend?.[n] ? [[n, c.env.prepend[n]]] : [])))
})

const POSIX_VARS = [
  'PKG_CONFIG_PATH',
  'CMAKE_PREFIX_PATH',
  'CPPFLAGS',
  'CFLAGS',
  'CXXFLAGS',
  'LDFLAGS',
  'LD_LIBRARY_PATH'
]

describe('Linux, a host build with one recipe', () => {
  const plan = makePlan(
    defaultInputs('linux', { dependencies: ZLIB, container: 'off', compilerCache: false }),
    runnerHost('linux', 'x86_64')
  )
  const P = '/opt/hostedtoolcache/dipy-wheels-deps/0123abcd/prefix'
  const resolved = resolveDependencies(plan, { prefix: P, env: { CFLAGS: '-O2 -g' } })
  const py = resolved.pythons[0]

  it('before resolution no command names a prefix, and the plan has none', () => {
    expect(plan.dependencies.prefix).toBeUndefined()
    expect(JSON.stringify(plan.pythons)).not.toContain('dipy-wheels-deps')
  })

  it('the build carries the prefix: path lists put first, the flags in front of the ones found', () => {
    expect(resolved.dependencies.prefix).toBe(P)
    expect(pick(py.build, POSIX_VARS)).toEqual({
      set: {
        CPPFLAGS: `-I${P}/include`,
        CFLAGS: `-I${P}/include -O2 -g`,
        CXXFLAGS: `-I${P}/include`,
        LDFLAGS: `-L${P}/lib`
      },
      prepend: {
        PKG_CONFIG_PATH: [`${P}/lib/pkgconfig`, `${P}/share/pkgconfig`],
        CMAKE_PREFIX_PATH: [P],
        LD_LIBRARY_PATH: [`${P}/lib`, `${P}/lib64`]
      }
    })
    // The build env's bin first (its python and meson), the prefix's programs after it.
    expect(py.build.env?.prepend?.PATH).toEqual([
      '/opt/hostedtoolcache/dipy-wheels-build/' + py.buildEnv.dir.split('/').pop() + '/bin',
      `${P}/bin`
    ])
  })

  it("the repair finds the prefix's libraries on LD_LIBRARY_PATH, after patchelf's PATH", () => {
    expect(py.repair.env).toEqual({
      set: {},
      prepend: { PATH: [py.repair.env?.prepend?.PATH?.[0]], LD_LIBRARY_PATH: [`${P}/lib`, `${P}/lib64`] },
      unset: []
    })
    expect(py.repair.env?.prepend?.PATH?.[0]).toMatch(/^\/opt\/hostedtoolcache\/dipy-wheels-tools\/\w+\/bin$/)
  })

  it('the test never sees the prefix (it checks the repaired wheel alone)', () => {
    expect(py.test).toEqual(plan.pythons[0].test)
    expect(JSON.stringify(py.test)).not.toContain(P)
  })

  it('without recipes the commands are unchanged', () => {
    const none = resolveDependencies(plan, { prefix: '', env: {} })
    expect(none.pythons).toEqual(plan.pythons)
    expect(none.dependencies.prefix).toBe('')
  })

  it('`plan` prints the build and the repair with the prefix at <key> and the flags found as $CFLAGS', () => {
    const text = renderPlan(plan)
    const K = '/opt/hostedtoolcache/dipy-wheels-deps/<key>/prefix'
    const build = text.split('\n').find((l) => l.startsWith('  build:'))
    expect(build).toContain(`PKG_CONFIG_PATH='${K}/lib/pkgconfig:${K}/share/pkgconfig:$PKG_CONFIG_PATH'`)
    expect(build).toContain(`CFLAGS='-I${K}/include $CFLAGS'`)
    expect(build).toContain(`LDFLAGS='-L${K}/lib $LDFLAGS'`)
    const repair = text.split('\n').find((l) => l.startsWith('  repair:'))
    expect(repair).toContain(`LD_LIBRARY_PATH='${K}/lib:${K}/lib64:$LD_LIBRARY_PATH'`)
  })
})

describe('macOS, one recipe', () => {
  const plan = makePlan(
    defaultInputs('macos', { dependencies: ZLIB, compilerCache: false }),
    runnerHost('macos', 'arm64')
  )
  const P = '/Users/runner/hostedtoolcache/dipy-wheels-deps/0123abcd/prefix'
  const py = resolveDependencies(plan, { prefix: P, env: {} }).pythons[0]

  it('delocate finds the libraries on DYLD_LIBRARY_PATH, with the deployment target it already had', () => {
    expect(py.repair.env).toEqual({
      set: { MACOSX_DEPLOYMENT_TARGET: '11.0', ARCHFLAGS: '-arch arm64', CMAKE_OSX_ARCHITECTURES: 'arm64' },
      prepend: { DYLD_LIBRARY_PATH: [`${P}/lib`] },
      unset: []
    })
    expect(pick(py.build, ['DYLD_LIBRARY_PATH', 'LDFLAGS'])).toEqual({
      set: { LDFLAGS: `-L${P}/lib` },
      prepend: { DYLD_LIBRARY_PATH: [`${P}/lib`] }
    })
  })
})

describe('Windows, one recipe', () => {
  const plan = makePlan(
    defaultInputs('windows', { dependencies: ZLIB, compilerCache: false }),
    runnerHost('windows', 'AMD64')
  )
  const P = 'C:\\hostedtoolcache\\windows\\dipy-wheels-deps\\0123abcd\\prefix'
  const resolved = resolveDependencies(plan, { prefix: P, env: { Cflags: '/O2' } })
  const py = resolved.pythons[0]
  const VARS = ['PKG_CONFIG_PATH', 'CMAKE_PREFIX_PATH', 'CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'LIB', 'INCLUDE']

  it("MSVC's LIB and INCLUDE get the prefix, the found Cflags follow the prefix's -I (the runner applies CFLAGS to Cflags)", () => {
    expect(pick(py.build, VARS)).toEqual({
      set: { CPPFLAGS: `-I${P}\\include`, CFLAGS: `-I${P}\\include /O2`, CXXFLAGS: `-I${P}\\include` },
      prepend: {
        PKG_CONFIG_PATH: [`${P}\\lib\\pkgconfig`, `${P}\\share\\pkgconfig`],
        CMAKE_PREFIX_PATH: [P],
        LIB: [`${P}\\lib`],
        INCLUDE: [`${P}\\include`]
      }
    })
  })

  it('the --vsenv build carries the same prefix, and delvewheel finds the DLLs on PATH (bin only)', () => {
    expect(py.vsenvBuild?.env?.prepend?.LIB).toEqual([`${P}\\lib`])
    expect(py.repair.env).toEqual({ set: {}, prepend: { PATH: [`${P}\\bin`] }, unset: [] })
  })
})
