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
import { USER_AGENT } from './user-agent.js'

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
}

/** The form fields for a file, in twine's order: metadata, then the upload's own fields. */
export function formFields(f: UploadFile): Array<[string, string]> {
  const fields: Array<[string, string]> = []
  let hasDescription = false
  for (const [k, v] of f.meta.headers) {
    const field = FIELDS[k.toLowerCase()]
    if (!field) continue
    if (field === 'description') hasDescription = true
    fields.push([field, v])
  }
  const body = f.meta.body.replace(/\s+$/, '')
  if (!hasDescription && body) fields.push(['description', body])
  fields.push(
    ['pyversion', f.pyversion],
    ['filetype', f.kind === 'wheel' ? 'bdist_wheel' : 'sdist'],
    ['sha256_digest', f.sha256],
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

  async upload(f: UploadFile): Promise<UploadResult> {
    const { boundary, head, tail } = multipart(f)
    // One bound for the whole file: every POST, every wait and every index read between them.
    const deadline = performance.now() + (this.opts.http?.transferTotalMs ?? bound('transferTotalMs'))
    for (let attempt = 1; ; attempt++) {
      const token = await this.opts.token()
      let status: number
      let message = ''
      try {
        this.posts++
        const res = await this.http.request('POST', this.opts.uploadUrl, {
          headers: {
            'Content-Type': `multipart/form-data; boundary=${boundary}`,
            Authorization: `Basic ${Buffer.from(`__token__:${token}`).toString('base64')}`,
            'User-Agent': USER_AGENT
          },
          body: { head, tail, file: f.basename, fileSize: f.data.length, data: f.data },
          allow: [200, 201],
          transfer: true,
          deadline
        })
        status = res.status
      } catch (err) {
        if (!(err instanceof AnacondaHttpError)) throw err
        status = err.status ?? 0
        message = err.serverMessage ?? err.message
        if (!err.transient) {
          if (status === 409 || (status === 400 && /already exist/i.test(message))) {
            const state = await this.onIndex(f)
            if (state === 'same') return 'skipped'
            throw new UploadError(
              `${f.basename}: the index holds a different file of this name (${status}). PyPI never replaces a file: release a new version, or delete the staged file that differs.`
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
        if (attempt >= this.attempts || performance.now() >= deadline) {
          throw new UploadError(
            `${f.basename}: the upload failed ${attempt} times; last: ${err.message}. Run the release again: it resumes.`
          )
        }
      }
      if (status === 200 || status === 201) return 'uploaded'
      const delay = this.baseDelayMs * 2 ** (attempt - 1)
      this.opts.log?.(
        `${f.basename}: ${inert(message || String(status))}; reading the index before trying again in ${(delay / 1000).toFixed(1)} s`
      )
      await sleep(delay)
      const state = await this.onIndex(f)
      if (state === 'same') return 'uploaded'
      if (state === 'different')
        throw new UploadError(`${f.basename}: the index now holds a different file of this name.`)
    }
  }
}
