/**
 * The directories of GitHub's hosted runners (actions/runner-images), for planning a run on an OS other
 * than this machine's: `dipy-wheels plan --os windows`.
 */
import type { PlatformName } from '../host.js'
import type { PlanHost } from './make-plan.js'

type Layout = Pick<PlanHost, 'workspace' | 'temp' | 'toolCache' | 'home'>

const LAYOUTS: Record<PlatformName, Layout> = {
  linux: {
    home: '/home/runner',
    workspace: '/home/runner/work/dipy-wheels/dipy-wheels',
    temp: '/home/runner/work/_temp',
    toolCache: '/opt/hostedtoolcache'
  },
  macos: {
    home: '/Users/runner',
    workspace: '/Users/runner/work/dipy-wheels/dipy-wheels',
    temp: '/Users/runner/work/_temp',
    toolCache: '/Users/runner/hostedtoolcache'
  },
  windows: {
    home: 'C:\\Users\\runneradmin',
    workspace: 'D:\\a\\dipy-wheels\\dipy-wheels',
    temp: 'D:\\a\\_temp',
    toolCache: 'C:\\hostedtoolcache\\windows'
  }
}

export function runnerLayout(platform: PlatformName): Layout {
  return LAYOUTS[platform]
}

/** The --os values: GitHub's RUNNER_OS names, lower case, and node's. */
export function parseOs(value: string): PlatformName | undefined {
  const v = value.toLowerCase()
  if (v === 'linux') return 'linux'
  if (v === 'macos' || v === 'darwin' || v === 'mac') return 'macos'
  if (v === 'windows' || v === 'win32') return 'windows'
  return undefined
}
