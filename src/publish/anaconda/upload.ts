/**
 * One wheel onto one channel, with the if-exists modes and a replace that never loses the published file,
 * and the whole stage → S3 → commit sequence made safe to repeat after a lost answer.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { UploadError, messageOf } from '../../errors.js'
import { sleep } from '../../util/retry.js'
import { AnacondaHttpError, apiPath, isTransient } from './http.js'
import type { AnacondaClient, DistInfo } from './client.js'
import { inspectWheel, stageBody, type WheelInfo } from './metadata.js'

/** What to do when a file of the same name is already on the channel. */
export type IfExists = 'fail' | 'skip' | 'replace'

export interface UploadOptions {
  owner: string
  labels: string[]
  ifExists: IfExists
  dryRun: boolean
  /** Where a replaced file is kept until its successor is committed. */
  keepDir: string
  /** Rounds of the whole stage/S3/commit sequence (default 3); each request has its own retries. */
  rounds?: number
  /** The run's server and owner checks (HEAD /, GET /user): awaited before anything is decided or written. */
  ready?: Promise<void>
  log?: (line: string) => void
  /** Warnings (a replace that cannot keep the published file); default: log. */
  warn?: (line: string) => void
}

export type UploadStatus =
  'uploaded' | 'replaced' | 'skipped' | 'unchanged' | 'would upload' | 'would replace' | 'would skip'

export interface UploadOutcome {
  basename: string
  name: string
  version: string
  sha256: string
  status: UploadStatus
  /** Where the file can be downloaded (uploaded, replaced, unchanged). */
  url?: string
}

/** The file's download URL on the API server (what the real API's dist.download_url points at). */
export function fileUrl(
  apiUrl: string,
  owner: string,
  w: Pick<WheelInfo, 'name' | 'version' | 'basename'>
): string {
  return apiUrl + apiPath('download', owner, w.name, w.version, w.basename)
}

const sameSet = (a: string[] = [], b: string[] = []): boolean =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n')

/** Labels as the server stores them: no labels means main. */
const effectiveLabels = (labels: string[]): string[] => (labels.length ? labels : ['main'])

/** A wheel's reads, started before its hashes are computed: GET /dist, and the look-ups a new file needs. */
export interface WheelReads {
  dist: Promise<DistInfo | undefined>
  prefetched?: Promise<void>
}

export function startReads(
  client: AnacondaClient,
  w: Pick<WheelInfo, 'name' | 'version' | 'basename'>,
  opts: Pick<UploadOptions, 'owner' | 'ifExists' | 'dryRun'>
): WheelReads {
  const dist = client.getDist(opts.owner, w)
  dist.catch(() => {}) // seen by uploadWheel, or settled by settleReads
  // A new file needs the package and release look-ups; they go with GET /dist. A replace deletes first,
  // which may drop the release, so it looks them up after the delete (anaconda-client 1.12.3's order).
  const prefetched = opts.ifExists !== 'replace' && !opts.dryRun ? client.prefetch(opts.owner, w) : undefined
  return { dist, prefetched }
}

/** Waits until the reads have their answers (no request outlives the upload). */
export async function settleReads(reads: WheelReads): Promise<void> {
  await Promise.allSettled([reads.dist, reads.prefetched])
}

export async function uploadWheel(
  client: AnacondaClient,
  wheel: WheelInfo,
  opts: UploadOptions,
  reads: WheelReads = startReads(client, wheel, opts)
): Promise<UploadOutcome> {
  try {
    return await decideAndUpload(client, wheel, reads.dist, opts)
  } finally {
    await settleReads(reads)
  }
}

