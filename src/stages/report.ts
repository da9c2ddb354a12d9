import * as core from '@actions/core'
import { reportArtifact } from '../publish/artifact.js'
import type { PipelineState } from '../state.js'
import { reportCompilerCache } from './compiler-cache-run.js'
import { reportPublish } from './publish.js'
import { headerRow } from '../util/summary-table.js'

/** Sets the outputs and writes the step summary from what the pipeline did. */
export async function report(state: PipelineState): Promise<void> {
  const { checkout, inputs, timings } = state
  if (checkout) {
    core.setOutput('commit', checkout.commit)
    core.setOutput('ref', checkout.ref)
    core.setOutput('version', checkout.version ?? '')
  }
  core.setOutput('wheelhouse', inputs.outputDir)
  core.setOutput('wheels', JSON.stringify(state.wheels.map((w) => w.path)))

  const summary = core.summary.addHeading('dipy wheels', 2)
  if (checkout) {
    summary.addTable([
      headerRow('repository', 'ref', 'commit', 'version'),
      [
        inputs.repository,
        `${checkout.ref} (${inputs.buildCommit.source})`,
        checkout.commit,
        checkout.version ?? ''
      ]
    ])
  }
  reportArtifact(state, summary)
  reportPublish(state, summary)
  if (state.wheels.length) {
    summary.addHeading('Wheels', 3)
    summary.addTable([
      headerRow('wheel', 'tags', 'size', 'sha256', 'grafted libraries', 'tested'),
      ...state.wheels.map((w) => [
        w.name,
        w.tags,
        `${(w.size / 1048576).toFixed(2)} MiB`,
        w.sha256,
        w.grafted.map((g) => g.split('/').pop()).join(', ') || 'none',
        w.tested ? 'yes' : 'no'
      ])
    ])
  }
  if (state.failures.length) {
    summary.addHeading('Failures', 3)
    summary.addTable([
      headerRow('python', 'step', 'error'),
      ...state.failures.map((f) => [f.python, f.step, f.message.split('\n')[0]])
    ])
  }
  reportCompilerCache(state.compilerCache, summary)
  if (timings.steps.length) {
    summary.addHeading('Time per step', 3)
    summary.addTable([
      headerRow('step', 'seconds', 'result'),
      ...timings.steps.map((t) => [t.step, t.seconds.toFixed(1), t.ok ? 'ok' : 'failed'])
    ])
  }
  if (process.env.GITHUB_STEP_SUMMARY) await summary.write()
  else summary.emptyBuffer()
}
