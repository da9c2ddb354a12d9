/** The compiler cache a plan carries (cache/ccache.ts): on every build command, decided before anything runs. */
import { planCompilerCache, type PlannedCompilerCache } from '../cache/ccache.js'
import type { ActionInputs } from '../inputs.js'
import type { PlatformModule } from '../platforms/index.js'
import type { HostFacts, PlatformName } from '../host.js'
import { toolsVenvCache } from '../platforms/compiler-cache-tools.js'
import type { ExecutorPlan } from './types.js'

/**
 * With compiler-cache, its plan: CCACHE_BASEDIR is the checkout; the user's CCACHE_* count on a host build
 * (a container's commands start from the image's environment, not the host's). `toolsDir`: the tools venv.
 */
export function compilerCacheOf(
  mod: PlatformModule,
  inputs: ActionInputs,
  host: Pick<HostFacts, 'platform' | 'toolCache' | 'env' | 'user'>,
  executor: ExecutorPlan,
  toolsDir: string
): PlannedCompilerCache | undefined {
  if (!inputs.compilerCache) return undefined
  return planCompilerCache({
    platform: host.platform,
    toolCache: host.toolCache,
    envId: executor.envId,
    basedir: inputs.checkoutDir,
    env: executor.kind === 'host' ? host.env : {},
    toolsBin: mod.venvBin(toolsDir),
    paths: mod.paths,
    // Package installs run as root in a container (docker exec --user 0), else as the host's user.
    root: executor.kind === 'container' || host.user?.uid === 0
  })
}

/** With compiler-cache, the requirement the tools venv installs for it where the OS has none (off Linux). */
export const cacheToolOf = (inputs: ActionInputs, platform: PlatformName): string | undefined =>
  inputs.compilerCache ? toolsVenvCache(platform)?.requirement : undefined
