/** Small HTTP helpers shared by the fake server's modules. */
import type { IncomingMessage, ServerResponse } from 'node:http'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message)
  }
}

/** Hands each chunk of the body to `onChunk` as it arrives; rejects with 413 past `limit` bytes. */
export function streamBody(
  req: IncomingMessage,
  onChunk: (chunk: Buffer) => void,
  limit = 512 * 1024 * 1024
): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        reject(new HttpError(413, 'request body too large'))
        req.destroy()
        return
      }
      onChunk(chunk)
    })
    req.on('end', () => resolve(size))
    req.on('error', reject)
  })
}

/** Reads the whole body as a list of chunks joined once (no quadratic concatenation). */
export async function readBody(req: IncomingMessage, limit = 512 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = []
  const size = await streamBody(req, (chunk) => chunks.push(chunk), limit)
  return Buffer.concat(chunks, size)
}

/** Parses a JSON request body; an empty body is `{}`. */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, 64 * 1024 * 1024)
  if (body.length === 0) return {}
  let value: unknown
  try {
    value = JSON.parse(body.toString('utf8'))
  } catch {
    throw new HttpError(400, 'request body is not valid JSON')
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HttpError(400, 'request body must be a JSON object')
  }
  return value as Record<string, unknown>
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value))
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length })
  res.end(body)
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, { error: message })
}

export function sendBytes(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer | string
): void {
  const buf = typeof body === 'string' ? Buffer.from(body) : body
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': buf.length })
  res.end(buf)
}

/** Splits a raw path into percent-decoded segments; `+` stays `+` (never a space). */
export function pathSegments(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s)
      } catch {
        throw new HttpError(400, `bad percent-encoding in path segment ${JSON.stringify(s)}`)
      }
    })
}

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)
}
