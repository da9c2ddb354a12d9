/**
 * The legacy upload API (protocol 1), the only upload route PyPI serves (warehouse forklift/legacy.py;
 * docs/user/api/upload.md): one multipart/form-data POST per file with `:action=file_upload`,
 * `protocol_version=1`, the core metadata under the form's field names, the digest and `content`.
 *
 * Each POST is retried on network errors, 5xx and 429; before each retry the index is read again, since
 * a lost answer may follow a stored file. A redirect is an error (the URL is wrong), as in twine.
 */
import { randomBytes } from 'node:crypto'
import { UploadError } from '../errors.js'
import { AnacondaHttpError, Http, bound, type HttpConfig } from '../publish/anaconda/http.js'
import type { CoreMetadata } from '../publish/anaconda/metadata.js'
import { inert } from '../util/inert.js'
import { retryBaseDelay, sleep } from '../util/retry.js'
import type { IndexReader } from './pypi-index.js'
import { answerMessage, MAX_RETRY_AFTER_MS, retryAfterMs } from './upload-answer.js'
import { USER_AGENT } from './user-agent.js'

/** Every status code: the upload reads each answer itself. */
const ANY_STATUS = Array.from({ length: 500 }, (_, i) => 100 + i)

/** Core-metadata field → form field (docs/user/api/upload.md: lower case, `-` → `_`, multiple-use plural). */
const FIELDS: Record<string, string> = {
  'metadata-version': 'metadata_version',
  name: 'name',
  version: 'version',
  summary: 'summary',
  description: 'description',
  'description-content-type': 'description_content_type',
  keywords: 'keywords',
  'home-page': 'home_page',
  'download-url': 'download_url',
  author: 'author',
  'author-email': 'author_email',
  maintainer: 'maintainer',
  'maintainer-email': 'maintainer_email',
  license: 'license',
  'license-expression': 'license_expression',
  'license-file': 'license_file',
  classifier: 'classifiers',
  'requires-dist': 'requires_dist',
  'requires-python': 'requires_python',
  'requires-external': 'requires_external',
  'project-url': 'project_urls',
  'provides-extra': 'provides_extra',
  'provides-dist': 'provides_dist',
  'obsoletes-dist': 'obsoletes_dist',
  platform: 'platform',
  'supported-platform': 'supported_platform',
  dynamic: 'dynamic',
  'import-name': 'import_name',
  'import-namespace': 'import_namespace',
  requires: 'requires',
  provides: 'provides',
  obsoletes: 'obsoletes'
}

export interface UploadFile {
  basename: string
  kind: 'wheel' | 'sdist'
  pyversion: string
  sha256: string
  data: Buffer
  meta: CoreMetadata
  /** The `attestations` field: a JSON array of PEP 740 attestation objects (none: not sent). */
  attestations?: string
}

/** `2.4` → [2, 4]; an unparseable version sorts first. */
const versionOf = (v: string | undefined): [number, number] => {
  const m = /^(\d+)\.(\d+)$/.exec(v?.trim() ?? '')
  return m ? [Number(m[1]), Number(m[2])] : [0, 0]
}
const atLeast = (v: [number, number], major: number, minor: number): boolean =>
  v[0] > major || (v[0] === major && v[1] >= minor)

/**
 * A field's value as twine sends it (pypa/twine twine/package.py and repository.py, after packaging's
 * metadata parser): the name as `_safe_name` makes it, keywords split at commas and joined with ", ",
 * a Project-URL as "label, url".
 */
function formValue(field: string, v: string): string {
  if (field === 'name') return v.replace(/[^A-Za-z0-9.]+/g, '-')
  if (field === 'keywords')
    return v
      .split(',')
      .map((k) => k.trim())
      .join(', ')
  if (field === 'project_urls') {
    const i = v.indexOf(',')
    return i < 0 ? `${v.trim()}, ` : `${v.slice(0, i).trim()}, ${v.slice(i + 1).trim()}`
  }
  return v
}

