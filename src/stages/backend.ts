/**
 * The checkout's build backend, read once the checkout is there and before anything builds: the plan's
 * build commands depend on it (meson-python's fixed build directory and Cython cache with compiler-cache).
 */
import * as core from '@actions/core'
import { resolveBackend } from '../plan/build-commands.js'
import type { BuildPlan } from '../plan/types.js'
import { readBuildSystem } from '../python/build-env.js'

/** The plan resolved for the checkout's pyproject.toml (unchanged when no command depends on it). */
export function withCheckoutBackend(plan: BuildPlan): BuildPlan {
  if (!plan.pythons.some((py) => py.mesonpy)) return plan
  const { backend } = readBuildSystem(plan.checkout.dir)
  const resolved = resolveBackend(plan, backend)
  core.info(
    `Build backend: ${backend}${resolved.pythons.some((py) => py.mesonBuildDir) ? ' (meson-python: fixed build directory, Cython through the output cache)' : ''}`
  )
  return resolved
}

/** Throws when the plan still holds a choice the checkout decides (a programming error: resolve first). */
export function requireResolved(plan: BuildPlan): void {
  if (plan.pythons.some((py) => py.mesonpy)) {
    throw new Error("The plan's build backend is not resolved: withCheckoutBackend runs after the checkout.")
  }
}
