/**
 * The venvs of a plan: pip's download cache, uv, the tools venv (the repair tool) and the test's commands
 * in uv's form with pip's beside them. Pure, like makePlan, which they are part of.
 */
import constraints from '../../requirements/tools.txt'
import type { HostFacts } from '../host.js'
import { planTestEarlyWith, type TestRequest } from '../platforms/common.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { planUv, toUv, type UvPlan } from '../python/uv.js'
import { planVenv } from '../python/venv-plan.js'
import { shortHash } from '../util/hash.js'
import type { BuildPlan, ExecutorPlan, PythonPlan } from './types.js'

/** The facts of the machine the venvs are planned for. */
type VenvHost = Pick<HostFacts, 'platform' | 'toolCache' | 'env'>

/** The test's commands, and what it can install while the wheel is compiled: uv's form with pip's beside. */
export function testPlans(
  mod: PlatformModule,
  req: TestRequest,
  uv: UvPlan | undefined
): Pick<PythonPlan, 'test' | 'testEarly' | 'pipFallback'> {
  const pip = { test: mod.planTest(req), testEarly: planTestEarlyWith(mod, req) }
  if (!uv) return pip
  return {
    test: pip.test.map((c) => toUv(c, uv)),
    testEarly: { ...pip.testEarly, install: toUv(pip.testEarly.install, uv) },
    pipFallback: pip
  }
}

/** uv for the venvs: in the tool cache, one per pin and executor. */
export const uvOf = (mod: PlatformModule, host: VenvHost, executor: ExecutorPlan): UvPlan | undefined =>
  planUv(mod, host.toolCache, executor.envId, host.env, pipCacheOf(host, executor))

/** pip's download cache: the user's PIP_CACHE_DIR on the host, else one in the tool cache (mounted). */
export function pipCacheOf(host: VenvHost, executor: ExecutorPlan): string {
  const own = executor.kind === 'host' ? host.env.PIP_CACHE_DIR : undefined
  return own || platformModule(host.platform).paths.join(host.toolCache, 'dipy-wheels-pip')
}

/** The tools venv (the repair tool): one per constraints text and executor. */
export function toolsDir(mod: PlatformModule, host: VenvHost, executor: ExecutorPlan): string {
  return mod.paths.join(host.toolCache, 'dipy-wheels-tools', shortHash(constraints, executor.envId))
}

/**
 * The tools venv's directory, packages and commands (uv's form with pip's beside it when uv is planned).
 * `cacheTool`: the compiler cache's requirement where the tools venv provides it (off Linux), installed
 * last and allowed to fail; the stamp names it, so a venv made without it is made again.
 */
export function toolsPlan(
  mod: PlatformModule,
  host: VenvHost,
  executor: ExecutorPlan,
  cacheTool?: string
): BuildPlan['tools'] {
  const dir = toolsDir(mod, host, executor)
  const uv = uvOf(mod, host, executor)
  const env = { PIP_CACHE_DIR: pipCacheOf(host, executor) }
  const optional = cacheTool ? { optional: [cacheTool], stamp: `with ${cacheTool}` } : {}
  const req = { label: 'tools venv', dir, packages: mod.toolPackages, constraints, env, ...optional }
  return { dir, venv: planVenv(mod, req, uv) }
}