/**
 * The form fields for a file, in twine's order: metadata, then the upload's own fields. As twine does,
 * License-File is not sent below Metadata-Version 2.4 (setuptools wrote it into 2.1 metadata, which
 * packaging refuses); Import-Name and Import-Namespace (2.5, PEP 794) go as Warehouse's form reads them.
 */
export function formFields(f: UploadFile): Array<[string, string]> {
  const fields: Array<[string, string]> = []
  const mv = versionOf(f.meta.headers.find(([k]) => k.toLowerCase() === 'metadata-version')?.[1])
  let hasDescription = false
  for (const [k, v] of f.meta.headers) {
    const field = FIELDS[k.toLowerCase()]
    if (!field) continue
    if (field === 'license_file' && !atLeast(mv, 2, 4)) continue
    if (field === 'description') hasDescription = true
    fields.push([field, formValue(field, v)])
  }
  // The body as packaging's parser hands it to twine: verbatim, trailing new lines included.
  if (!hasDescription && f.meta.body) fields.push(['description', f.meta.body])
  fields.push(
    ['pyversion', f.pyversion],
    ['filetype', f.kind === 'wheel' ? 'bdist_wheel' : 'sdist'],
    ['sha256_digest', f.sha256],
    // As twine sends it (`json.dumps` of the list), just before the action (docs/user/api/upload.md).
    ...(f.attestations ? [['attestations', f.attestations] as [string, string]] : []),
    [':action', 'file_upload'],
    ['protocol_version', '1']
  )
  return fields
}

