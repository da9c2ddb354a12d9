import { platformModule } from '../../src/platforms/index.js'
import { describe, expect, it } from 'vitest'
import { cacheKey, planRecipeSteps, prefixEnv } from '../../src/dependencies/plan.js'
import type { Recipe } from '../../src/dependencies/recipes.js'

const SHA = 'cd'.repeat(32)
const layout = { prefix: '/deps/prefix', buildRoot: '/tmp/deps/build', srcRoot: '/tmp/deps/src' }
const recipe = (over: Partial<Recipe> = {}): Recipe => ({
  name: 'zlib',
  version: '1.3.1',
  source: { kind: 'archive', location: 'https://zlib.net/zlib-1.3.1.tar.gz', sha256: SHA },
  build: 'cmake',
  args: ['-DZLIB_BUILD_EXAMPLES=OFF'],
  ...over
})
const SRC = '/tmp/deps/src/zlib/zlib-1.3.1'

/** The commands of a recipe, without their step names and the prefix's variables (tested on their own below). */
const planRecipeBuild = (
  recipe: Recipe,
  src: string,
  at: typeof layout,
  platform: Parameters<typeof planRecipeSteps>[3],
  jobs: number
) =>
  planRecipeSteps(recipe, src, at, platform, jobs, undefined, {}).map((s) => {
    const { env, ...command } = s.command
    const own = Object.fromEntries(Object.entries(env ?? {}).filter(([k]) => !PREFIX_VARS.includes(k)))
    return Object.keys(own).length ? { ...command, env: own } : command
  })

/** The variables a prefix sets on any OS. */
const PREFIX_VARS = [
  ...['PKG_CONFIG_PATH', 'CMAKE_PREFIX_PATH', 'CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS', 'PATH'],
  ...['LD_LIBRARY_PATH', 'DYLD_LIBRARY_PATH', 'LIB', 'INCLUDE']
]

/** What every Linux step adds for the prefix, over the environment the run found (written out by hand). */
const PREFIX_ENV: Record<string, string> = {
  PKG_CONFIG_PATH: '/deps/prefix/lib/pkgconfig:/deps/prefix/share/pkgconfig:/usr/lib/pkgconfig',
  CMAKE_PREFIX_PATH: '/deps/prefix',
  CPPFLAGS: '-I/deps/prefix/include',
  CFLAGS: '-I/deps/prefix/include -O2',
  CXXFLAGS: '-I/deps/prefix/include',
  LDFLAGS: '-L/deps/prefix/lib',
  PATH: '/deps/prefix/bin:/usr/bin',
  LD_LIBRARY_PATH: '/deps/prefix/lib:/deps/prefix/lib64'
}

describe('planRecipeSteps', () => {
  it("every step carries the prefix's variables over the run's, so later recipes find earlier ones", () => {
    const base = { CFLAGS: '-O2', PATH: '/usr/bin', PKG_CONFIG_PATH: '/usr/lib/pkgconfig', HOME: '/root' }
    for (const build of ['cmake', 'autotools', 'meson', 'script'] as const) {
      const steps = planRecipeSteps(
        recipe({ build, script: 'make' }),
        SRC,
        layout,
        'linux',
        2,
        undefined,
        base
      )
      expect(steps.length).toBeGreaterThan(0)
      for (const s of steps) expect(s.command.env, `${build} ${s.step}`).toMatchObject(PREFIX_ENV)
    }
  })
})

