/**
 * Uploads the wheelhouse as a GitHub artifact with @actions/artifact, under a name unique per job
 * (wheels-<pythons>-<os>-<arch>), stored without compression (wheels are zip files already).
 */
import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as path from 'node:path'
import { InputError, UploadError, messageOf } from '../errors.js'
import type { PlatformName } from '../host.js'
import type { ArtifactMode } from '../inputs.js'
import type { PipelineState } from '../state.js'

/** The characters @actions/artifact rejects in an artifact name, with how to show them. */
const FORBIDDEN: ReadonlyArray<[string, string]> = [
  ['"', '"'],
  [':', ':'],
  ['<', '<'],
  ['>', '>'],
  ['|', '|'],
  ['*', '*'],
  ['?', '?'],
  ['\r', '\\r (carriage return)'],
  ['\n', '\\n (line feed)'],
  ['\\', '\\ (backslash)'],
  ['/', '/ (slash)']
]

export interface ArtifactNameParts {
  /** CPython versions as given, e.g. ["3.11", "3.12"]. */
  pythonVersions: readonly string[]
  platform: PlatformName
  /** The machine architecture as wheel tags spell it (x86_64, aarch64, arm64, AMD64, ARM64). */
  arch: string
  /** The artifact-name input; empty gives the default. */
  override?: string
}

/** "3.11" → "cp311". */
export function cpythonTag(version: string): string {
  return `cp${version.replace('.', '')}`
}

/**
 * The artifact name: the artifact-name input when given, else wheels-<cpXY>[-<cpXZ>...]-<os>-<arch>,
 * e.g. wheels-cp311-linux-x86_64. Throws an InputError naming artifact-name for characters the
 * artifact service rejects.
 */
export function artifactName(parts: ArtifactNameParts): string {
  const override = (parts.override ?? '').trim()
  if (!override) {
    const pythons = parts.pythonVersions.map(cpythonTag).join('-')
    return `wheels-${pythons}-${parts.platform}-${parts.arch}`
  }
  const bad = FORBIDDEN.filter(([c]) => override.includes(c)).map(([, shown]) => shown)
  if (bad.length) {
    throw new InputError(
      'artifact-name',
      `${JSON.stringify(override)} contains ${bad.join(', ')}, which GitHub artifact names may not ` +
        `contain (" : < > | * ? \\r \\n \\ /): use letters, digits, '-', '_' or '.'.`
    )
  }
  return override
}

/** The name for this job's inputs and host. */
export function artifactNameFor(state: Pick<PipelineState, 'inputs' | 'host'>): string {
  return artifactName({
    pythonVersions: state.inputs.pythonVersions,
    platform: state.host.platform,
    arch: state.host.arch,
    override: state.inputs.artifactName
  })
}

/** Whether to upload: `auto` only when the runner provides the artifact service. */
export function artifactDecision(
  mode: ArtifactMode,
  env: Readonly<Record<string, string | undefined>>
): { upload: boolean; reason: string } {
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((v) => !env[v])
  if (mode === 'false') return { upload: false, reason: 'the artifact input is false' }
  if (missing.length === 0) return { upload: true, reason: 'the runner provides the artifact service' }
  const why = `the runner provides no artifact service (${missing.join(' and ')} not set)`
  if (mode === 'true') {
    throw new InputError(
      'artifact',
      `it is true but ${why}. These are set only for JavaScript action steps on GitHub Actions: ` +
        'run the action there, or set artifact to auto (upload when available) or false.'
    )
  }
  return { upload: false, reason: why }
}

export interface ArtifactUpload {
  name: string
  id: number
  size: number
  /** sha256 of the uploaded zip, hex. */
  digest: string
  wheels: number
}

/** What happened to the artifact, for the report: an upload or the reason for none. */
const outcomes = new WeakMap<object, ArtifactUpload | { skipped: string }>()

/** The directory that holds every path (the zip layout is relative to it). */
function commonDir(paths: string[]): string {
  let dir = path.dirname(paths[0])
  for (const p of paths) {
    while (p !== dir && !p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) {
      dir = path.dirname(dir)
    }
  }
  return dir
}

/**
 * Uploads state.wheels as one artifact and sets state.artifactId. Returns undefined when nothing
 * was uploaded (artifact false, no service under auto, or no wheels); the reason is logged.
 */
export async function uploadArtifact(state: PipelineState): Promise<ArtifactUpload | undefined> {
  const skip = (reason: string): undefined => {
    core.info(`Artifact: not uploaded, ${reason}.`)
    outcomes.set(state, { skipped: reason })
    return undefined
  }
  const decision = artifactDecision(state.inputs.artifact, state.host.env)
  if (!decision.upload) return skip(decision.reason)
  const name = artifactNameFor(state)
  const files = [...new Set(state.wheels.map((w) => path.resolve(w.path)))].sort()
  if (files.length === 0) return skip('there are no wheels to upload')

  const root = commonDir(files)
  core.info(`Artifact: uploading ${files.length} wheel(s) from ${root} as '${name}'`)
  let result: { id?: number; size?: number; digest?: string }
  try {
    result = await new DefaultArtifactClient().uploadArtifact(name, files, root, { compressionLevel: 0 })
  } catch (err) {
    const msg = messageOf(err)
    const hint = /\(409\)|already exists/i.test(msg)
      ? ' Artifact names must be unique within a workflow run: give each job its own artifact-name.'
      : ''
    throw new UploadError(`Uploading the artifact '${name}' failed: ${msg}${hint}`, { cause: err })
  }
  if (result.id === undefined) throw new UploadError(`Uploading the artifact '${name}' returned no id.`)
  const upload: ArtifactUpload = {
    name,
    id: result.id,
    size: result.size ?? 0,
    digest: result.digest ?? '',
    wheels: files.length
  }
  state.artifactId = String(upload.id)
  outcomes.set(state, upload)
  core.info(`Artifact: '${name}' id ${upload.id}, ${upload.size} bytes, sha256:${upload.digest}`)
  return upload
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

function humanSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  const units = ['KiB', 'MiB', 'GiB']
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value.toFixed(1)} ${units[unit]}`
}

/** The summary line for the artifact, or undefined when the artifact step did not run. */
export function artifactSummaryLine(state: PipelineState): string | undefined {
  const outcome = outcomes.get(state)
  if (!outcome) return undefined
  if ('skipped' in outcome) return `Artifact: not uploaded, ${escapeHtml(outcome.skipped)}.`
  return (
    `Artifact <code>${escapeHtml(outcome.name)}</code>: id ${outcome.id}, ${outcome.wheels} wheel(s), ` +
    `${humanSize(outcome.size)} (${outcome.size} bytes), digest <code>sha256:${outcome.digest}</code>`
  )
}

/** Sets the artifact-id output and adds the artifact line to the summary (called by the report). */
export function reportArtifact(state: PipelineState, summary: typeof core.summary): void {
  if (state.artifactId) core.setOutput('artifact-id', state.artifactId)
  const line = artifactSummaryLine(state)
  if (line) summary.addRaw(`<p>${line}</p>`, true)
}

/** Fails early (before any build) on an artifact-name the service rejects, or artifact true without it. */
export function checkArtifactInputs(state: Pick<PipelineState, 'inputs' | 'host'>): void {
  if (artifactDecision(state.inputs.artifact, state.host.env).upload) artifactNameFor(state)
}
