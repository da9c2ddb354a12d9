/**
 * The directories of GitHub's hosted runners (actions/runner-images), for planning a run on an OS other
 * than this machine's: `dipy-wheels plan --os windows`. Each platform module holds its runner's.
 */
import type { PlatformName } from '../host.js'
import { platformModule, platformNamed } from '../platforms/index.js'
import type { PlanHost } from './make-plan.js'

type Layout = Pick<PlanHost, 'workspace' | 'temp' | 'toolCache' | 'home'>

export function runnerLayout(platform: PlatformName): Layout {
  const { home, workspace, temp, toolCache } = platformModule(platform).hostedRunner
  return { home, workspace, temp, toolCache }
}

/** The --os values: GitHub's RUNNER_OS names, lower case, and the modules' aliases (node's names, ...). */
export function parseOs(value: string): PlatformName | undefined {
  return platformNamed(value)
}