async function decideAndUpload(
  client: AnacondaClient,
  wheel: WheelInfo,
  dist: Promise<DistInfo | undefined>,
  opts: UploadOptions
): Promise<UploadOutcome> {
  const log = opts.log ?? (() => {})
  const base = { basename: wheel.basename, name: wheel.name, version: wheel.version, sha256: wheel.sha256 }
  const url = fileUrl(client.apiUrl, opts.owner, wheel)
  // Both settle before anything is decided; the server or owner check's error comes first.
  const [found, ready] = await Promise.allSettled([dist, opts.ready])
  if (ready.status === 'rejected') throw ready.reason
  if (found.status === 'rejected') throw found.reason
  const existing = found.value
  if (!existing) {
    if (opts.dryRun) return { ...base, status: 'would upload' }
    await putFile(client, wheel, opts.owner, opts.labels, opts)
    return { ...base, status: 'uploaded', url }
  }
  if (opts.ifExists === 'fail') {
    throw new UploadError(
      `${wheel.basename} already exists on ${opts.owner} (${wheel.name} ${wheel.version}, sha256 ${existing.sha256 ?? 'unknown'}). ` +
        `Nothing was changed. Set if-exists: replace to replace it, or skip to keep it.`
    )
  }
  if (opts.ifExists === 'skip') {
    log(`${wheel.basename}: already on ${opts.owner}; skipped (if-exists: skip).`)
    return { ...base, status: opts.dryRun ? 'would skip' : 'skipped', url }
  }
  if (existing.sha256 === wheel.sha256 && sameSet(existing.labels, effectiveLabels(opts.labels))) {
    log(
      `${wheel.basename}: the same file (sha256 ${wheel.sha256}) is already on ${opts.owner}; nothing to replace.`
    )
    return { ...base, status: 'unchanged', url }
  }
  if (opts.dryRun) return { ...base, status: 'would replace' }
  await replaceFile(client, wheel, existing, opts)
  return { ...base, status: 'replaced', url }
}

/**
 * Package/release (when missing), stage, S3 POST, commit. Each request retries its own transient failures;
 * a round that still fails, or that failed on a 4xx after a lost answer, is repeated from a fresh look at
 * GET /dist: the same sha256 there means an earlier round got through.
 */
export async function putFile(
  client: AnacondaClient,
  wheel: WheelInfo,
  owner: string,
  labels: string[],
  opts: Pick<UploadOptions, 'rounds' | 'log'>
): Promise<void> {
  const rounds = opts.rounds ?? 3
  const trace = { transient: 0 }
  const alreadyThere = async (): Promise<boolean> => {
    const d = await client.getDist(owner, wheel, trace)
    if (!d) return false
    if (d.sha256 === wheel.sha256) return true
    throw new UploadError(
      `${wheel.basename} appeared on ${owner} with different content (sha256 ${d.sha256}) while uploading: another upload is racing this one.`
    )
  }
  for (let round = 1; ; round++) {
    const before = trace.transient
    try {
      if (round > 1 && (await alreadyThere())) return
      await client.ensurePackageAndRelease(owner, wheel, trace)
      const staged = await client.stage(owner, wheel, stageBody(wheel, labels), trace)
      if (!staged) {
        // 409: the basename exists; after a lost commit answer that is our own file.
        if (await alreadyThere()) return
        throw new UploadError(`POST /stage for ${wheel.basename} → 409 but the file is not there.`)
      }
      await client.s3Upload(wheel, staged, trace)
      await client.commit(owner, wheel, staged.dist_id, trace)
      return
    } catch (err) {
      // The next round looks package and release up again: a 404 from stage means one of them went away
      // (a concurrent delete of its last file), which that look-up mends.
      client.forget(owner, wheel)
      const vanished =
        err instanceof AnacondaHttpError &&
        err.status === 404 &&
        /^POST \S*\/(stage|commit)\//.test(err.target)
      const uncertain = isTransient(err) || trace.transient > before || vanished
      if (round >= rounds || !uncertain) throw err
      opts.log?.(
        `${wheel.basename}: round ${round} of ${rounds} failed (${messageOf(err).split('\n')[0]}); checking and trying again`
      )
      await sleep(50 * round)
    }
  }
}

/** The published file, read back and checked, to be put back if the replace fails. */
interface KeptFile {
  wheel: WheelInfo
  sha: string
  path: string
  labels: string[]
}

