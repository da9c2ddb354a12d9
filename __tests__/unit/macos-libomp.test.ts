import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  libompRecipe,
  mentionsOpenMP,
  parseLibompMode,
  planLibompLink,
  projectOpenMPFile,
  wantLibomp
} from '../../src/platforms/macos-libomp.js'
import { cacheKey, planRecipeSteps } from '../../src/dependencies/plan.js'
import { parseRecipes } from '../../src/dependencies/recipes.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('built-in libomp recipe', () => {
  it("builds LLVM 19.1.7's openmp archive, its cmake archive beside it, for the arch and deployment target", () => {
    const r = libompRecipe('arm64', '11.0')
    // The release assets of llvmorg-19.1.7 and their sha256 (as Homebrew's libomp formula pins the first).
    expect(r.source).toEqual({
      kind: 'archive',
      location:
        'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/openmp-19.1.7.src.tar.xz',
      sha256: 'bd7e6901ab086fd268750363017935fd4a717c153dad3c2aab86cb0140d9e3fe'
    })
    expect(r.companions).toEqual([
      {
        location:
          'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/cmake-19.1.7.src.tar.xz',
        sha256: '11c5a28f90053b0c43d0dec3d0ad579347fc277199c005206b963c19aae514e3',
        dir: 'cmake'
      }
    ])
    expect(r.subdir).toBeUndefined()
    expect(r.platforms).toEqual(['macos'])
    const steps = planRecipeSteps(
      r,
      '/src/libomp/openmp-19.1.7.src',
      { prefix: '/deps/prefix', buildRoot: '/deps/build', srcRoot: '/deps/src' },
      'macos',
      3,
      undefined,
      {}
    )
    expect(steps[0].command.args).toEqual([
      '-S',
      '/src/libomp/openmp-19.1.7.src',
      '-B',
      '/deps/build/libomp',
      '-DCMAKE_INSTALL_PREFIX=/deps/prefix',
      '-DCMAKE_BUILD_TYPE=Release',
      '-DCMAKE_INSTALL_LIBDIR=lib',
      '-DCMAKE_PREFIX_PATH=/deps/prefix',
      '-DCMAKE_INSTALL_NAME_DIR=/deps/prefix/lib',
      '-DLIBOMP_INSTALL_ALIASES=OFF',
      '-DOPENMP_ENABLE_LIBOMPTARGET=OFF',
      '-DLIBOMP_OMPD_SUPPORT=OFF',
      '-DOPENMP_ENABLE_OMPT_TOOLS=OFF',
      '-DLIBOMP_ENABLE_SHARED=ON',
      '-DCMAKE_OSX_ARCHITECTURES=arm64',
      '-DCMAKE_OSX_DEPLOYMENT_TARGET=11.0'
    ])
  })

  it('a libomp built for another target or arch is another cache entry', () => {
    const facts = { platform: 'macos' as const, arch: 'x86_64', compiler: 'Apple clang 17' }
    const k11 = cacheKey([libompRecipe('x86_64', '11.0')], facts)
    expect(cacheKey([libompRecipe('x86_64', '11.0')], facts)).toBe(k11)
    expect(cacheKey([libompRecipe('x86_64', '10.15')], facts)).not.toBe(k11)
    expect(cacheKey([libompRecipe('arm64', '11.0')], facts)).not.toBe(k11)
  })

  it('recipes may name a subdir; an absolute or escaping one is refused', () => {
    const yaml = (subdir: string): string =>
      `- {name: a, version: '1', source: /x.tgz, sha256: ${'0'.repeat(64)}, build: cmake, subdir: '${subdir}'}`
    expect(parseRecipes(yaml('openmp'), '/ws')[0].subdir).toBe('openmp')
    expect(() => parseRecipes(yaml('../up'), '/ws')).toThrow(/"subdir" "\.\.\/up" must be a relative path/)
    expect(() => parseRecipes(yaml('/abs'), '/ws')).toThrow(/"subdir"/)
  })
})

