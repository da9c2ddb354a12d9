/** The run's outputs and step summary, rendered from what the stages returned: the only writer of either. */
import * as core from '@actions/core'
import { hitRate, type CompilerCacheReport } from './cache/ccache.js'
import type { CythonStats } from './cache/cython.js'
import { renderPlan } from './plan/render.js'
import type { BuildPlan } from './plan/types.js'
import type { ArtifactOutcome } from './publish/artifact.js'
import { describeDecision, type UploadDecision } from './publish/target.js'
import type { CheckoutResult } from './stages/checkout.js'
import type { PublishResult } from './stages/publish.js'
import type { ProvenanceResult } from './stages/provenance.js'
import type { Failure, WheelRecord } from './stages/results.js'
import { escapeHtml, headerRow } from './util/summary-table.js'
import type { StepTiming } from './util/timings.js'

export interface RunReport {
  plan: BuildPlan
  checkout?: CheckoutResult
  wheels: WheelRecord[]
  failures: Failure[]
  compilerCache?: CompilerCacheReport
  /** What the Cython output cache reused, per version. */
  cython?: readonly CythonStats[]
  artifact?: ArtifactOutcome
  publish?: PublishResult
  provenance?: ProvenanceResult
  timings: readonly StepTiming[]
}

type Summary = typeof core.summary

const para = (summary: Summary, html: string): Summary => summary.addRaw(`<p>${html}</p>`, true)

export function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(unit === 0 ? 1 : 2)} ${units[unit]}`
}

/** The pip line for the channel: label `main` is the plain index, any other label its own. */
export function installLine(decision: UploadDecision, packages: string[]): string {
  const label = decision.labels.includes('main') ? undefined : decision.labels[0]
  const index = `https://pypi.anaconda.org/${decision.channel}${label ? `/label/${label}` : ''}/simple`
  return `pip install --pre --index-url ${index} ${packages.join(' ') || 'dipy'}`
}

const DEFAULT_API_URL = 'https://api.anaconda.org'

function outputs(r: RunReport): void {
  if (r.checkout) {
    core.setOutput('commit', r.checkout.commit)
    core.setOutput('ref', r.checkout.ref)
    core.setOutput('version', r.checkout.version ?? '')
  }
  core.setOutput('wheelhouse', r.plan.outputDir)
  core.setOutput('wheels', JSON.stringify(r.wheels.map((w) => w.path)))
  core.setOutput('uploaded', JSON.stringify(r.publish?.uploaded ?? []))
  const d = r.plan.upload
  core.setOutput(
    'upload-target',
    JSON.stringify({
      target: d.target,
      channel: d.channel,
      labels: d.labels,
      reason: d.reason,
      ifExists: d.ifExists,
      dryRun: d.dryRun
    })
  )
  if (r.artifact && 'id' in r.artifact) core.setOutput('artifact-id', String(r.artifact.id))
  if (r.provenance) core.setOutput('sha256sums', r.provenance.manifest.sums)
  if (r.provenance?.attestation?.id) core.setOutput('attestation-id', r.provenance.attestation.id)
}

function artifactSection(summary: Summary, a: ArtifactOutcome | undefined): void {
  if (!a) return
  if ('skipped' in a) para(summary, `Artifact: not uploaded, ${escapeHtml(a.skipped)}.`)
  else
    para(
      summary,
      `Artifact <code>${escapeHtml(a.name)}</code>: id ${a.id}, ${a.wheels} wheel(s), ${humanSize(a.size)} ` +
        `(${a.size} bytes), digest <code>sha256:${escapeHtml(a.digest)}</code>`
    )
}

