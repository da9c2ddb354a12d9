/**
 * The anaconda.org step: the plan decided where the wheels go (so a missing token failed before anything
 * ran); this uploads what was built, repaired and tested, and returns what happened for the report.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { UploadError } from '../errors.js'
import { uploadAll } from '../publish/anaconda/batch.js'
import type { CleanupResult } from '../publish/anaconda/cleanup.js'
import type { UploadOutcome } from '../publish/anaconda/upload.js'
import type { UploadDecision } from '../publish/target.js'
import type { WheelRecord } from './results.js'

export interface PublishResult {
  outcomes: UploadOutcome[]
  cleanup: CleanupResult[]
  /** URLs of the files uploaded (or replaced). */
  uploaded: string[]
}

/** Uploads the wheels as decided. Throws UploadError naming every file that failed (after the others went up). */
export async function publish(
  decision: UploadDecision,
  token: string,
  wheels: readonly WheelRecord[],
  temp: string
): Promise<PublishResult> {
  const none: PublishResult = { outcomes: [], cleanup: [], uploaded: [] }
  if (decision.target === 'none') {
    core.info(`No upload to anaconda.org: ${decision.reason}.`)
    return none
  }
  if (wheels.length === 0) {
    core.info(`No wheels to upload to ${decision.channel}: nothing was built.`)
    return none
  }
  // The build's size and sha256 of each wheel are reused: the upload computes only the MD5 for S3.
  const result = await uploadAll(
    wheels.map((w) => ({ path: w.path, size: w.size, sha256: w.sha256 })),
    {
      apiUrl: decision.anacondaUrl,
      token: token || undefined,
      owner: decision.channel,
      labels: decision.labels,
      ifExists: decision.ifExists,
      dryRun: decision.dryRun,
      keepVersions: decision.keepVersions,
      keepDir: path.join(temp, 'dipy-wheels-replaced'),
      http: {
        authHint: `Check that the ${decision.tokenInput} input holds an anaconda.org token with api:write on ${decision.channel}.`
      },
      log: (l) => core.info(l),
      warn: (l) => core.warning(l)
    }
  )
  const published: PublishResult = {
    outcomes: result.outcomes,
    cleanup: result.cleanup,
    uploaded: result.outcomes
      .filter((o) => o.status === 'uploaded' || o.status === 'replaced')
      .map((o) => o.url!)
  }
  if (decision.dryRun) {
    core.info(`Dry run: nothing was sent to ${decision.anacondaUrl}.`)
    for (const o of result.outcomes) core.info(`  ${o.status}: ${o.basename}`)
  }
  if (result.failures.length) {
    throw new PublishError(
      `${result.failures.length} of ${wheels.length} wheels were not uploaded to ${decision.channel}:\n` +
        result.failures.map((f) => `  ${f.basename}: ${f.message}`).join('\n'),
      published
    )
  }
  return published
}

/** A failed upload that still carries what did go up, for the report. */
export class PublishError extends UploadError {
  constructor(
    message: string,
    readonly result: PublishResult
  ) {
    super(message)
  }
}
