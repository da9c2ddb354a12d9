/**
 * Checks the CLI makes before the pipeline starts, from the inputs and the plan alone (nothing written):
 * a bad input, a Python version the host does not have when the build runs on the host, and the container
 * engine and image when it runs in a container, fail now rather than after the workspace, the temp folder
 * and the clone were made.
 */
import * as fs from 'node:fs'
import { checkEngine } from '../container/engine.js'
import { ExecRunner } from '../exec.js'
import { detectHost } from '../host.js'
import { getInputs } from '../inputs.js'
import { makePlan } from '../plan/make-plan.js'
import type { BuildPlan } from '../plan/types.js'
import { platformModule } from '../platforms/index.js'
import { listDir } from '../python/discover.js'
import { getReleaseInputs } from '../release/inputs.js'
import { UsageError } from './args.js'

/**
 * Reads the inputs as the pipeline will; throws its InputError (worded for a workflow) on a bad one.
 * A build's plan is returned (the plan refuses, e.g., an upload without its token).
 */
export function checkInputs(command: 'build' | 'release'): BuildPlan | undefined {
  if (command === 'release') {
    getReleaseInputs()
    return undefined
  }
  const host = detectHost()
  return makePlan(getInputs(host), host)
}

/** The Python versions the plan searches for on the host and for which no candidate file exists. */
export function missingPythons(plan: BuildPlan, env: NodeJS.ProcessEnv = process.env): string[] {
  const mod = platformModule(plan.platform)
  return plan.pythons
    .filter((py) => {
      const search = py.interpreter.search
      if (!search) return false // In a container image: checked there.
      const found = mod.pythonCandidates({ ...search, version: py.version, env, listDir })
      return !found.some((f) => fs.existsSync(f))
    })
    .map((py) => py.version)
}

export function checkPythons(plan: BuildPlan, containerFlag: string | undefined): void {
  const missing = missingPythons(plan)
  if (missing.length === 0) return
  const list = missing.join(', ')
  const container =
    platformModule(plan.platform).manylinux && containerFlag === 'off'
      ? ', or build in the manylinux container, which has them all (--container auto)'
      : ''
  throw new UsageError(
    `--python-version: CPython ${list} not found on this machine (searched the tool cache, PATH and ` +
      `pyenv). Install it (e.g. \`uv python install ${missing[0]}\` or \`pyenv install ${missing[0]}\`)` +
      `${container}, or ask for a version this machine has.`
  )
}

/**
 * --container auto (or an image): the engine answers, this user may use it, and the image is there or
 * pulled, before the workspace is made (the pipeline's own check then finds the image in place).
 */
export async function checkContainer(plan: BuildPlan, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const ex = plan.executor
  if (ex.kind !== 'container' || plan.lastStep === 'checkout' || plan.lastStep === 'plan') return
  await checkEngine({
    engine: 'docker',
    image: ex.image,
    hostEnv: env,
    runner: new ExecRunner(env),
    uid: process.getuid?.()
  })
}