function publishSection(summary: Summary, d: UploadDecision, pub: PublishResult | undefined): void {
  para(summary.addHeading('anaconda.org', 3), escapeHtml(describeDecision(d)))
  if (d.target === 'none' || !pub) return
  if (pub.outcomes.length) {
    summary.addTable([
      headerRow('file', 'result', 'sha256'),
      ...pub.outcomes.map((o) => [o.basename, o.status, o.sha256])
    ])
  }
  for (const c of pub.cleanup) {
    const list = d.dryRun ? c.plan.remove : c.removed
    const line = c.plan.refused
      ? `keep-versions: nothing removed from ${c.package}: ${c.plan.refused}`
      : `keep-versions ${d.keepVersions}: ${d.dryRun ? 'would remove' : 'removed'} ${list.join(', ') || 'nothing'} from ${c.package}`
    para(summary, escapeHtml(line))
  }
  if (pub.outcomes.some((o) => ['uploaded', 'replaced', 'unchanged', 'skipped'].includes(o.status))) {
    const packages = [...new Set(pub.outcomes.map((o) => o.name))]
    para(summary, 'Install with:').addCodeBlock(installLine(d, packages), 'sh')
    if (d.anacondaUrl.replace(/\/+$/, '') !== DEFAULT_API_URL) {
      para(
        summary,
        escapeHtml(
          `(That is anaconda.org's index; anaconda-url is ${d.anacondaUrl}, whose pip index is that server's own.)`
        )
      )
    }
  }
}

/** Whether the repaired-wheel cache gave the wheel ('reused') or the repair ran ('ran'). */
const repairCell = (w: WheelRecord | undefined): string =>
  w?.repairReused === undefined ? '-' : w.repairReused ? 'reused' : 'ran'

function compilerCacheSection(
  summary: Summary,
  cc: CompilerCacheReport | undefined,
  cython: readonly CythonStats[] = [],
  wheels: readonly WheelRecord[] = []
): void {
  if (!cc && !cython.length) return
  summary.addHeading('Compiler cache', 3)
  if (cc) {
    const tool = cc.tool ?? 'ccache'
    para(
      summary,
      `${tool} restored from ${escapeHtml(cc.restoredFrom)}${cc.saved ? `; ${escapeHtml(cc.saved)}` : ''}.`
    )
  }
  const pythons = [...new Set([...(cc?.stats ?? []), ...cython].map((s) => s.python))]
  if (!pythons.length) return
  summary.addTable([
    headerRow('python', 'hits', 'misses', 'hit rate', 'Cython outputs reused', 'repair'),
    ...pythons.map((python) => {
      const s = cc?.stats.find((x) => x.python === python)
      const c = cython.find((x) => x.python === python)
      const runs = c ? c.reused + c.compiled + c.uncached : 0
      return [
        python,
        s ? String(s.hits) : '-',
        s ? String(s.misses) : '-',
        s ? hitRate(s) : '-',
        c ? `${c.reused} of ${runs}` : '-',
        repairCell(wheels.find((w) => w.python === python))
      ]
    })
  ])
}

/** Sets the outputs and writes the step summary. */
export async function report(r: RunReport): Promise<void> {
  outputs(r)
  const summary = core.summary.addHeading('dipy wheels', 2)
  if (r.checkout) {
    summary.addTable([
      headerRow('repository', 'ref', 'commit', 'version'),
      [
        r.plan.checkout.repository,
        `${r.checkout.ref} (${r.plan.checkout.refSource})`,
        r.checkout.commit,
        r.checkout.version ?? ''
      ]
    ])
  }
  artifactSection(summary, r.artifact)
  publishSection(summary, r.plan.upload, r.publish)
  if (r.wheels.length) {
    summary.addHeading('Wheels', 3)
    summary.addTable([
      headerRow('wheel', 'tags', 'size', 'sha256', 'grafted libraries', 'tested'),
      ...r.wheels.map((w) => [
        w.name,
        w.tags,
        humanSize(w.size),
        w.sha256,
        w.grafted.map((g) => g.split('/').pop()).join(', ') || 'none',
        w.tested ? 'yes' : 'no'
      ])
    ])
  }
  if (r.failures.length) {
    summary.addHeading('Failures', 3)
    summary.addTable([
      headerRow('python', 'step', 'error'),
      ...r.failures.map((f) => [f.python, f.step, f.message.split('\n')[0]])
    ])
  }
  compilerCacheSection(summary, r.compilerCache, r.cython, r.wheels)
  if (r.timings.length) {
    summary.addHeading('Time per step', 3)
    summary.addTable([
      headerRow('step', 'seconds', 'result'),
      ...r.timings.map((t) => [t.step, t.seconds.toFixed(1), t.ok ? 'ok' : 'failed'])
    ])
  }
  summary.addDetails('The plan', `<pre>${escapeHtml(renderPlan(r.plan))}</pre>`)
  if (process.env.GITHUB_STEP_SUMMARY) await summary.write()
  else summary.emptyBuffer()
}