describe('planRecipeBuild', () => {
  it('cmake: configures out of tree into the prefix with lib as libdir, builds in parallel, installs', () => {
    expect(planRecipeBuild(recipe(), SRC, layout, 'linux', 4)).toEqual([
      {
        command: 'cmake',
        args: [
          '-S',
          SRC,
          '-B',
          '/tmp/deps/build/zlib',
          '-DCMAKE_INSTALL_PREFIX=/deps/prefix',
          '-DCMAKE_BUILD_TYPE=Release',
          '-DCMAKE_INSTALL_LIBDIR=lib',
          '-DCMAKE_PREFIX_PATH=/deps/prefix',
          '-DZLIB_BUILD_EXAMPLES=OFF'
        ]
      },
      {
        command: 'cmake',
        args: ['--build', '/tmp/deps/build/zlib', '--config', 'Release', '--parallel', '4']
      },
      { command: 'cmake', args: ['--install', '/tmp/deps/build/zlib', '--config', 'Release'] }
    ])
  })

  it('cmake on macOS gives libraries absolute install names so delocate finds them', () => {
    const [configure] = planRecipeBuild(recipe(), SRC, layout, 'macos', 2)
    expect(configure.args).toContain('-DCMAKE_INSTALL_NAME_DIR=/deps/prefix/lib')
    expect(configure.args.at(-1)).toBe('-DZLIB_BUILD_EXAMPLES=OFF')
  })

  it('cmake on Windows joins paths with backslashes', () => {
    const win = { prefix: 'D:\\deps\\prefix', buildRoot: 'D:\\t\\build', srcRoot: 'D:\\t\\src' }
    const [configure, build] = planRecipeBuild(recipe(), 'D:\\t\\src\\zlib', win, 'windows', 2)
    expect(configure.args.slice(0, 5)).toEqual([
      '-S',
      'D:\\t\\src\\zlib',
      '-B',
      'D:\\t\\build\\zlib',
      '-DCMAKE_INSTALL_PREFIX=D:\\deps\\prefix'
    ])
    expect(build.args).toEqual(['--build', 'D:\\t\\build\\zlib', '--config', 'Release', '--parallel', '2'])
  })

  it('autotools: runs configure from the build directory, then make -jN and make install', () => {
    expect(
      planRecipeBuild(recipe({ build: 'autotools', args: ['--disable-static'] }), SRC, layout, 'linux', 3)
    ).toEqual([
      {
        command: `${SRC}/configure`,
        args: ['--prefix=/deps/prefix', '--libdir=/deps/prefix/lib', '--disable-static'],
        cwd: '/tmp/deps/build/zlib'
      },
      { command: 'make', args: ['-j3'], cwd: '/tmp/deps/build/zlib' },
      { command: 'make', args: ['install'], cwd: '/tmp/deps/build/zlib' }
    ])
  })

  it('autotools on Windows runs configure through bash', () => {
    const [configure] = planRecipeBuild(
      recipe({ build: 'autotools', args: [] }),
      'C:\\s',
      layout,
      'windows',
      1
    )
    expect(configure.command).toBe('bash')
    expect(configure.args[0]).toBe('C:/s/configure')
  })

  it('meson: setup, compile and install with the prefix and lib as libdir', () => {
    expect(
      planRecipeBuild(recipe({ build: 'meson', args: ['-Dtests=false'] }), SRC, layout, 'macos', 8)
    ).toEqual([
      {
        command: 'meson',
        args: [
          'setup',
          '/tmp/deps/build/zlib',
          SRC,
          '--prefix=/deps/prefix',
          '--libdir=lib',
          '--buildtype=release',
          '-Dtests=false'
        ]
      },
      { command: 'meson', args: ['compile', '-C', '/tmp/deps/build/zlib', '-j', '8'] },
      { command: 'meson', args: ['install', '-C', '/tmp/deps/build/zlib'] }
    ])
  })

  it('script: runs under bash -euo pipefail in the source dir with PREFIX, SRC_DIR and BUILD_DIR', () => {
    const script = 'make install PREFIX="$PREFIX"'
    expect(planRecipeBuild(recipe({ build: 'script', script, args: [] }), SRC, layout, 'linux', 2)).toEqual([
      {
        command: 'bash',
        args: ['-euo', 'pipefail', '-c', script],
        cwd: SRC,
        env: { PREFIX: '/deps/prefix', SRC_DIR: SRC, BUILD_DIR: '/tmp/deps/build/zlib', JOBS: '2' }
      }
    ])
    const [withArgs] = planRecipeBuild(
      recipe({ build: 'script', script, args: ['a b'] }),
      SRC,
      layout,
      'linux',
      2
    )
    expect(withArgs.args).toEqual(['-euo', 'pipefail', '-c', script, 'zlib', 'a b'])
  })

  it('names each step for error messages', () => {
    expect(planRecipeSteps(recipe(), SRC, layout, 'linux', 1, undefined, {}).map((s) => s.step)).toEqual([
      'configure',
      'build',
      'install'
    ])
  })
})

