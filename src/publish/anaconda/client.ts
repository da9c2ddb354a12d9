/**
 * The anaconda.org API calls anaconda-client 1.14 makes for `upload` and `remove` (its
 * binstar_client/__init__.py class Binstar, commands/upload.py and commands/remove.py), one method each,
 * with that client's allowed statuses.
 */
import * as fs from 'node:fs'
import { randomBytes } from 'node:crypto'
import { UploadError } from '../../errors.js'
import { Http, apiPath, type FileBody, type HttpConfig, type HttpResponse } from './http.js'
import type { WheelInfo } from './metadata.js'
import { ServerDataError } from '../../util/server-data.js'
import { Json } from '../../util/shape.js'

/** The parts of a dist object the upload reads. */
export interface DistInfo {
  basename: string
  sha256?: string
  labels?: string[]
  upload_time?: string
  download_url?: string
  /** Bytes, as the server declares them. */
  size?: number
}

export interface StageAnswer {
  post_url: string
  form_data: Record<string, string>
  dist_id: string
}

export interface PackageInfo {
  releases?: Array<{ version?: unknown }>
  files?: Array<{ version?: unknown; upload_time?: unknown; basename?: unknown }>
}

type Trace = { transient: number }

export class AnacondaClient {
  readonly http: Http

  constructor(config: HttpConfig) {
    this.http = new Http(config)
  }

  get apiUrl(): string {
    return this.http.apiUrl
  }

  /** HEAD of the API root: 200 or the API URL is wrong. */
  async checkServer(): Promise<void> {
    const res = await this.http.api('HEAD', '', undefined, { allow: [200, 404] })
    if (res.status === 404) {
      throw new UploadError(
        `API server is unavailable at ${this.apiUrl}. Please check the anaconda-url input.`
      )
    }
  }

  /** GET /user/<owner>: the channel must exist. */
  async checkOwner(owner: string): Promise<void> {
    const res = await this.http.api('GET', apiPath('user', owner), undefined, { allow: [200, 404] })
    if (res.status === 404) {
      throw new UploadError(`User "${owner}" does not exist on ${this.apiUrl}: check the channel input.`)
    }
  }

  /** GET /dist/...: the dist object, or undefined (404). */
  async getDist(owner: string, w: Pick<WheelInfo, 'name' | 'version' | 'basename'>, trace?: Trace) {
    const res = await this.http.api('GET', apiPath('dist', owner, w.name, w.version, w.basename), undefined, {
      allow: [200, 404],
      trace
    })
    return res.status === 404 ? undefined : this.distInfo(res, w.basename)
  }

  /** A dist object, checked: the fields the upload reads, of their types (sha256 as 64 hex digits). */
  private distInfo(res: HttpResponse, basename: string): DistInfo {
    const d = new Json(res.json<unknown>(), `anaconda.org at ${this.apiUrl} (dist ${basename})`)
    d.object()
    const sha = d.get('sha256').optString()?.toLowerCase()
    if (sha !== undefined && !/^[0-9a-f]{64}$/.test(sha) && sha !== 'none') {
      throw new ServerDataError(`${d.server}: sha256 is not 64 hex digits.`)
    }
    const url = d.get('download_url').optString()
    return {
      basename: d.get('basename').optString() ?? basename,
      ...(sha && sha !== 'none' ? { sha256: sha } : {}),
      labels: d.get('labels').strings(),
      ...(url ? { download_url: url } : {}),
      ...(d.get('size').has() ? { size: d.get('size').count() } : {}),
      upload_time: d.get('upload_time').optString()
    }
  }

  /** DELETE /dist/... (200 + JSON). A 404 means it is already gone. */
  async deleteDist(owner: string, w: Pick<WheelInfo, 'name' | 'version' | 'basename'>, trace?: Trace) {
    await this.http.api('DELETE', apiPath('dist', owner, w.name, w.version, w.basename), undefined, {
      allow: [200, 404],
      trace
    })
  }

