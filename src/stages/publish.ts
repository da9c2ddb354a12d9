/**
 * The anaconda.org step: the decision is made before checkout (so a missing token fails at once), the upload
 * after the wheels were built, repaired and tested; the report shows both.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { UploadError } from '../errors.js'
import { uploadAll } from '../publish/anaconda/batch.js'
import type { CleanupResult } from '../publish/anaconda/cleanup.js'
import type { UploadOutcome } from '../publish/anaconda/upload.js'
import {
  decideUpload,
  describeDecision,
  requireToken,
  tokenFor,
  type UploadDecision
} from '../publish/target.js'
import type { PipelineState } from '../state.js'
import { headerRow } from '../util/summary-table.js'

export interface PublishState {
  decision: UploadDecision
  outcomes: UploadOutcome[]
  cleanup: CleanupResult[]
}

export const DEFAULT_API_URL = 'https://api.anaconda.org'

/** Decides where the wheels go and checks the token; call first thing. */
export function decidePublish(state: PipelineState): UploadDecision {
  const { inputs, host } = state
  const decision = decideUpload(inputs, {
    eventName: host.eventName,
    ref: inputs.buildCommit.ref,
    nightlyRef: inputs.nightlyRef ?? 'master'
  })
  state.publish = { decision, outcomes: [], cleanup: [] }
  core.info(describeDecision(decision))
  if (inputs.keepVersions > 0 && decision.target !== 'nightly') {
    core.info(`keep-versions ${inputs.keepVersions} is ignored: it applies to nightly uploads only.`)
  }
  // The token is needed only when the run goes as far as the upload.
  if (inputs.stopAfter === 'publish') requireToken(decision, inputs)
  if (decision.dryRun && decision.target !== 'none' && !tokenFor(decision, inputs)) {
    core.info(`Dry run without ${decision.tokenInput}: the channel is read anonymously.`)
  }
  return decision
}

/** Uploads state.wheels as decided. Throws UploadError naming every file that failed. */
export async function publish(state: PipelineState): Promise<void> {
  const pub = state.publish ?? (decidePublish(state), state.publish!)
  const { decision } = pub
  if (decision.target === 'none') {
    core.info(`No upload to anaconda.org: ${decision.reason}.`)
    return
  }
  if (state.wheels.length === 0) {
    core.info(`No wheels to upload to ${decision.channel}: nothing was built.`)
    return
  }
  // The build's size and sha256 of each wheel are reused: the upload computes only the MD5 for S3.
  const result = await uploadAll(
    state.wheels.map((w) => ({ path: w.path, size: w.size, sha256: w.sha256 })),
    {
      apiUrl: decision.anacondaUrl,
      token: tokenFor(decision, state.inputs) || undefined,
      owner: decision.channel,
      labels: decision.labels,
      ifExists: decision.ifExists,
      dryRun: decision.dryRun,
      keepVersions: decision.keepVersions,
      keepDir: path.join(state.host.temp, 'dipy-wheels-replaced'),
      http: {
        authHint: `Check that the ${decision.tokenInput} input holds an anaconda.org token with api:write on ${decision.channel}.`
      },
      log: (l) => core.info(l),
      warn: (l) => core.warning(l)
    }
  )
  pub.outcomes = result.outcomes
  pub.cleanup = result.cleanup
  state.uploaded = result.outcomes
    .filter((o) => o.status === 'uploaded' || o.status === 'replaced')
    .map((o) => o.url!)
  if (decision.dryRun) {
    core.info(`Dry run: nothing was sent to ${decision.anacondaUrl}.`)
    for (const o of result.outcomes) core.info(`  ${o.status}: ${o.basename}`)
  }
  if (result.failures.length) {
    throw new UploadError(
      `${result.failures.length} of ${state.wheels.length} wheels were not uploaded to ${decision.channel}:\n` +
        result.failures.map((f) => `  ${f.basename}: ${f.message}`).join('\n')
    )
  }
}

/** The pip line for the channel: label `main` is the plain index, any other label its own. */
export function installLine(decision: UploadDecision, packages: string[]): string {
  const label = decision.labels.includes('main') ? undefined : decision.labels[0]
  const index = `https://pypi.anaconda.org/${decision.channel}${label ? `/label/${label}` : ''}/simple`
  return `pip install --pre --index-url ${index} ${packages.join(' ') || 'dipy'}`
}

type Summary = typeof core.summary

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const para = (summary: Summary, text: string): Summary => summary.addRaw(`<p>${html(text)}</p>`, true)

/** Outputs upload-target and uploaded, and the upload lines of the summary. */
export function reportPublish(state: PipelineState, summary: Summary): void {
  const pub = state.publish
  core.setOutput('uploaded', JSON.stringify(state.uploaded))
  if (!pub) return
  const { decision } = pub
  core.setOutput(
    'upload-target',
    JSON.stringify({
      target: decision.target,
      channel: decision.channel,
      labels: decision.labels,
      reason: decision.reason,
      ifExists: decision.ifExists,
      dryRun: decision.dryRun
    })
  )
  para(summary.addHeading('anaconda.org', 3), describeDecision(decision))
  if (decision.target === 'none') return
  if (pub.outcomes.length) {
    summary.addTable([
      headerRow('file', 'result', 'sha256'),
      ...pub.outcomes.map((o) => [o.basename, o.status, o.sha256])
    ])
  }
  for (const c of pub.cleanup) {
    const list = decision.dryRun ? c.plan.remove : c.removed
    const line = c.plan.refused
      ? `keep-versions: nothing removed from ${c.package}: ${c.plan.refused}`
      : `keep-versions ${decision.keepVersions}: ${decision.dryRun ? 'would remove' : 'removed'} ${list.join(', ') || 'nothing'} from ${c.package}`
    para(summary, line)
  }
  const ok = pub.outcomes.some((o) => ['uploaded', 'replaced', 'unchanged', 'skipped'].includes(o.status))
  if (ok) {
    const packages = [...new Set(pub.outcomes.map((o) => o.name))]
    const custom = decision.anacondaUrl.replace(/\/+$/, '') !== DEFAULT_API_URL
    para(summary, 'Install with:').addCodeBlock(installLine(decision, packages), 'sh')
    if (custom) {
      para(
        summary,
        `(That is anaconda.org's index; anaconda-url is ${decision.anacondaUrl}, whose pip index is that server's own.)`
      )
    }
  }
}
