/**
 * The release's two waits on servers that are slow to show what they hold: the staging channel until the
 * expected set is listed (a file just staged can take minutes to show), and the index after the upload until
 * it lists every file with its sha256.
 */
import * as core from '@actions/core'
import { retryBaseDelay, sleep } from '../util/retry.js'
import { checkComplete, type Completeness } from './expected.js'
import type { ReleaseInputs } from './inputs.js'
import type { IndexReader } from './pypi-index.js'
import { listStaged, type StagedFile, type StagedRecord } from './staging.js'

/** Lists the channel until the expected set is there: a file just staged can take minutes to show. */
export async function listComplete(
  inputs: ReleaseInputs,
  attempts: number
): Promise<{ records: StagedRecord[]; completeness: Completeness }> {
  const delay = retryBaseDelay(60_000)
  for (let attempt = 1; ; attempt++) {
    const records = await listStaged({
      apiUrl: inputs.anacondaUrl,
      token: inputs.stagingToken || undefined,
      owner: inputs.stagingChannel,
      pkg: inputs.package,
      version: inputs.version,
      labels: inputs.labels
    })
    const completeness = checkComplete(
      records.map((r) => r.basename),
      inputs.expected,
      inputs.package,
      inputs.version
    )
    const missingOnly =
      completeness.slots.some((s) => s.files.length === 0) && completeness.extra.length === 0
    if (completeness.ok || !missingOnly || attempt >= attempts) return { records, completeness }
    core.info(
      `The staging channel lists ${records.length} file(s) and some expected ones are missing; listing again in ${(delay / 1000).toFixed(0)} s (attempt ${attempt} of ${attempts}).`
    )
    await sleep(delay)
  }
}

/** Reads the index until it lists every file with its sha256; returns the names still missing. */
export async function awaitOnIndex(index: IndexReader, pkg: string, files: StagedFile[]): Promise<string[]> {
  const delay = retryBaseDelay(5000)
  for (let attempt = 1; ; attempt++) {
    const there = await index.files(pkg)
    const missing = files
      .filter((f) => there.get(f.basename)?.sha256 !== f.sha256Actual)
      .map((f) => f.basename)
    if (!missing.length || attempt >= 6) return missing
    await sleep(delay * attempt)
  }
}
