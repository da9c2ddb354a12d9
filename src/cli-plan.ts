/**
 * `dipy-wheels plan [--os linux|macos|windows] [--architecture x64|arm64|x86] [--input value ...]`: prints
 * the whole plan for any runner (what will run, with which environment, where), without running anything.
 * For another OS the paths are those of GitHub's hosted runners.
 */
import * as path from 'node:path'
import { detectHost, wheelArch, type HostFacts } from './host.js'
import { getInputs, type ActionInputs } from './inputs.js'
import { makePlan, type PlanHost } from './plan/make-plan.js'
import { forTerminal } from './cli/wording.js'
import { renderPlan } from './plan/render.js'
import { PLATFORM_NAMES, platformModule } from './platforms/index.js'
import { parseOs, runnerLayout } from './plan/runner-layout.js'

export interface PlanTarget {
  os?: string
  architecture?: string
  json?: boolean
}

/** The target's host facts: this machine's for its own OS, a hosted runner's layout for another. */
export function targetHost(host: HostFacts, target: PlanTarget): PlanHost {
  const platform = target.os ? parseOs(target.os) : host.platform
  if (!platform) {
    const names = `${PLATFORM_NAMES.slice(0, -1).join(', ')} or ${PLATFORM_NAMES.at(-1)}`
    throw new Error(`--os ${target.os}: use ${names}.`)
  }
  const nodeArch = target.architecture ?? (/^(aarch64|arm64)$/i.test(host.arch) ? 'arm64' : 'x64')
  const arch = wheelArch(platform, nodeArch)
  if (!/^(x86_64|aarch64|arm64|AMD64|ARM64|x86|i686)$/.test(arch)) {
    throw new Error(`--architecture ${target.architecture}: use x64, arm64 or x86.`)
  }
  if (platform === host.platform) return { ...host, arch }
  return { ...host, ...runnerLayout(platform), platform, arch, cpus: 4, env: {} }
}

/** Inputs whose paths were resolved on this machine, moved into the target's workspace and path flavour. */
function retarget(inputs: ActionInputs, host: HostFacts, target: PlanHost): ActionInputs {
  if (target.workspace === host.workspace) return inputs
  const p = platformModule(target.platform).paths
  const move = (dir: string): string =>
    p.join(target.workspace, ...path.relative(host.workspace, dir).split(path.sep))
  return { ...inputs, checkoutDir: move(inputs.checkoutDir), outputDir: move(inputs.outputDir) }
}

/** Prints the plan (text, or JSON with --json). */
export function printPlan(target: PlanTarget): void {
  const host = detectHost()
  let planHost = targetHost(host, target)
  let inputs = retarget(getInputs(host), host, planHost)
  // An arch no hosted runner has (Windows x86) is built by another runner for the architecture input.
  const runnerArch = platformModule(planHost.platform).hostedRunner.runnerArch?.(planHost.arch)
  if (runnerArch) {
    inputs = { ...inputs, architecture: inputs.architecture || planHost.arch }
    planHost = { ...planHost, arch: runnerArch }
  }
  const plan = makePlan(inputs, planHost)
  process.stdout.write(`${target.json ? JSON.stringify(plan, null, 2) : forTerminal(renderPlan(plan))}\n`)
}
