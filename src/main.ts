import * as core from '@actions/core'
import { messageOf } from './errors.js'
import { detectHost } from './host.js'
import { getInputs } from './inputs.js'
import { ExecRunner } from './exec.js'
import { runPipeline } from './pipeline.js'
import { platformModule } from './platforms/index.js'
import { getCommand, getReleaseInputs } from './release/inputs.js'
import { runRelease } from './release/run.js'

/** The action: read the inputs, run the pipeline (or, with command: release, the release), and fail the step with a clear message on any error. */
export async function run(): Promise<void> {
  try {
    const host = detectHost()
    if (getCommand() === 'release') {
      const env = {
        tempDir: host.temp,
        runner: new ExecRunner(host.env),
        platform: platformModule(host.platform),
        workspace: host.workspace
      }
      await runRelease(getReleaseInputs(), env)
      return
    }
    const inputs = getInputs(host)
    await runPipeline(inputs, host)
  } catch (err) {
    core.setFailed(messageOf(err))
  }
}