describe('prefixEnv', () => {
  it('Linux: pkg-config, CMake, flags, PATH and LD_LIBRARY_PATH, prepended to what is set', () => {
    expect(
      prefixEnv('/p', 'linux', { PATH: '/usr/bin', PKG_CONFIG_PATH: '/usr/lib/pkgconfig', CFLAGS: '-O2' })
    ).toEqual({
      PKG_CONFIG_PATH: '/p/lib/pkgconfig:/p/share/pkgconfig:/usr/lib/pkgconfig',
      CMAKE_PREFIX_PATH: '/p',
      CPPFLAGS: '-I/p/include',
      CFLAGS: '-I/p/include -O2',
      CXXFLAGS: '-I/p/include',
      LDFLAGS: '-L/p/lib',
      PATH: '/p/bin:/usr/bin',
      // The platform module's library path (a script recipe may install into lib64).
      LD_LIBRARY_PATH: '/p/lib:/p/lib64'
    })
  })

  it('macOS: DYLD_LIBRARY_PATH for delocate', () => {
    const env = prefixEnv('/p', 'macos', { DYLD_LIBRARY_PATH: '/opt/lib' })
    expect(env.DYLD_LIBRARY_PATH).toBe('/p/lib:/opt/lib')
    expect(env.LD_LIBRARY_PATH).toBeUndefined()
  })

  it('Windows: PATH (as the base spells it) for delvewheel, LIB and INCLUDE for MSVC, ; separators', () => {
    const env = prefixEnv('C:\\p', 'windows', { Path: 'C:\\Windows', LIB: 'C:\\VC\\lib' })
    // DLLs are installed into bin (CMake's RUNTIME destination, meson's bindir, libtool); lib holds the import
    // libraries, which neither the DLL loader nor delvewheel reads: the same PATH as windows.libraryEnv.
    expect(env.Path).toBe('C:\\p\\bin;C:\\Windows')
    expect(env.Path).toBe(
      `${platformModule('windows').libraryEnv('C:\\p').prepend!.PATH!.join(';')};C:\\Windows`
    )
    expect(env.PATH).toBeUndefined()
    expect(env.LIB).toBe('C:\\p\\lib;C:\\VC\\lib')
    expect(env.INCLUDE).toBe('C:\\p\\include')
    expect(env.PKG_CONFIG_PATH).toBe('C:\\p\\lib\\pkgconfig;C:\\p\\share\\pkgconfig')
    expect(env.LDFLAGS).toBeUndefined()
  })
})

describe('cacheKey', () => {
  const facts = { platform: 'linux' as const, arch: 'x86_64', compiler: 'gcc (GCC) 14.2.1' }
  const key = cacheKey([recipe()], facts)

  it('is a sha256, stable for the same recipes and facts', () => {
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(cacheKey([recipe()], { ...facts })).toBe(key)
    const wider = { ...facts, cacheRoot: '/elsewhere', baseEnv: { PATH: '/x' } }
    expect(cacheKey([recipe()], wider)).toBe(key)
  })

  it.each([
    ['version', [recipe({ version: '1.3.2' })]],
    ['args', [recipe({ args: [] })]],
    ['build system', [recipe({ build: 'meson' })]],
    ['sha256', [recipe({ source: { kind: 'archive', location: 'x', sha256: 'ef'.repeat(32) } })]],
    ['another recipe', [recipe(), recipe({ name: 'png' })]]
  ])('changes when the recipes change: %s', (_what, recipes) => {
    expect(cacheKey(recipes, facts)).not.toBe(key)
  })

  it('changes with the OS, the architecture and the compiler', () => {
    expect(cacheKey([recipe()], { ...facts, platform: 'macos' })).not.toBe(key)
    expect(cacheKey([recipe()], { ...facts, arch: 'aarch64' })).not.toBe(key)
    expect(cacheKey([recipe()], { ...facts, compiler: 'gcc (GCC) 15.1.0' })).not.toBe(key)
  })

  it('counts an archive by its sha256, not by where it is fetched from', () => {
    const mirror = recipe({ source: { kind: 'archive', location: 'https://mirror/zlib.tgz', sha256: SHA } })
    expect(cacheKey([mirror], facts)).toBe(key)
  })

  it('depends on the order of the recipes (later ones build against earlier ones)', () => {
    const png = recipe({ name: 'png' })
    expect(cacheKey([recipe(), png], facts)).not.toBe(cacheKey([png, recipe()], facts))
  })
})
