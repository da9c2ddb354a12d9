import { context } from '@actions/github'
import * as os from 'node:os'
import * as path from 'node:path'

/** Every OS the action builds on, each with its module (platforms/index.ts). */
export const PLATFORM_NAMES = ['linux', 'macos', 'windows'] as const
export type PlatformName = (typeof PLATFORM_NAMES)[number]

/** What the action knows of the machine and the runner; the only reader of process.platform. */
export interface HostFacts {
  platform: PlatformName
  /** Machine architecture as wheel tags spell it: x86_64, aarch64 (Linux), arm64 (macOS), AMD64, ARM64 (Windows). */
  arch: string
  workspace: string
  temp: string
  toolCache: string
  home: string
  /** Cores for parallel builds. */
  cpus: number
  /** Whether the action runs as root (it may install ccache without sudo). */
  root: boolean
  /** The user the action runs as (POSIX hosts): what a container's commands run as, so their files are its. */
  user?: { uid: number; gid: number }
  /** The event (GitHub's context; workflow_dispatch for a local run). */
  eventName: string
  /** refs/heads/... or refs/tags/... of the run, when GitHub gives one. */
  ref: string
  /** GITHUB_WORKFLOW_REF: owner/repo/.github/workflows/file.yml@ref (the context does not carry it). */
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

/** The machine architecture as wheel tags spell it, from node's (x64, arm64, ia32) or GitHub's (X64, ARM64, X86) name. */
export function wheelArch(platform: PlatformName, nodeArch: string): string {
  const a = nodeArch.toLowerCase()
  const arm = a === 'arm64'
  if (a === 'ia32' || a === 'x86') return platform === 'windows' ? 'x86' : 'i686'
  if (platform === 'windows') return arm ? 'ARM64' : 'AMD64'
  if (platform === 'macos') return arm ? 'arm64' : 'x86_64'
  return arm ? 'aarch64' : a === 'x64' ? 'x86_64' : nodeArch
}

/** GitHub's context as the environment holds it now (the module's own was read when it was first imported). */
function currentContext(): typeof context {
  const Context = context.constructor as new () => typeof context
  return new Context()
}

export function detectHost(env: NodeJS.ProcessEnv = process.env): HostFacts {
  const platform = platformOf(process.platform)
  const github = currentContext()
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
    home: os.homedir(),
    cpus: Math.max(1, os.availableParallelism()),
    root: process.getuid?.() === 0,
    ...(process.getuid && process.getgid ? { user: { uid: process.getuid(), gid: process.getgid() } } : {}),
    eventName: github.eventName || 'workflow_dispatch',
    ref: github.ref ?? '',
    workflowRef: env.GITHUB_WORKFLOW_REF || '',
    repository: env.GITHUB_REPOSITORY || '',
    env: { ...env }
  }
}
