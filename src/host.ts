import * as os from 'node:os'
import * as path from 'node:path'

export type PlatformName = 'linux' | 'macos' | 'windows'

/** What the action knows of the machine and the runner; the only reader of process.platform. */
export interface HostFacts {
  platform: PlatformName
  /** Machine architecture as wheel tags spell it: x86_64, aarch64 (Linux), arm64 (macOS), AMD64, ARM64 (Windows). */
  arch: string
  workspace: string
  temp: string
  toolCache: string
  eventName: string
  eventPath: string
  workflowRef: string
  repository: string
  /** The process environment the action started with. */
  env: Readonly<Record<string, string | undefined>>
}

export function platformOf(nodePlatform: string): PlatformName {
  if (nodePlatform === 'darwin') return 'macos'
  if (nodePlatform === 'win32') return 'windows'
  return 'linux'
}

export function wheelArch(platform: PlatformName, nodeArch: string): string {
  const arm = nodeArch === 'arm64'
  if (platform === 'windows') return arm ? 'ARM64' : 'AMD64'
  if (platform === 'macos') return arm ? 'arm64' : 'x86_64'
  return arm ? 'aarch64' : nodeArch === 'x64' ? 'x86_64' : nodeArch
}

export function detectHost(env: NodeJS.ProcessEnv = process.env): HostFacts {
  const platform = platformOf(process.platform)
  const workspace = path.resolve(env.GITHUB_WORKSPACE || process.cwd())
  const temp = path.resolve(env.RUNNER_TEMP || path.join(os.tmpdir(), 'dipy-wheels'))
  const toolCache = path.resolve(
    env.RUNNER_TOOL_CACHE || path.join(os.homedir(), '.cache', 'dipy-wheels', 'toolcache')
  )
  return {
    platform,
    arch: wheelArch(platform, process.arch),
    workspace,
    temp,
    toolCache,
    eventName: env.GITHUB_EVENT_NAME || 'workflow_dispatch',
    eventPath: env.GITHUB_EVENT_PATH || '',
    workflowRef: env.GITHUB_WORKFLOW_REF || '',
    repository: env.GITHUB_REPOSITORY || '',
    env: { ...env }
  }
}
