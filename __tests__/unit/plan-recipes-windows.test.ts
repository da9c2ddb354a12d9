/**
 * The recipe commands of Windows plans: every configure step names the wheel's arch, never the runner's
 * (cmake's Visual Studio platform -A and host toolset -T; meson's cross file for a foreign target, native
 * file for the runner's own). Expected commands are written out from CMake's and meson's documentation.
 */
import { describe, expect, it } from 'vitest'
import { windowsMesonFile } from '../../src/platforms/windows-target.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { plannedRecipes } from '../../src/plan/recipe-steps.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const RECIPES = [
  '- name: zlib',
  '  version: 1.3.1',
  '  source: https://zlib.net/zlib-1.3.1.tar.gz',
  `  sha256: ${'a'.repeat(64)}`,
  '  build: cmake',
  '  args: [-DZLIB_BUILD_EXAMPLES=OFF]',
  '- name: pixman',
  '  version: 0.44.2',
  '  source: https://example.org/pixman-0.44.2.tar.gz',
  `  sha256: ${'b'.repeat(64)}`,
  '  build: meson',
  '  args: [-Dtests=disabled]'
].join('\n')

const DEPS = 'D:\\a\\_temp\\dipy-wheels\\deps'
const PREFIX = 'C:\\hostedtoolcache\\windows\\dipy-wheels-deps\\<key>\\prefix'

const CASES = [
  {
    label: 'x64 on an x64 runner',
    runner: 'AMD64',
    input: '',
    cmake: 'x64',
    host: 'x64',
    meson: 'native-msvc-x64'
  },
  {
    label: 'x86 on an x64 runner',
    runner: 'AMD64',
    input: 'x86',
    cmake: 'Win32',
    host: 'x64',
    meson: 'cross-msvc-x86'
  },
  {
    label: 'x64 on an arm64 runner',
    runner: 'ARM64',
    input: 'x64',
    cmake: 'x64',
    host: 'ARM64',
    meson: 'cross-msvc-x64'
  },
  {
    label: 'arm64 on an arm64 runner',
    runner: 'ARM64',
    input: '',
    cmake: 'ARM64',
    host: 'ARM64',
    meson: 'native-msvc-arm64'
  }
] as const

/** The prefix's variables every step carries, over the run's (printed as $NAME): written out by hand. */
const PREFIX_ENV = {
  PKG_CONFIG_PATH: `${PREFIX}\\lib\\pkgconfig;${PREFIX}\\share\\pkgconfig;$PKG_CONFIG_PATH`,
  CMAKE_PREFIX_PATH: `${PREFIX};$CMAKE_PREFIX_PATH`,
  CPPFLAGS: `-I${PREFIX}\\include $CPPFLAGS`,
  CFLAGS: `-I${PREFIX}\\include $CFLAGS`,
  CXXFLAGS: `-I${PREFIX}\\include $CXXFLAGS`,
  LIB: `${PREFIX}\\lib;$LIB`,
  INCLUDE: `${PREFIX}\\include;$INCLUDE`,
  PATH: `${PREFIX}\\bin;$PATH`
}

describe.each(CASES)('Windows recipes, $label', (c) => {
  const plan = makePlan(
    defaultInputs('windows', { dependencies: RECIPES, architecture: c.input }),
    runnerHost('windows', c.runner)
  )
  const [zlib, pixman] = plannedRecipes(plan)
  const kind = c.meson.startsWith('cross') ? 'cross' : 'native'
  const mesonFile = `${DEPS}\\meson-${c.meson}.ini`

  it('cmake configures for the target platform with the runner-hosted tools, generator variables removed', () => {
    expect(zlib.steps[0]).toEqual({
      step: 'configure',
      command: {
        command: 'cmake',
        args: [
          '-S',
          `${DEPS}\\src\\zlib\\source`,
          '-B',
          `${DEPS}\\build\\zlib`,
          '-A',
          c.cmake,
          '-T',
          `host=${c.host}`,
          `-DCMAKE_INSTALL_PREFIX=${PREFIX}`,
          '-DCMAKE_BUILD_TYPE=Release',
          '-DCMAKE_INSTALL_LIBDIR=lib',
          `-DCMAKE_PREFIX_PATH=${PREFIX}`,
          '-DZLIB_BUILD_EXAMPLES=OFF'
        ],
        env: {
          ...PREFIX_ENV,
          CMAKE_GENERATOR: undefined,
          CMAKE_GENERATOR_PLATFORM: undefined,
          CMAKE_GENERATOR_TOOLSET: undefined
        }
      }
    })
  })

  it(`meson sets up with the ${kind} file of the target`, () => {
    expect(pixman.steps[0]).toEqual({
      step: 'configure',
      command: {
        command: 'meson',
        args: [
          'setup',
          `${DEPS}\\build\\pixman`,
          `${DEPS}\\src\\pixman\\source`,
          `--prefix=${PREFIX}`,
          '--libdir=lib',
          '--buildtype=release',
          `--${kind}-file=${mesonFile}`,
          '-Dtests=disabled'
        ],
        env: PREFIX_ENV
      }
    })
    expect(plan.dependencies.windows?.mesonFile).toBe(mesonFile)
  })

  it('the printed plan shows both configure steps with the target', () => {
    const text = renderPlan(plan)
    expect(text).toContain(`  zlib configure: cmake -S '${DEPS}\\src\\zlib\\source'`)
    expect(text).toMatch(new RegExp(`zlib configure: .* -A ${c.cmake} -T host=${c.host} `))
    expect(text).toContain(`--${kind}-file=`)
    expect(text).toContain(`meson-${c.meson}.ini`)
  })
})

describe('the meson machine file', () => {
  const plan = (runner: string, input: string) =>
    makePlan(
      defaultInputs('windows', { dependencies: RECIPES, architecture: input }),
      runnerHost('windows', runner)
    )

  it('x86 on x64: a cross file whose host machine is 32-bit x86, run without a wrapper, compiled by cl', () => {
    expect(windowsMesonFile(plan('AMD64', 'x86').dependencies.windows!)).toBe(
      [
        '[binaries]',
        "c = 'cl'",
        "cpp = 'cl'",
        '',
        '[host_machine]',
        "system = 'windows'",
        "cpu_family = 'x86'",
        "cpu = 'x86'",
        "endian = 'little'",
        '',
        '[properties]',
        'needs_exe_wrapper = false',
        ''
      ].join('\n')
    )
  })

  it('x64 on arm64: the host machine is x86_64', () => {
    expect(windowsMesonFile(plan('ARM64', 'x64').dependencies.windows!)).toContain("cpu_family = 'x86_64'\n")
  })

  it("the runner's own arch: a native file naming cl only", () => {
    expect(windowsMesonFile(plan('AMD64', '').dependencies.windows!)).toBe(
      "[binaries]\nc = 'cl'\ncpp = 'cl'\n"
    )
  })
})

describe('recipes off Windows', () => {
  it('carry no Windows target and no -A', () => {
    const plan = makePlan(defaultInputs('macos', { dependencies: RECIPES }), runnerHost('macos', 'arm64'))
    expect(plan.dependencies.windows).toBeUndefined()
    expect(plannedRecipes(plan)[0].steps[0].command.args).not.toContain('-A')
  })
})
