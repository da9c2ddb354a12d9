/** The release's outputs, step summary and SHA256SUMS file. */
import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import { escapeHtml, headerRow } from '../util/summary-table.js'
import { slotMatrix, type Completeness } from './expected.js'

export type FileAction = 'upload' | 'uploaded' | 'skip (identical on the index)' | 'failed' | 'not started'

export interface FileRow {
  basename: string
  size: number
  sha256: string
  stagedAt: string
  action: FileAction
  /** The build run whose manifest lists these bytes (build-manifests), when checked. */
  builtBy?: string
}

export interface ReleaseReport {
  pkg: string
  version: string
  dryRun: boolean
  completeness?: Completeness
  files: FileRow[]
  uploaded: string[]
  skipped: string[]
  /** Expected files not on the index at the end (or, when the set is incomplete, the globs unmatched). */
  missing: string[]
  indexUrl: string
  error?: string
}

export function setReleaseOutputs(r: ReleaseReport): void {
  core.setOutput('uploaded', JSON.stringify(r.uploaded))
  core.setOutput('skipped', JSON.stringify(r.skipped))
  core.setOutput('missing', JSON.stringify(r.missing))
}

export async function writeReleaseSummary(r: ReleaseReport): Promise<void> {
  const s = core.summary.addHeading(
    `Release ${r.pkg} ${r.version}${r.dryRun ? ' (dry run: nothing uploaded)' : ''}`,
    2
  )
  if (r.error) s.addRaw(`<p><strong>Stopped:</strong> ${escapeHtml(r.error.split('\n')[0])}</p>`, true)
  if (r.completeness) {
    const [head, ...rows] = slotMatrix(r.completeness)
    s.addHeading('Expected files', 3).addTable([headerRow(...head), ...rows])
  }
  if (r.files.some((f) => f.builtBy)) {
    s.addHeading('Built by', 3).addTable([
      headerRow('file', 'build run (its SHA256SUMS lists these bytes)'),
      ...r.files.map((f) => [f.basename, f.builtBy ?? ''])
    ])
  }
  if (r.files.length) {
    s.addHeading('Files', 3).addTable([
      headerRow('file', 'size', 'sha256', 'staged at', 'action'),
      ...r.files.map((f) => [
        f.basename,
        `${(f.size / 1048576).toFixed(2)} MiB`,
        f.sha256,
        f.stagedAt,
        f.action
      ])
    ])
  }
  s.addRaw(`<p>Index: ${escapeHtml(r.indexUrl)}</p>`, true)
  if (process.env.GITHUB_STEP_SUMMARY) await s.write()
  else s.emptyBuffer()
}

/** `sha256  name` lines (the sha256sum format), sorted by name. */
export function sha256Sums(files: Array<{ basename: string; sha256: string }>): string {
  return [...files]
    .sort((a, b) => (a.basename < b.basename ? -1 : 1))
    .map((f) => `${f.sha256}  ${f.basename}\n`)
    .join('')
}

/**
 * Writes SHA256SUMS into `dir` and, when the runner provides the artifact service, uploads it as the
 * artifact `sha256sums-<pkg>-<version>`.
 */
export async function saveSha256Sums(dir: string, r: ReleaseReport, files: FileRow[]): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'SHA256SUMS')
  fs.writeFileSync(file, sha256Sums(files))
  core.info(`SHA256SUMS: ${file}`)
  if (process.env.ACTIONS_RUNTIME_TOKEN && process.env.ACTIONS_RESULTS_URL) {
    try {
      const name = `sha256sums-${r.pkg}-${r.version}`
      await new DefaultArtifactClient().uploadArtifact(name, [file], dir)
      core.info(`Uploaded the artifact ${name}`)
    } catch (err) {
      core.warning(`SHA256SUMS was not uploaded as an artifact: ${messageOf(err)}`)
    }
  }
  return file
}
