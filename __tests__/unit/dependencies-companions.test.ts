/**
 * A built-in recipe's companion archive (LLVM's cmake/ next to openmp/): verified by its own sha256 and
 * unpacked beside the source's top directory under its own name, as openmp's ../cmake expects.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Recipe } from '../../src/dependencies/recipes.js'
import { fetchSource } from '../../src/dependencies/sources.js'
import { DependencyError } from '../../src/errors.js'
import { noRunner, scratchPerTest } from '../harness/source-fetch.js'
import { sha256File } from '../../src/util/hash.js'

const tmp = scratchPerTest('dw-companion-')

/** A .tar.xz with one top directory `top` holding `file` (as LLVM's release archives are laid out). */
function archive(name: string, top: string, file: string, text: string): string {
  const dir = path.join(tmp(), 'make', top, path.dirname(file))
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(tmp(), 'make', top, file), text)
  const out = path.join(tmp(), name)
  execFileSync('tar', ['-cJf', out, '-C', path.join(tmp(), 'make'), top])
  return out
}

async function recipe(cmakeSha?: string): Promise<Recipe> {
  const openmp = archive(
    'openmp-9.src.tar.xz',
    'openmp-9.src',
    'CMakeLists.txt',
    'include(../cmake/Modules/x)\n'
  )
  const cmake = archive('cmake-9.src.tar.xz', 'cmake-9.src', 'Modules/x.cmake', '# shared module\n')
  return {
    name: 'libomp',
    version: '9',
    source: { kind: 'archive', location: openmp, sha256: await sha256File(openmp) },
    companions: [{ location: cmake, sha256: cmakeSha ?? (await sha256File(cmake)), dir: 'cmake' }],
    build: 'cmake',
    args: []
  }
}

describe('companion archives', () => {
  it('puts the cmake archive beside the openmp source as cmake/, and builds from openmp', async () => {
    const dest = path.join(tmp(), 'src', 'libomp')
    const root = await fetchSource(noRunner, await recipe(), dest, path.join(tmp(), 'dl'))
    // The archive's top directory (openmp-9.src) at the fixed place the plan names, the companion beside it.
    expect(root).toBe(path.join(dest, 'source'))
    expect(fs.existsSync(path.join(root, 'CMakeLists.txt'))).toBe(true)
    expect(fs.readFileSync(path.join(root, '..', 'cmake', 'Modules', 'x.cmake'), 'utf8')).toBe(
      '# shared module\n'
    )
    expect(fs.readdirSync(dest).sort()).toEqual(['cmake', 'source'])
  })

  it('stops on a companion whose sha256 differs, naming its archive', async () => {
    const err = await fetchSource(
      noRunner,
      await recipe('0'.repeat(64)),
      path.join(tmp(), 'src'),
      path.join(tmp(), 'dl')
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DependencyError)
    expect((err as Error).message).toContain(`the sha256 of ${path.join(tmp(), 'cmake-9.src.tar.xz')} is`)
    expect((err as Error).message).toContain(`but the recipe expects ${'0'.repeat(64)}`)
    expect(fs.existsSync(path.join(tmp(), 'src', 'cmake'))).toBe(false)
  })
})

describe('the cache key of a recipe with a companion', () => {
  const base: Recipe = {
    name: 'libomp',
    version: '9',
    source: { kind: 'archive', location: 'https://a/openmp.tar.xz', sha256: 'a'.repeat(64) },
    companions: [{ location: 'https://a/cmake.tar.xz', sha256: 'b'.repeat(64), dir: 'cmake' }],
    build: 'cmake',
    args: []
  }
  const facts = { platform: 'macos' as const, arch: 'arm64', compiler: 'clang 17' }
  const withCompanion = (c: Partial<NonNullable<Recipe['companions']>[0]>): Recipe => ({
    ...base,
    companions: [{ ...base.companions![0], ...c }]
  })

  it("counts the companion's sha256, not where it is fetched from", async () => {
    const { cacheKey } = await import('../../src/dependencies/plan.js')
    expect(cacheKey([withCompanion({ sha256: 'c'.repeat(64) })], facts)).not.toBe(cacheKey([base], facts))
    expect(cacheKey([withCompanion({ location: 'file:///mirror/cmake.tar.xz' })], facts)).toBe(
      cacheKey([base], facts)
    )
  })
})
