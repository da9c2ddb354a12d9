/**
 * Uploads the wheelhouse as a GitHub artifact with @actions/artifact, under a name unique per job
 * (wheels-<pythons>-<os>-<arch>), stored without compression (wheels are zip files already).
 */
import { DefaultArtifactClient } from '@actions/artifact'
import * as core from '@actions/core'
import * as path from 'node:path'
import { UploadError, messageOf } from '../errors.js'
import { commonDir } from '../util/paths.js'

export interface ArtifactUpload {
  name: string
  id: number
  size: number
  /** sha256 of the uploaded zip, hex. */
  digest: string
  wheels: number
}

/** What happened to the artifact, for the report: an upload or the reason for none. */
export type ArtifactOutcome = ArtifactUpload | { skipped: string }

/**
 * Uploads the wheels as one artifact when the plan says so; otherwise (or with no wheels) says why not.
 */
export async function uploadArtifact(
  decision: { upload: boolean; reason: string; name: string },
  wheels: readonly string[]
): Promise<ArtifactOutcome> {
  const skip = (reason: string): ArtifactOutcome => {
    core.info(`Artifact: not uploaded, ${reason}.`)
    return { skipped: reason }
  }
  if (!decision.upload) return skip(decision.reason)
  const { name } = decision
  const files = [...new Set(wheels.map((w) => path.resolve(w)))].sort()
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
  core.info(`Artifact: '${name}' id ${upload.id}, ${upload.size} bytes, sha256:${upload.digest}`)
  return upload
}
