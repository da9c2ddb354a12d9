/**
 * The wheels stage hands every version the plan resolved for the dependency prefix it built: the build and
 * auditwheel run with the prefix's variables, read from the commands the runner received (the versions
 * merge no environment of their own).
 */
import { describe, expect, it } from 'vitest'
import type { Recipe } from '../../src/recipe.js'
import { world } from './wheels-world.js'

const RECIPE: Recipe = {
  name: 'dwmath',
  version: '1.0',
  source: { kind: 'git', url: 'https://example.invalid/dwmath.git', ref: 'a'.repeat(40) },
  build: 'cmake',
  args: []
}

describe('a run with one recipe', () => {
  it('the build and the repair carry the prefix the dependencies stage built', async () => {
    const { runner, run } = world({ pythonVersions: ['3.11'], recipes: [RECIPE] })
    const result = await run()
    expect(result.failures).toEqual([])
    const prefix = result.dependencies!.prefix
    expect(prefix).toMatch(/\/tc\/dipy-wheels-deps\/[0-9a-f]+\/prefix$/)
    const build = runner.calls.find((c) => c.args.includes('--wheel'))!
    expect(build.env?.PKG_CONFIG_PATH).toBe(`${prefix}/lib/pkgconfig:${prefix}/share/pkgconfig`)
    expect(build.env?.CMAKE_PREFIX_PATH).toBe(prefix)
    expect(build.env?.CFLAGS).toBe(`-I${prefix}/include`)
    expect(build.env?.LDFLAGS).toBe(`-L${prefix}/lib`)
    const repair = runner.calls.find((c) => c.command.endsWith('/auditwheel') && c.args[0] === 'repair')!
    expect(repair.env?.LD_LIBRARY_PATH).toBe(`${prefix}/lib:${prefix}/lib64`)
    // The test checks the repaired wheel alone: no command of the test venv sees the prefix.
    const tests = runner.calls.filter((c) => c.cwd?.includes('/test/'))
    expect(tests.length).toBeGreaterThan(0)
    expect(tests.filter((c) => JSON.stringify(c.env ?? {}).includes(prefix))).toEqual([])
  })
})