/**
 * Downloads the published file and checks it (sha256 as listed, a readable wheel). Only two answers mean
 * there is nothing worth keeping: the file is not there (404), or its bytes are not the ones the server
 * lists (a corrupt copy); then the replace goes ahead with a warning. Any other failure (a 400, a 5xx, a
 * timeout, an oversized or unreadable answer) stops the replace before anything is removed: a good file
 * could otherwise be lost.
 */
async function keepPublished(
  client: AnacondaClient,
  wheel: WheelInfo,
  existing: DistInfo,
  opts: UploadOptions
): Promise<KeptFile | undefined> {
  const warn = opts.warn ?? opts.log ?? (() => {})
  const nothingToKeep = (why: string): undefined => {
    warn(
      `${wheel.basename}: the published file on ${opts.owner} ${why}; nothing of value can be kept, so it is ` +
        'replaced without a copy to put back.'
    )
    return undefined
  }
  const stop = (why: string): never => {
    throw new UploadError(
      `${wheel.basename}: the published file on ${opts.owner} ${why}. Nothing was removed: a replace starts only ` +
        'with a copy of the published file to put back. Run again when it can be downloaded, or remove it by hand.'
    )
  }
  let bytes: Buffer
  try {
    bytes = await client.download(opts.owner, wheel, existing)
  } catch (err) {
    if (err instanceof AnacondaHttpError && err.status === 404) return nothingToKeep('is not there (404)')
    return stop(`could not be downloaded (${messageOf(err).split('\n')[0]})`)
  }
  const sha = createHash('sha256').update(bytes).digest('hex')
  if (existing.sha256 && sha !== existing.sha256) {
    return nothingToKeep(
      `downloaded with sha256 ${sha}, not the ${existing.sha256} the server lists (corrupt)`
    )
  }
  fs.mkdirSync(opts.keepDir, { recursive: true })
  const keptPath = path.join(opts.keepDir, wheel.basename)
  fs.writeFileSync(keptPath, bytes)
  let info: WheelInfo
  try {
    info = { ...inspectWheel(keptPath, bytes), bytes }
  } catch (err) {
    fs.rmSync(keptPath, { force: true })
    return stop(`is not a wheel this action can put back (${messageOf(err).split('\n')[0]})`)
  }
  const labels = existing.labels?.length ? existing.labels : opts.labels
  return { wheel: info, sha, path: keptPath, labels }
}

/** Keeps the old file, deletes it, uploads the new one; puts the old one back if that fails. */
async function replaceFile(
  client: AnacondaClient,
  wheel: WheelInfo,
  existing: DistInfo,
  opts: UploadOptions
): Promise<void> {
  const log = opts.log ?? (() => {})
  const kept = await keepPublished(client, wheel, existing, opts)
  if (kept) log(`${wheel.basename}: kept the published file (sha256 ${kept.sha}); replacing it.`)
  // The release and package were there before this run: if the server drops them with their last file and
  // the upload makes them again, they are still not this run's to remove in a clean-up.
  client.existedBefore(opts.owner, wheel)
  await client.deleteDist(opts.owner, wheel)
  client.forget(opts.owner, wheel) // the server drops an emptied release (and package)
  try {
    await putFile(client, wheel, opts.owner, opts.labels, opts)
  } catch (err) {
    const why = messageOf(err).split('\n')[0]
    if (!kept) {
      throw new UploadError(
        `Replacing ${wheel.basename} on ${opts.owner} failed: ${why}. The previous file was unreadable and is gone.`
      )
    }
    try {
      await putFile(client, kept.wheel, opts.owner, kept.labels, opts)
    } catch (restoreErr) {
      throw new UploadError(
        `Replacing ${wheel.basename} on ${opts.owner} failed (${why}) and putting the previous file back failed too ` +
          `(${messageOf(restoreErr).split('\n')[0]}). The previous file (sha256 ${kept.sha}) is at ${kept.path}; ` +
          `upload it again by hand.`
      )
    }
    throw new UploadError(
      `Replacing ${wheel.basename} on ${opts.owner} failed: ${why}. The previous file (sha256 ${kept.sha}) was put back.`
    )
  }
  if (kept) fs.rmSync(kept.path, { force: true })
}
