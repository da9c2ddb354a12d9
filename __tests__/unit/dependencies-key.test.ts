/**
 * The dependency prefix's cache key as the wheels stage builds it from the plan: on macOS it counts the
 * deployment target (a prefix built for macOS 14 must never serve a build for 11.0: delocate would refuse
 * its libraries, or the wheel would claim a target its libraries do not run on).
 */
import { describe, expect, it } from 'vitest'
import type { SharedCache } from '../../src/cache/github.js'
import { cacheKey } from '../../src/dependencies/plan.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { dependencyOptions } from '../../src/stages/wheels.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const NO_SERVICE: SharedCache = {
  available: () => false,
  restore: async () => undefined,
  save: async () => {}
}
const CLANG = 'Apple clang version 17.0.0 (clang-1700.0.13.5) arm64-apple-darwin24.6.0'

function macKey(target: string): { compiler: string; key: string } {
  const plan = makePlan(
    defaultInputs('macos', { macosDeploymentTarget: target }),
    runnerHost('macos', 'arm64')
  )
  const opts = dependencyOptions(plan, {}, CLANG, NO_SERVICE)
  // No recipe: the built-in libomp recipe names the target itself; the key must count it without one.
  return { compiler: opts.compiler, key: cacheKey([], opts) }
}

describe('the dependency cache key', () => {
  it('macOS: counts the deployment target', () => {
    expect(macKey('11.0').compiler).toBe(`${CLANG}; macOS 11.0`)
    expect(macKey('14.0').compiler).toBe(`${CLANG}; macOS 14.0`)
    expect(macKey('11.0').key).not.toBe(macKey('14.0').key)
    expect(macKey('11.0').key).toBe(macKey('11.0').key)
  })

  it('Linux and Windows: the compiler as found (no deployment target)', () => {
    const linux = makePlan(defaultInputs('linux'), runnerHost('linux', 'x86_64'))
    expect(dependencyOptions(linux, {}, 'gcc (GCC) 14.2.1', NO_SERVICE).compiler).toBe('gcc (GCC) 14.2.1')
    const win = makePlan(defaultInputs('windows'), runnerHost('windows', 'AMD64'))
    expect(dependencyOptions(win, {}, 'MSVC 19.44.35207.1 x64', NO_SERVICE).compiler).toBe(
      'MSVC 19.44.35207.1 x64'
    )
  })
})
