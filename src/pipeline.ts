import { parseRecipes } from './dependencies/recipes.js'
import type { Runner } from './exec.js'
import type { HostFacts } from './host.js'
import type { ActionInputs } from './inputs.js'
import { checkArtifactInputs, uploadArtifact } from './publish/artifact.js'
import { checkout } from './stages/checkout.js'
import { decidePublish, publish } from './stages/publish.js'
import { report } from './stages/report.js'
import { buildWheels, throwIfFailed } from './stages/wheels.js'
import type { PipelineState } from './state.js'
import { Timings } from './util/timings.js'

/**
 * The whole job, in order: checkout → dependencies → build → repair → test → publish → report.
 * The report is written even when a step fails, so the summary shows how far it got.
 */
export async function runPipeline(
  inputs: ActionInputs,
  host: HostFacts,
  runner: Runner
): Promise<PipelineState> {
  const state: PipelineState = {
    inputs,
    host,
    runner,
    timings: new Timings(),
    wheels: [],
    failures: [],
    uploaded: []
  }
  try {
    // Where the wheels go, and its token, is settled before anything is built.
    decidePublish(state)
    // Bad recipes fail before any work.
    const recipes = parseRecipes(inputs.dependencies, host.workspace)
    if (inputs.stopAfter === 'publish') checkArtifactInputs(state)
    state.checkout = await state.timings.time('checkout', () =>
      checkout(runner, {
        repository: inputs.repository,
        dir: inputs.checkoutDir,
        ref: inputs.buildCommit.ref
      })
    )
    if (inputs.stopAfter === 'checkout') return state
    await buildWheels(state, recipes)
    if (inputs.stopAfter === 'publish') {
      await state.timings.time('artifact', () => uploadArtifact(state))
      await state.timings.time('upload', () => publish(state))
    }
    // fail-fast: false: what failed ends the step, after the others were published. Keep this last.
    throwIfFailed(state)
  } finally {
    await report(state)
  }
  return state
}
