/** The fake S3 form-POST endpoint that staged uploads are sent to (anaconda-client's utils/multipart_uploader.py). */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { escapeXml } from './http.js'
import { MultipartError, parseMultipartBuffer, receiveMultipart, type FormPart } from './multipart.js'
import type { Store } from './store.js'

export type { FormPart } from './multipart.js'

export class S3Error extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

const malformed = (err: unknown): S3Error =>
  err instanceof MultipartError ? new S3Error(400, 'MalformedPOSTRequest', err.message) : (err as S3Error)

/** Parses a multipart/form-data body (RFC 7578) into its parts, in order. */
export function parseMultipart(body: Buffer, contentType: string | undefined): FormPart[] {
  try {
    return parseMultipartBuffer(body, contentType)
  } catch (err) {
    throw malformed(err)
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
  // The body is parsed and the file hashed as it arrives; its errors count only after the policy check.
  const form = await receiveMultipart(req)
  const staged = store.staged.get(distId)
  if (!staged)
    throw new S3Error(403, 'AccessDenied', 'Invalid according to Policy: unknown or expired upload.')
  let parts: FormPart[]
  try {
    parts = form.finish()
  } catch (err) {
    throw malformed(err)
  }
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
  const { data: file, md5, sha256 } = parts[fileIndex] as Required<FormPart>
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
  if (!/^[A-Za-z0-9+/]{22}==$/.test(declaredMd5)) {
    throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.')
  }
  if (declaredMd5 !== md5.toString('base64')) {
    throw new S3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.')
  }
  // `file` is its own buffer (the part's bytes joined once), and sha256 is checked against stage at commit.
  staged.upload = { data: file, md5: md5.toString('hex'), sha256 }
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
