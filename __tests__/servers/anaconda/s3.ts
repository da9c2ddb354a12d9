/** The fake S3 form-POST endpoint that staged uploads are sent to (upload-protocols.md §1.4). */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { escapeXml, readBody } from './http.js'
import type { Store } from './store.js'

export interface FormPart {
  name: string
  filename?: string
  headers: Record<string, string>
  data: Buffer
}

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

/** Parses a multipart/form-data body (RFC 7578) into its parts, in order. Buffers only, no string copies. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  const m = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '')
  if (!m)
    throw new S3Error(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.'
    )
  const delimiter = Buffer.from(`--${m[1] ?? m[2]}`)
  const parts: FormPart[] = []
  let pos = body.indexOf(delimiter)
  if (pos < 0) throw new S3Error(400, 'MalformedPOSTRequest', 'multipart boundary not found')
  for (;;) {
    pos += delimiter.length
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) return parts // closing delimiter `--boundary--`
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a)
      throw new S3Error(400, 'MalformedPOSTRequest', 'bad delimiter line')
    const headerEnd = body.indexOf('\r\n\r\n', pos + 2)
    if (headerEnd < 0) throw new S3Error(400, 'MalformedPOSTRequest', 'unterminated part headers')
    const headers: Record<string, string> = {}
    for (const line of body
      .subarray(pos + 2, headerEnd)
      .toString('utf8')
      .split('\r\n')) {
      const i = line.indexOf(':')
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4)
    if (next < 0) throw new S3Error(400, 'MalformedPOSTRequest', 'unterminated multipart body')
    const disposition = headers['content-disposition'] ?? ''
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined) throw new S3Error(400, 'MalformedPOSTRequest', 'part without a name')
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
    parts.push({ name, filename, headers, data: body.subarray(headerEnd + 4, next) })
    pos = next + 2
  }
}

export function s3ErrorXml(code: string, message: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `<RequestId>FAKE${Date.now().toString(16).toUpperCase()}</RequestId></Error>`
  )
}

export function sendS3Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = Buffer.from(s3ErrorXml(code, message))
  res.writeHead(status, { 'Content-Type': 'application/xml', 'Content-Length': body.length })
  res.end(body)
}

/** POST /s3/upload/<dist_id>: checks the policy fields, Content-Length and Content-MD5, then keeps the bytes. */
export async function handleS3Upload(
  store: Store,
  base: string,
  req: IncomingMessage,
  res: ServerResponse,
  distId: string
): Promise<void> {
  if (req.method !== 'POST')
    throw new S3Error(405, 'MethodNotAllowed', 'The specified method is not allowed.')
  const body = await readBody(req)
  const staged = store.staged.get(distId)
  if (!staged)
    throw new S3Error(403, 'AccessDenied', 'Invalid according to Policy: unknown or expired upload.')
  const parts = parseMultipart(body, req.headers['content-type'])
  const fileIndex = parts.findIndex((p) => p.name === 'file')
  if (fileIndex < 0)
    throw new S3Error(400, 'InvalidArgument', 'POST requires exactly one file upload per request.')
  if (fileIndex !== parts.length - 1) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'Bucket POST must contain a field named file, and it must be the last field.'
    )
  }
  const fields = new Map(parts.slice(0, -1).map((p) => [p.name, p.data.toString('utf8')]))
  for (const [k, v] of Object.entries(staged.formData)) {
    if (fields.get(k) !== v) {
      throw new S3Error(
        403,
        'AccessDenied',
        `Invalid according to Policy: Policy Condition failed: ["eq", "$${k}", "${v}"]`
      )
    }
  }
  const file = parts[fileIndex].data
  const declaredLength = fields.get('Content-Length')
  const declaredMd5 = fields.get('Content-MD5')
  if (declaredLength === undefined || declaredMd5 === undefined) {
    throw new S3Error(
      400,
      'InvalidArgument',
      'Content-Length and Content-MD5 fields are required by the policy.'
    )
  }
  if (!/^\d+$/.test(declaredLength) || Number(declaredLength) !== file.length) {
    throw new S3Error(
      400,
      'IncompleteBody',
      `You did not provide the number of bytes specified by the Content-Length field (${declaredLength} declared, ${file.length} sent).`
    )
  }
  const md5 = createHash('md5').update(file).digest()
  if (!/^[A-Za-z0-9+/]{22}==$/.test(declaredMd5)) {
    throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.')
  }
  if (declaredMd5 !== md5.toString('base64')) {
    throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
  }
  staged.upload = { data: Buffer.from(file), md5: md5.toString('hex') }
  const etag = `"${md5.toString('hex')}"`
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<PostResponse><Location>${escapeXml(`${base}/s3/${staged.formData.key}`)}</Location>` +
    `<Bucket>fake-anaconda</Bucket><Key>${escapeXml(staged.formData.key)}</Key><ETag>${etag}</ETag></PostResponse>`
  res.writeHead(201, {
    'Content-Type': 'application/xml',
    ETag: etag,
    'Content-Length': Buffer.byteLength(xml)
  })
  res.end(xml)
}
