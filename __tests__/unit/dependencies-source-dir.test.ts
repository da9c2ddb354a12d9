/**
 * Where a recipe's source is built from: a fixed directory the plan names before anything is fetched
 * (`<work>/src/<name>/source`), whatever the archive's top directory is called, or when it has several.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Recipe } from '../../src/dependencies/recipes.js'
import { fetchSource } from '../../src/dependencies/sources.js'
import { noRunner, scratchPerTest } from '../harness/source-fetch.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { plannedRecipes } from '../../src/plan/recipe-steps.js'
import { sha256File } from '../../src/util/hash.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const tmp = scratchPerTest('dw-srcdir-')

/** A .tar.gz of `entries` (paths relative to its root, each a file holding its own name). */
async function recipeOf(entries: string[]): Promise<Recipe> {
  const make = path.join(tmp(), 'make')
  for (const e of entries) {
    fs.mkdirSync(path.dirname(path.join(make, e)), { recursive: true })
    fs.writeFileSync(path.join(make, e), e)
  }
  const tops = [...new Set(entries.map((e) => e.split('/')[0]))]
  const out = path.join(tmp(), 'zlib-1.3.1.tar.gz')
  execFileSync('tar', ['-czf', out, '-C', make, ...tops])
  return {
    name: 'zlib',
    version: '1.3.1',
    source: { kind: 'archive', location: out, sha256: await sha256File(out) },
    build: 'cmake',
    args: []
  }
}

/** The source directory of the plan's cmake configure (-S), and where the run puts the source. */
async function plannedAndFetched(recipe: Recipe): Promise<[string, string]> {
  const host = runnerHost('linux', 'x86_64', { temp: tmp() })
  const plan = makePlan({ ...defaultInputs('linux'), recipes: [recipe] }, host)
  const args = plannedRecipes(plan)[0].steps[0].command.args
  const work = plan.dependencies.workDir
  const fetched = await fetchSource(noRunner, recipe, path.join(work, 'src', 'zlib'), path.join(work, 'dl'))
  return [args[args.indexOf('-S') + 1], fetched]
}

describe("a recipe's source directory", () => {
  it("an archive's one top directory: the run's is the plan's, <work>/src/zlib/source", async () => {
    const [planned, fetched] = await plannedAndFetched(await recipeOf(['zlib-1.3.1/CMakeLists.txt']))
    expect(planned).toBe(`${tmp()}/dipy-wheels/deps/src/zlib/source`)
    expect(fetched).toBe(planned)
    expect(fs.readdirSync(fetched)).toEqual(['CMakeLists.txt'])
    // Nothing else is left beside it (the extraction's scratch directory is gone).
    expect(fs.readdirSync(path.dirname(fetched))).toEqual(['source'])
  })

  it('an archive of several top entries: all of them in the same planned directory', async () => {
    const [planned, fetched] = await plannedAndFetched(await recipeOf(['CMakeLists.txt', 'src/z.c']))
    expect(fetched).toBe(planned)
    expect(fs.readdirSync(fetched).sort()).toEqual(['CMakeLists.txt', 'src'])
  })
})
