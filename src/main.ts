import * as core from '@actions/core'
import { messageOf } from './errors.js'
import { detectHost } from './host.js'
import { getInputs } from './inputs.js'
import { runPipeline } from './pipeline.js'

/** The action: read the inputs, run the pipeline, and fail the step with a clear message on any error. */
export async function run(): Promise<void> {
  try {
    const host = detectHost()
    await runPipeline(getInputs(host), host)
  } catch (err) {
    core.setFailed(messageOf(err))
  }
}