  async getPackage(owner: string, name: string): Promise<PackageInfo | undefined> {
    const res = await this.http.api('GET', apiPath('package', owner, name), undefined, { allow: [200, 404] })
    if (res.status === 404) return undefined
    // The clean-up's planCleanup refuses a listing whose entries look wrong; here only the outline is checked.
    const p = new Json(res.json<unknown>(), `anaconda.org at ${this.apiUrl} (package ${name})`)
    p.object()
    return p.value as PackageInfo
  }

  /**
   * Package and release, created from the wheel's METADATA when missing (steps 4–7). Each is looked up once
   * per run (per client), both at once (neither answer changes the other request), and created once: later
   * wheels of the same name and version wait for the first look-up or POST instead of repeating it.
   * forget() drops what a delete or a failed round may have changed.
   */
  async ensurePackageAndRelease(owner: string, w: WheelInfo, trace?: Trace): Promise<void> {
    const pkg = apiPath('package', owner, w.name)
    const release = apiPath('release', owner, w.name, w.version)
    const [hasPackage, hasRelease] = await Promise.all([this.lookUp(pkg, trace), this.lookUp(release, trace)])
    if (!hasPackage) await this.create(pkg, w.packageBody, trace)
    if (!hasRelease) await this.create(release, w.releaseBody, trace)
  }

  /**
   * The package and release look-ups, started early: they need no earlier answer, so they can go together
   * with GET /dist. Never rejects (a failure is seen again by ensurePackageAndRelease).
   */
  async prefetch(owner: string, w: Pick<WheelInfo, 'name' | 'version'>): Promise<void> {
    await Promise.allSettled([
      this.lookUp(apiPath('package', owner, w.name)),
      this.lookUp(apiPath('release', owner, w.name, w.version))
    ])
  }

  /** Looks the package and release up again next time (after a delete, which may remove both). */
  forget(owner: string, w: Pick<WheelInfo, 'name' | 'version'>): void {
    for (const p of [apiPath('package', owner, w.name), apiPath('release', owner, w.name, w.version)]) {
      this.exists.delete(p)
      this.creating.delete(p)
    }
  }

  /** GET answers (exists or not) and POSTs made, by path; a failed one is dropped, so it is tried again. */
  private readonly exists = new Map<string, Promise<boolean>>()
  private readonly creating = new Map<string, Promise<void>>()

  /** API paths of the packages and releases this client created (POST answered 200), for the clean-up. */
  readonly created = new Set<string>()
  /** Paths known to have existed before this run (never counted as created). */
  private readonly before = new Set<string>()

  /** The package and release of a published file existed before this run. */
  existedBefore(owner: string, w: Pick<WheelInfo, 'name' | 'version'>): void {
    this.before.add(apiPath('package', owner, w.name))
    this.before.add(apiPath('release', owner, w.name, w.version))
  }

  private once<T>(cache: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
    let p = cache.get(key)
    if (!p) {
      const made = make()
      p = made
      cache.set(key, made)
      made.catch(() => {
        if (cache.get(key) === made) cache.delete(key)
      })
    }
    return p
  }

  private lookUp(path: string, trace?: Trace): Promise<boolean> {
    return this.once(this.exists, path, async () => {
      const got = await this.http.api('GET', path, undefined, { allow: [200, 404], trace })
      return got.status === 200
    })
  }

  /** POST; a 409 (an earlier POST whose answer was lost, or another wheel's) is re-checked with a GET. */
  private create(path: string, body: unknown, trace?: Trace): Promise<void> {
    return this.once(this.creating, path, async () => {
      const made = await this.http.api('POST', path, body, { allow: [200, 409], trace })
      if (made.status === 200 && !this.before.has(path)) this.created.add(path)
      if (made.status === 409) await this.http.api('GET', path, undefined, { trace })
      this.exists.set(path, Promise.resolve(true))
    })
  }

