import * as core from '@actions/core'
import { reportArtifact } from '../publish/artifact.js'
import type { PipelineState } from '../state.js'
import { reportCompilerCache } from './compiler-cache-run.js'
import { reportPublish } from './publish.js'

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
      [
        { data: 'repository', header: true },
        { data: 'ref', header: true },
        { data: 'commit', header: true },
        { data: 'version', header: true }
      ],
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
      ['wheel', 'tags', 'size', 'sha256', 'grafted libraries', 'tested'].map((data) => ({
        data,
        header: true
      })),
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
      [
        { data: 'python', header: true },
        { data: 'step', header: true },
        { data: 'error', header: true }
      ],
      ...state.failures.map((f) => [f.python, f.step, f.message.split('\n')[0]])
    ])
  }
  reportCompilerCache(state.compilerCache, summary)
  if (timings.steps.length) {
    summary.addHeading('Time per step', 3)
    summary.addTable([
      [
        { data: 'step', header: true },
        { data: 'seconds', header: true },
        { data: 'result', header: true }
      ],
      ...timings.steps.map((t) => [t.step, t.seconds.toFixed(1), t.ok ? 'ok' : 'failed'])
    ])
  }
  if (process.env.GITHUB_STEP_SUMMARY) await summary.write()
  else summary.emptyBuffer()
}
