/**
 * The staging channel's files for one version, through the anaconda.org API (`GET /release/{owner}/{pkg}/
 * {version}` and its `distributions`, as anaconda-client's `show` reads them), and their bytes, verified
 * against the channel's record before anything else looks at them.
 */
import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import { UploadError } from '../errors.js'
import { ServerDataError, serverFileName } from '../util/server-data.js'
import { Json } from '../util/shape.js'
import { apiPath, Http, type HttpConfig } from '../publish/anaconda/http.js'

/** One file record of the channel (the fields the release uses). */
export interface StagedRecord {
  basename: string
  version: string
  size: number
  md5: string
  /** 64 hex digits, or undefined when the record has none (old uploads hold the string "None"). */
  sha256?: string
  labels: string[]
  uploadTime: string
  downloadUrl: string
}

export interface StagedFile extends StagedRecord {
  data: Buffer
  /** The sha256 of the downloaded bytes (always computed). */
  sha256Actual: string
}

const HEX64 = /^[0-9a-f]{64}$/
const HEX32 = /^[0-9a-f]{32}$/

/**
 * One record of the listing, checked where it enters: its name (a wheel or sdist file name, see
 * serverFileName), its size, digests, labels and download URL (an http(s) URL), each of the type the
 * release reads. Anything else is an error naming the server and the record.
 */
function toRecord(apiUrl: string, server: string, d: Json): StagedRecord {
  const where = (field: string): string => `${d.path}.${field}`
  const basename = serverFileName(server, `the record ${d.path}`, d.get('basename').value)
  const named = `${server}: ${basename} (${d.path})`
  const sha = (d.get('sha256').optString() ?? '').toLowerCase()
  const md5 = (d.get('md5').optString() ?? '').toLowerCase()
  if (!HEX32.test(md5) && !HEX64.test(sha)) {
    throw new ServerDataError(`${named} has neither an md5 nor a sha256 digest (${where('md5')}).`)
  }
  let url = d.get('download_url').string()
  // anaconda.org gives a protocol-relative URL (//api.anaconda.org/download/...).
  if (url.startsWith('//')) url = new URL(apiUrl).protocol + url
  let parsed: URL | undefined
  try {
    parsed = new URL(url, apiUrl + '/')
  } catch {
    parsed = undefined
  }
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol)) {
    throw new ServerDataError(`${named}: ${where('download_url')} is not an http(s) URL.`)
  }
  return {
    basename,
    version: d.get('version').string(),
    size: d.get('size').count(),
    md5,
    sha256: HEX64.test(sha) ? sha : undefined,
    labels: d.get('labels').strings(),
    uploadTime: d.get('upload_time').optString() ?? '',
    downloadUrl: parsed.href
  }
}

export interface ListOptions {
  apiUrl: string
  token?: string
  owner: string
  pkg: string
  version: string
  labels: string[]
  http?: Omit<HttpConfig, 'apiUrl' | 'token'>
}

/**
 * The records of the version that carry one of the labels. A missing release gives []. Two records of
 * one name are refused (the channel would serve either).
 */
export async function listStaged(opts: ListOptions): Promise<StagedRecord[]> {
  const http = new Http({
    apiUrl: opts.apiUrl,
    token: opts.token,
    authHint: 'Check staging-token (or leave it empty for a public channel).',
    ...opts.http
  })
  const res = await http.api('GET', apiPath('release', opts.owner, opts.pkg, opts.version), undefined, {
    allow: [200, 404]
  })
  if (res.status === 404) return []
  const server = `anaconda.org at ${http.apiUrl} (release ${opts.owner}/${opts.pkg}/${opts.version})`
  const list = new Json(res.json<unknown>(), server).get('distributions')
  if (!Array.isArray(list.value)) {
    throw new ServerDataError(
      `anaconda.org answered the release ${opts.owner}/${opts.pkg}/${opts.version} without a distributions list.`
    )
  }
  const records = list
    .items()
    .map((d) => toRecord(http.apiUrl, server, d))
    .filter((r) => r.labels.some((l) => opts.labels.includes(l)))
  const seen = new Set<string>()
  const dupes = new Set<string>()
  for (const r of records) {
    if (seen.has(r.basename)) dupes.add(r.basename)
    seen.add(r.basename)
  }
  if (dupes.size) {
    throw new UploadError(
      `The staging channel lists ${[...dupes].join(', ')} more than once: remove the extra copies on anaconda.org and run again.`
    )
  }
  return records.sort((a, b) => (a.basename < b.basename ? -1 : a.basename > b.basename ? 1 : 0))
}

export interface DownloadOptions {
  apiUrl: string
  token?: string
  http?: Omit<HttpConfig, 'apiUrl' | 'token'>
}

/**
 * Downloads one file and checks it: size, sha256 against the record (md5 with a warning where the record
 * has none). The API answers a download with the bytes or a redirect to storage; the token goes only to
 * the API's origin (see Http.download), and no more than the record's size is read.
 */
export async function downloadStaged(rec: StagedRecord, opts: DownloadOptions): Promise<StagedFile> {
  if (!rec.downloadUrl) throw new UploadError(`${rec.basename}: the channel's record has no download URL.`)
  // The token is bound to the API's origin: a download URL or a redirect elsewhere goes without it.
  const http = new Http({ apiUrl: opts.apiUrl, token: opts.token, ...opts.http })
  const data = await http.download(rec.downloadUrl, rec.size)
  const sha256Actual = createHash('sha256').update(data).digest('hex')
  const problems: string[] = []
  if (data.length !== rec.size) problems.push(`size ${data.length} bytes, the channel records ${rec.size}`)
  if (rec.sha256) {
    if (sha256Actual !== rec.sha256)
      problems.push(`sha256 ${sha256Actual}, the channel records ${rec.sha256}`)
  } else {
    const md5 = createHash('md5').update(data).digest('hex')
    if (md5 !== rec.md5) problems.push(`md5 ${md5}, the channel records ${rec.md5}`)
    else core.warning(`${rec.basename}: the channel records no sha256; checked against its md5 only.`)
  }
  if (problems.length) {
    throw new UploadError(
      `${rec.basename} downloaded from the staging channel does not match: ${problems.join('; ')}. ` +
        'The staged bytes are not the ones that were built: stage the file again from the build run, then release.'
    )
  }
  return { ...rec, data, sha256Actual }
}
