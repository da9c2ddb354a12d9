/** Many wheels onto one channel: check the server and owner once, upload through a small pool, then clean up. */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { UploadError, messageOf } from '../../errors.js'
import { inert } from '../../util/inert.js'
import type { IfExists } from './upload.js'
import { removeAbandoned } from './abandoned.js'
import { AnacondaClient } from './client.js'
import { cleanupPackage, type CleanupResult } from './cleanup.js'
import type { HttpConfig } from './http.js'
import { header, inspectWheel, readMetadata, type WheelInfo } from './metadata.js'
import { settleReads, startReads, uploadWheel, type UploadOutcome } from './upload.js'

export interface BatchOptions {
  apiUrl: string
  token?: string
  owner: string
  labels: string[]
  ifExists: IfExists
  dryRun: boolean
  /** Remove versions beyond the newest N after a fully successful upload (0: keep all). */
  keepVersions: number
  /** Directory for files kept during a replace. */
  keepDir: string
  /** Wheels in flight at once (default 4). */
  concurrency?: number
  /** Timeouts, attempts, backoff and the 401 hint. */
  http?: Omit<HttpConfig, 'apiUrl' | 'token'>
  rounds?: number
  log?: (line: string) => void
  warn?: (line: string) => void
}

export interface BatchResult {
  outcomes: UploadOutcome[]
  failures: Array<{ basename: string; message: string }>
  cleanup: CleanupResult[]
}

/** Runs fn over items with at most n at once; never rejects. */
export async function pool<T, R>(
  items: T[],
  n: number,
  fn: (t: T) => Promise<R>
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]) }
      } catch (reason) {
        results[i] = { status: 'rejected', reason }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker))
  return results
}

/** A wheel to upload: its path, or its path with the size and sha256 the build recorded (WheelRecord). */
export type WheelFile = string | { path: string; size: number; sha256: string }

const pathOf = (f: WheelFile): string => (typeof f === 'string' ? f : f.path)

/** The wheel files sorted by name, the same path given twice dropped; two different files of one name refused. */
export function uniqueWheels<F extends WheelFile>(files: F[]): F[] {
  const byName = new Map<string, F>()
  for (const f of files) {
    const base = path.basename(pathOf(f))
    const prev = byName.get(base)
    if (prev && path.resolve(pathOf(prev)) !== path.resolve(pathOf(f))) {
      throw new UploadError(
        `Two wheels are named ${base} (${pathOf(prev)} and ${pathOf(f)}): only one can be uploaded.`
      )
    }
    byName.set(base, f)
  }
  return [...byName.keys()].sort().map((b) => byName.get(b) as F)
}

/**
 * Reads a wheel once: hashes and METADATA, and its bytes kept for the S3 POST (sent as hashed). With the
 * build's record, its sha256 is reused when the size still matches (a file that changed is refused).
 */
export async function readWheel(file: WheelFile): Promise<WheelInfo> {
  return wheelOf(file, await fs.readFile(pathOf(file)))
}

/** Name, version and basename from METADATA, before any hashing; undefined when METADATA lacks them. */
function wheelHead(
  file: WheelFile,
  bytes: Buffer
): Pick<WheelInfo, 'name' | 'version' | 'basename'> | undefined {
  const basename = path.basename(pathOf(file))
  try {
    const meta = readMetadata(bytes, basename)
    const name = header(meta, 'Name')
    const version = header(meta, 'Version')
    return name && version ? { basename, name, version } : undefined
  } catch {
    return undefined // inspectWheel reports it
  }
}

function wheelOf(file: WheelFile, bytes: Buffer): WheelInfo {
  const p = pathOf(file)
  if (typeof file === 'string') return { ...inspectWheel(p, bytes), bytes }
  if (bytes.length !== file.size) {
    throw new UploadError(
      `${path.basename(p)} is ${bytes.length} bytes, not the ${file.size} it had when it was built: it changed since.`
    )
  }
  return { ...inspectWheel(p, bytes, file.sha256), bytes }
}

export async function uploadAll(files: WheelFile[], opts: BatchOptions): Promise<BatchResult> {
  const log = opts.log ?? (() => {})
  const warn = opts.warn ?? log
  const paths = uniqueWheels(files)
  const client = new AnacondaClient({ ...opts.http, apiUrl: opts.apiUrl, token: opts.token })
  // The server and owner checks go together with the first wheels' reads (GET /dist and the look-ups);
  // every wheel waits for them before it decides or writes anything, and their error comes first.
  const ready = Promise.all([client.checkServer(), client.checkOwner(opts.owner)]).then(() => undefined)
  ready.catch(() => {})
  // Each worker reads (METADATA, hashes) its wheel just before sending it, so reading overlaps the uploads;
  // the bytes live only as long as that wheel's upload.
  const wheels: Array<Pick<WheelInfo, 'name' | 'version'>> = []
  const read = new Map<WheelFile, Pick<WheelInfo, 'name' | 'version'>>()
  const settled = await pool(paths, opts.concurrency ?? 4, async (file) => {
    const bytes = await fs.readFile(pathOf(file))
    // GET /dist and the look-ups go out first; the hashes are computed while they are on the way.
    const head = wheelHead(file, bytes)
    const reads = head && startReads(client, head, opts)
    let w: WheelInfo
    try {
      w = wheelOf(file, bytes)
    } catch (err) {
      if (reads) await settleReads(reads)
      throw err
    }
    wheels.push({ name: w.name, version: w.version })
    read.set(file, { name: w.name, version: w.version })
    const outcome = await uploadWheel(client, w, { ...opts, log, warn, ready }, reads)
    log(`${w.basename}: ${outcome.status} (sha256 ${w.sha256})`)
    return outcome
  })
  await ready
  const outcomes: UploadOutcome[] = []
  const failures: BatchResult['failures'] = []
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') outcomes.push(s.value)
    else failures.push({ basename: path.basename(pathOf(paths[i])), message: messageOf(s.reason) })
  })
  // Like anaconda-client, a failed upload does not leave behind the empty release (and package) it created.
  const abandoned = new Set<string>()
  settled.forEach((s, i) => {
    const w = read.get(paths[i])
    if (s.status === 'rejected' && w) abandoned.add(JSON.stringify([w.name, w.version]))
  })
  for (const key of abandoned) {
    const [name, version] = JSON.parse(key) as [string, string]
    const { removed } = await removeAbandoned(client, opts.owner, name, version, warn)
    for (const what of removed) log(`Removed ${what}: created by this run, left empty by the failed upload.`)
  }
  const cleanup: CleanupResult[] = []
  if (opts.keepVersions > 0 && failures.length === 0) {
    const names = [...new Set(wheels.map((w) => w.name))]
    for (const name of names) {
      const protect = [...new Set(wheels.filter((w) => w.name === name).map((w) => w.version))]
      const result = await cleanupPackage(
        client,
        opts.owner,
        name,
        opts.keepVersions,
        protect,
        opts.dryRun,
        warn
      )
      const verb = opts.dryRun ? 'would remove' : 'removed'
      const list = opts.dryRun ? result.plan.remove : result.removed
      if (!result.plan.refused) {
        log(
          `keep-versions ${opts.keepVersions}: ${verb} ${list.length ? inert(list.join(', ')) : 'nothing'} from ${opts.owner}/${name}`
        )
      }
      cleanup.push(result)
    }
  }
  return { outcomes, failures, cleanup }
}