/** The multipart body around the file's bytes: fields first, `content` last. */
export function multipart(f: UploadFile): { boundary: string; head: Buffer; tail: Buffer } {
  const boundary = `----dipy-wheels-${randomBytes(16).toString('hex')}`
  const esc = (s: string): string => s.replace(/["\r\n]/g, (c) => encodeURIComponent(c))
  const parts = formFields(f).map(
    ([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${esc(k)}"\r\n\r\n${v}\r\n`
  )
  parts.push(
    `--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${esc(f.basename)}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n'
  )
  return { boundary, head: Buffer.from(parts.join(''), 'utf8'), tail: Buffer.from(`\r\n--${boundary}--\r\n`) }
}

export type UploadResult = 'uploaded' | 'skipped'

export interface UploaderOptions {
  uploadUrl: string
  /** The token for each request (Trusted Publishing mints again when it runs low). */
  token: () => Promise<string>
  index: IndexReader
  pkg: string
  attempts?: number
  http?: Omit<HttpConfig, 'apiUrl' | 'token'>
  log?: (line: string) => void
}

/** Hints for PyPI's refusals that a re-run cannot fix. */
function hintFor(message: string): string {
  if (/older than 14 days/i.test(message))
    return ' The release is closed to new files: release a new version.'
  if (/previously used/i.test(message))
    return ' A deleted file name cannot be used again: release a new version.'
  if (/Trusted Publishing/i.test(message)) return ''
  return ''
}

export class LegacyUploader {
  private readonly http: Http
  private readonly attempts: number
  private readonly baseDelayMs: number
  posts = 0

  constructor(private readonly opts: UploaderOptions) {
    this.http = new Http({ apiUrl: opts.uploadUrl, attempts: 1, ...opts.http })
    this.attempts = opts.attempts ?? 5
    this.baseDelayMs = retryBaseDelay(2000)
  }

  /** The file's state on the index: absent, the same bytes, or other bytes. */
  private async onIndex(f: UploadFile): Promise<'absent' | 'same' | 'different'> {
    const got = (await this.opts.index.files(this.opts.pkg)).get(f.basename)
    if (!got) return 'absent'
    return got.sha256 === f.sha256 ? 'same' : 'different'
  }

  /**
   * A 4xx other than 429: "already exists" is read against the index (its sha256 of the file, PEP 691/503):
   * the same bytes count as skipped, other bytes (or none listed) are an error naming both digests; any
   * other refusal stops.
   */
  private async refused(f: UploadFile, status: number, message: string): Promise<'skipped'> {
    if (status === 409 || (status === 400 && /already exist/i.test(message))) {
      const there = (await this.opts.index.files(this.opts.pkg)).get(f.basename)
      if (there?.sha256 === f.sha256) return 'skipped'
      const held = there ? `sha256 ${there.sha256 ?? '(not given)'}` : 'no file of this name in its listing'
      throw new UploadError(
        `${f.basename}: the index answered ${status} (${inert(message)}) and holds ${held}; this file's sha256 is ${f.sha256}. PyPI never replaces a file: release a new version, or delete the staged file that differs.`
      )
    }
    if (status >= 300 && status < 400) {
      throw new UploadError(
        `${f.basename}: the upload URL answered a redirect (${status}): give pypi-url as the final upload URL.`
      )
    }
    const auth =
      status === 401 || status === 403
        ? ' Check pypi-token or the Trusted Publisher registered for this workflow.'
        : ''
    throw new UploadError(
      `${f.basename}: the index refused the upload: ${status} ${inert(message)}.${auth}${hintFor(message)}`
    )
  }

  async upload(f: UploadFile): Promise<UploadResult> {
    const { boundary, head, tail } = multipart(f)
    // One bound for the whole file: every POST, every wait and every index read between them.
    const deadline = performance.now() + (this.opts.http?.transferTotalMs ?? bound('transferTotalMs'))
    for (let attempt = 1; ; attempt++) {
      const token = await this.opts.token()
      let message: string
      let wait: number | undefined
      try {
        this.posts++
        const res = await this.http.request('POST', this.opts.uploadUrl, {
          headers: {
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            Authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}`,
            'User-Agent': USER_AGENT
          },
          body: { head, tail, file: f.basename, fileSize: f.data.length, data: f.data },
          allow: ANY_STATUS, // every answer is read here: its reason phrase and Retry-After
          transfer: true,
          deadline
        })
        if (res.status === 200 || res.status === 201) return 'uploaded'
        message = `${res.status} ${answerMessage(res)}`
        if (res.status === 429) {
          wait = retryAfterMs(res.headers.get('retry-after'), Date.now())
          if (wait !== undefined && wait > MAX_RETRY_AFTER_MS) {
            throw new UploadError(
              `${f.basename}: the index is rate limiting uploads and asks to wait ${Math.ceil(wait / 1000)} s (Retry-After), over ${MAX_RETRY_AFTER_MS / 1000} s: run the release again later; it resumes.`
            )
          }
        } else if (res.status < 500) return await this.refused(f, res.status, answerMessage(res))
      } catch (err) {
        if (!(err instanceof AnacondaHttpError) || !err.transient) throw err
        message = err.message
        if (performance.now() >= deadline) {
          throw new UploadError(
            `${f.basename}: the upload failed ${attempt} times within its time bound; last: ${inert(message)}. Run the release again: it resumes.`
          )
        }
      }
      if (attempt >= this.attempts) {
        throw new UploadError(
          `${f.basename}: the upload failed ${attempt} times; last: ${inert(message)}. Run the release again: it resumes.`
        )
      }
      const delay = wait ?? this.baseDelayMs * 2 ** (attempt - 1)
      const why = wait !== undefined ? ' (as Retry-After asks)' : ''
      this.opts.log?.(
        `${f.basename}: ${inert(message)}; reading the index before trying again in ${(delay / 1000).toFixed(1)} s${why}`
      )
      await sleep(delay)
      const state = await this.onIndex(f)
      if (state === 'same') return 'uploaded'
      if (state === 'different')
        throw new UploadError(`${f.basename}: the index now holds a different file of this name.`)
    }
  }
}
