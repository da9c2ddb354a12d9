/**
 * A minimal client of the fake anaconda.org wire protocol for the server's own tests (NOT the action's
 * uploader): JSON API calls with `Authorization: token T`, and the S3 multipart form POST.
 */
import { createHash } from 'node:crypto'

export interface ApiResponse {
  status: number
  headers: Headers
  text: string
  /** The parsed JSON body, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined
}

export async function call(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; json?: unknown } = {}
): Promise<ApiResponse> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' }
  if (opts.token !== undefined) headers.Authorization = `token ${opts.token}`
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.json === undefined ? undefined : JSON.stringify(opts.json)
  })
  const text = await res.text()
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(text) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return { status: res.status, headers: res.headers, text, json }
}

/** A multipart/form-data body: the fields in order, then the file part named `file` (last, like S3 wants). */
export function multipartBody(
  fields: Array<[string, string]>,
  file: { filename: string; data: Buffer } | undefined,
  boundary = `----fake${Math.random().toString(16).slice(2)}`
): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = []
  for (const [k, v] of fields) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\n\r\n`
      ),
      file.data,
      Buffer.from('\r\n')
    )
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` }
}

export const md5Base64 = (data: Buffer): string => createHash('md5').update(data).digest('base64')
export const sha256Hex = (data: Buffer): string => createHash('sha256').update(data).digest('hex')

/** POSTs a file to a stage's post_url the way anaconda-client does (form_data, Content-Length, Content-MD5, file). */
export async function s3Post(
  postUrl: string,
  formData: Record<string, string>,
  basename: string,
  data: Buffer,
  override: { md5?: string; length?: string } = {}
): Promise<{ status: number; text: string }> {
  const fields: Array<[string, string]> = [
    ...Object.entries(formData),
    ['Content-Length', override.length ?? String(data.length)],
    ['Content-MD5', override.md5 ?? md5Base64(data)]
  ]
  const { body, contentType } = multipartBody(fields, { filename: basename, data })
  const res = await fetch(postUrl, { method: 'POST', headers: { 'Content-Type': contentType }, body })
  return { status: res.status, text: await res.text() }
}

const q = encodeURIComponent

/**
 * The whole §1.2 upload sequence for one file (no existence handling): package and release created when
 * missing, stage, S3 POST, commit. Throws on any unexpected status.
 */
export async function uploadFile(
  base: string,
  token: string,
  owner: string,
  file: { name: string; version: string; basename: string; data: Buffer; labels?: string[] }
): Promise<Record<string, unknown>> {
  const expect = (r: ApiResponse, ok: number[], what: string): ApiResponse => {
    if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text}`)
    return r
  }
  const pkgPath = `/package/${q(owner)}/${q(file.name)}`
  if ((await call(base, 'GET', pkgPath, { token })).status === 404) {
    const attrs = { name: file.name, summary: `${file.name} summary`, license: null, package_types: ['pypi'] }
    expect(
      await call(base, 'POST', pkgPath, { token, json: { public: true, public_attrs: attrs } }),
      [200],
      'add package'
    )
  }
  const relPath = `/release/${q(owner)}/${q(file.name)}/${q(file.version)}`
  if ((await call(base, 'GET', relPath, { token })).status === 404) {
    const json = { requirements: [], announce: null, description: '', version: file.version }
    expect(await call(base, 'POST', relPath, { token, json }), [200], 'add release')
  }
  const tail = `${q(owner)}/${q(file.name)}/${q(file.version)}/${q(file.basename)}`
  const stagePayload = {
    distribution_type: 'pypi',
    description: null,
    attrs: { build_no: 0, python_version: 'py3', abi: null, packagetype: 'bdist_wheel' },
    dependencies: { has_dep_errors: false, depends: [], extras: [], environments: [] },
    channels: file.labels ?? [],
    sha256: sha256Hex(file.data)
  }
  const staged = expect(
    await call(base, 'POST', `/stage/${tail}`, { token, json: stagePayload }),
    [200],
    'stage'
  ).json!
  const s3 = await s3Post(
    String(staged.post_url),
    staged.form_data as Record<string, string>,
    file.basename,
    file.data
  )
  if (s3.status !== 201) throw new Error(`s3: ${s3.status} ${s3.text}`)
  const committed = await call(base, 'POST', `/commit/${tail}`, { token, json: { dist_id: staged.dist_id } })
  return expect(committed, [200], 'commit').json!
}