describe('macos-libomp input and OpenMP detection', () => {
  it('takes auto, true and false; anything else names the input', () => {
    expect(parseLibompMode('')).toBe('auto')
    expect(parseLibompMode('FALSE')).toBe('false')
    expect(() => parseLibompMode('yes please')).toThrow(/Input 'macos-libomp'/)
  })

  it("finds dipy's dependency('openmp') and CMake's find_package(OpenMP), not a comment", () => {
    expect(mentionsOpenMP("omp = dependency('openmp', required: false)")).toBe(true)
    expect(mentionsOpenMP('omp_dep = dependency(\n  "openmp")')).toBe(true)
    expect(mentionsOpenMP('find_package(OpenMP REQUIRED)')).toBe(true)
    expect(mentionsOpenMP("# dependency('openmp') is not used\nnp = dependency('numpy')")).toBe(false)
  })

  it('searches the checkout for the build file that asks for OpenMP', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-omp-'))
    dirs.push(root)
    fs.writeFileSync(path.join(root, 'meson.build'), "project('dipy', 'c')\nsubdir('dipy')\n")
    fs.mkdirSync(path.join(root, 'dipy'))
    fs.writeFileSync(path.join(root, 'dipy', 'meson.build'), "omp = dependency('openmp', required: false)\n")
    fs.mkdirSync(path.join(root, 'build'))
    fs.writeFileSync(path.join(root, 'build', 'meson.build'), "dependency('openmp')\n")
    expect(projectOpenMPFile(root)).toBe(path.join(root, 'dipy', 'meson.build'))
    fs.writeFileSync(path.join(root, 'dipy', 'meson.build'), "np = dependency('numpy')\n")
    expect(projectOpenMPFile(root)).toBeUndefined()
  })

  it('builds it on macOS only, when asked for or forced', () => {
    expect(wantLibomp('auto', 'macos', '/c/dipy/meson.build')).toBe(true)
    expect(wantLibomp('auto', 'macos', undefined)).toBe(false)
    expect(wantLibomp('true', 'macos', undefined)).toBe(true)
    expect(wantLibomp('false', 'macos', '/c/dipy/meson.build')).toBe(false)
    expect(wantLibomp('true', 'linux', '/c/dipy/meson.build')).toBe(false)
  })
})

describe("where meson's AppleClang lookup finds it", () => {
  it("links meson's Homebrew fallback path to the prefix when Homebrew has no libomp", () => {
    expect(planLibompLink('arm64', '/cache/p', undefined, undefined)).toEqual({
      kind: 'link',
      link: '/opt/homebrew/opt/libomp',
      target: '/cache/p'
    })
    expect(planLibompLink('x86_64', '/cache/p', undefined, '/cache/old')).toEqual({
      kind: 'link',
      link: '/usr/local/opt/libomp',
      target: '/cache/p'
    })
    expect(planLibompLink('x86_64', '/cache/p', undefined, '/cache/p')).toEqual({
      kind: 'present',
      link: '/usr/local/opt/libomp'
    })
  })

  it('warns, naming the fix, when a Homebrew libomp or a foreign directory would win', () => {
    const brew = planLibompLink('arm64', '/cache/p', '/opt/homebrew/opt/libomp', undefined)
    expect(brew.kind).toBe('homebrew')
    expect(brew.kind === 'homebrew' && brew.warning).toMatch(/brew uninstall --ignore-dependencies libomp/)
    const dir = planLibompLink('arm64', '/cache/p', undefined, '')
    expect(dir.kind === 'occupied' && dir.warning).toMatch(/\/opt\/homebrew\/opt\/libomp is a directory/)
  })
})

describe('the cache key of libomp on macOS', () => {
  const recipe = libompRecipe('arm64', '11.0')
  const key = (compiler: string) => cacheKey([recipe], { platform: 'macos', arch: 'arm64', compiler })
  const on = (build: string, darwin: string, target = '11.0') =>
    `Apple clang version 17.0.0 (clang-${build}) arm64-apple-darwin${darwin}; macOS ${target}`

  it("stays across runner images: Apple clang's build number and the Darwin version do not count", () => {
    expect(key(on('1700.0.13.5', '24.6.0'))).toBe(key(on('1700.0.13.3', '24.5.0')))
  })

  it('changes with the clang major version and the deployment target', () => {
    const clang16 = 'Apple clang version 16.0.0 (clang-1600.0.26.6) arm64-apple-darwin24.6.0; macOS 11.0'
    expect(key(clang16)).not.toBe(key(on('1700.0.13.5', '24.6.0')))
    expect(key(on('1700.0.13.5', '24.6.0', '12.0'))).not.toBe(key(on('1700.0.13.5', '24.6.0')))
  })
})
