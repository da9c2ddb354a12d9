/**
 * The build's manifest: SHA256SUMS of the wheelhouse (sha256sum's format, so `sha256sum --check` reads it)
 * and build-provenance.json beside it, saying which workflow run built those bytes. Both are written into
 * the wheelhouse and uploaded as their own small artifact, `<wheels artifact name>-manifest`, which the
 * release downloads (actions/download-artifact with a pattern) and checks every staged file against.
 */
import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { UploadError, messageOf } from '../errors.js'
import { formatSha256Sums } from '../util/sha256sums.js'

export const SUMS_FILE = 'SHA256SUMS'
export const PROVENANCE_FILE = 'build-provenance.json'
/** The provenance file's schema name and version: a reader refuses another. */
export const PROVENANCE_SCHEMA = 'dipy-wheels-build-provenance/1'

/** The workflow run that built the wheels, from the runner's GITHUB_* variables (empty outside GitHub). */
export interface BuildRun {
  serverUrl: string
  repository: string
  runId: string
  runAttempt: string
  workflowRef: string
  /** The commit of the workflow's repository (dipy-wheels), GITHUB_SHA. */
  sha: string
  job: string
}

export interface BuildProvenance {
  schema: typeof PROVENANCE_SCHEMA
  run: BuildRun
  /** The source built: the repository input and the checked-out commit. */
  source: { repository: string; commit: string }
  /** SOURCE_DATE_EPOCH of the build (the commit's time), when set. */
  sourceDateEpoch?: number
  /** The wheels artifact's name (the manifest artifact is this name + "-manifest"). */
  artifact: string
  wheels: Array<{ name: string; sha256: string; size: number }>
}

export function buildRunOf(env: Readonly<Record<string, string | undefined>>): BuildRun {
  const v = (k: string): string => env[k] ?? ''
  return {
    serverUrl: v('GITHUB_SERVER_URL') || (v('GITHUB_RUN_ID') ? 'https://github.com' : ''),
    repository: v('GITHUB_REPOSITORY'),
    runId: v('GITHUB_RUN_ID'),
    runAttempt: v('GITHUB_RUN_ATTEMPT'),
    workflowRef: v('GITHUB_WORKFLOW_REF'),
    sha: v('GITHUB_SHA'),
    job: v('GITHUB_JOB')
  }
}

/** The manifest artifact's name for a wheels artifact's. */
export const manifestArtifactName = (wheelsArtifact: string): string => `${wheelsArtifact}-manifest`

export interface ManifestFiles {
  dir: string
  sums: string
  provenance: string
}

/** Writes SHA256SUMS and build-provenance.json into `dir` (the wheelhouse). */
export function writeManifest(dir: string, p: BuildProvenance): ManifestFiles {
  fs.mkdirSync(dir, { recursive: true })
  const sums = path.join(dir, SUMS_FILE)
  const provenance = path.join(dir, PROVENANCE_FILE)
  fs.writeFileSync(sums, formatSha256Sums(p.wheels))
  fs.writeFileSync(provenance, JSON.stringify(p, null, 2) + '\n')
  core.info(`Build manifest: ${sums} (${p.wheels.length} wheel(s)) and ${provenance}`)
  return { dir, sums, provenance }
}

/** Uploads the two files as the artifact `<name>-manifest`; returns its name and id. */
export async function uploadManifest(
  files: ManifestFiles,
  wheelsArtifact: string
): Promise<{ name: string; id: number }> {
  const name = manifestArtifactName(wheelsArtifact)
  let id: number | undefined
  try {
    id = (await new DefaultArtifactClient().uploadArtifact(name, [files.sums, files.provenance], files.dir))
      .id
  } catch (err) {
    throw new UploadError(
      `Uploading the build manifest as the artifact '${name}' failed: ${messageOf(err)}`,
      {
        cause: err
      }
    )
  }
  if (id === undefined) throw new UploadError(`Uploading the artifact '${name}' returned no id.`)
  core.info(`Build manifest: artifact '${name}' id ${id}`)
  return { name, id }
}