  /** POST /stage/...: where to send the bytes. 409 = the basename exists (returned as undefined). */
  async stage(owner: string, w: WheelInfo, body: unknown, trace?: Trace): Promise<StageAnswer | undefined> {
    const res = await this.http.api('POST', apiPath('stage', owner, w.name, w.version, w.basename), body, {
      allow: [200, 409],
      trace
    })
    if (res.status === 409) return undefined
    const s = new Json(res.json<unknown>(), `anaconda.org at ${this.apiUrl} (POST /stage for ${w.basename})`)
    return {
      post_url: s.get('post_url').string(),
      form_data: s.get('form_data').stringMap(),
      dist_id: s.get('dist_id').string()
    }
  }

  /** The S3 form POST (step 9): form_data fields in order, Content-Length, Content-MD5, then `file`; 201. */
  async s3Upload(w: WheelInfo, s: StageAnswer, trace?: Trace): Promise<void> {
    const { body, contentType } = await multipartBody(s.form_data, w)
    await this.http.request('POST', new URL(s.post_url, this.apiUrl + '/').href, {
      headers: { 'Content-Type': contentType, 'User-Agent': 'dipy-wheels-action/0.1' },
      body,
      allow: [201],
      transfer: true,
      trace
    })
  }

  /** POST /commit/... with the stage's dist_id; the answer may carry the file's `url`. */
  async commit(owner: string, w: WheelInfo, distId: string, trace?: Trace): Promise<HttpResponse> {
    return this.http.api(
      'POST',
      apiPath('commit', owner, w.name, w.version, w.basename),
      { dist_id: distId },
      { trace }
    )
  }

  /** DELETE /release/... (201; 404 = already gone). */
  async removeRelease(owner: string, name: string, version: string): Promise<void> {
    await this.http.api('DELETE', apiPath('release', owner, name, version), undefined, {
      allow: [201, 200, 404]
    })
  }

  /**
   * The bytes of a published file, from its dist's download_url (or /download/...): redirects followed,
   * the token only to the API's origin (never to storage or to another host the dist names), at most the
   * dist's declared size.
   */
  async download(
    owner: string,
    w: Pick<WheelInfo, 'name' | 'version' | 'basename'>,
    dist: DistInfo
  ): Promise<Buffer> {
    const fallback = this.apiUrl + apiPath('download', owner, w.name, w.version, w.basename)
    // The real API answers protocol-relative URLs (//api.anaconda.org/download/...).
    const url = dist.download_url ? new URL(dist.download_url, this.apiUrl + '/').href : fallback
    if (!['http:', 'https:'].includes(new URL(url).protocol)) {
      throw new ServerDataError(
        `anaconda.org at ${this.apiUrl}: the download URL of ${w.basename} is not http(s).`
      )
    }
    return this.http.download(url, dist.size)
  }
}

/** A multipart/form-data body in the order S3 needs, the file streamed from disk. */
export async function multipartBody(
  formData: Record<string, string>,
  w: Pick<WheelInfo, 'path' | 'basename' | 'size' | 'md5Base64' | 'bytes'>
): Promise<{ body: FileBody; contentType: string }> {
  const boundary = `dipywheels${randomBytes(16).toString('hex')}`
  const quote = (s: string): string =>
    s
      .replace(/\\/g, '\\\\')
      .replace(/"/g, '\\"')
      .replace(/[\r\n]/g, ' ')
  const field = (name: string, value: string): string =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`
  const fields = [
    ...Object.entries(formData).map(([k, v]) => field(k, String(v))),
    field('Content-Length', String(w.size)),
    field('Content-MD5', w.md5Base64)
  ].join('')
  const head = `${fields}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quote(w.basename)}"\r\n\r\n`
  // Bytes read and hashed by inspectWheel are sent as they are: what is sent is what was hashed.
  const size = w.bytes ? w.bytes.length : (await fs.promises.stat(w.path)).size
  if (size !== w.size) throw new UploadError(`${w.basename} changed on disk while it was being uploaded.`)
  return {
    body: {
      head: Buffer.from(head),
      file: w.path,
      fileSize: size,
      tail: Buffer.from(`\r\n--${boundary}--\r\n`),
      ...(w.bytes ? { data: w.bytes } : {})
    },
    contentType: `multipart/form-data; boundary=${boundary}`
  }
}
