/**
 * multipart/form-data (RFC 7578) read as it arrives: each part's bytes are collected as slices of the
 * incoming chunks and joined once, and the part named `file` is hashed (MD5, SHA-256) while it streams, so
 * the S3 endpoint neither holds a second copy of the body nor hashes it again after the last byte.
 */
import { createHash, type Hash } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { streamBody } from './http.js'

export interface FormPart {
  name: string
  filename?: string
  headers: Record<string, string>
  data: Buffer
  /** For the part named `file`: its raw MD5 digest and hex SHA-256. */
  md5?: Buffer
  sha256?: string
}

/** A malformed body: the S3 endpoint answers it as 400 MalformedPOSTRequest. */
export class MultipartError extends Error {}

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

type State = 'preamble' | 'delimiter' | 'headers' | 'body' | 'done'

/** Feed it the body chunk by chunk, then call finish(); the first error stops the parse. */
export class MultipartParser {
  readonly parts: FormPart[] = []
  error?: MultipartError
  private readonly opening: Buffer // `--boundary`
  private readonly delimiter: Buffer // `\r\n--boundary`
  private state: State = 'preamble'
  /** Bytes not yet consumed (outside part bodies: small; inside a body: at most delimiter.length - 1). */
  private pending: Buffer = Buffer.alloc(0)
  private part?: { part: Omit<FormPart, 'data'>; chunks: Buffer[]; size: number; hashes?: Hash[] }

  constructor(contentType: string | undefined) {
    const m = /^multipart\/form-data\s*;.*?\bboundary=(?:"([^"]+)"|([^\s;]+))/i.exec(contentType ?? '')
    if (!m) {
      this.error = new MultipartError('The body of your POST request is not well-formed multipart/form-data.')
      this.opening = this.delimiter = Buffer.alloc(0)
      return
    }
    this.opening = Buffer.from(`--${m[1] ?? m[2]}`)
    this.delimiter = Buffer.concat([CRLF, this.opening])
  }

  write(chunk: Buffer): void {
    if (this.error || this.state === 'done' || chunk.length === 0) return
    try {
      this.consume(chunk)
    } catch (err) {
      if (!(err instanceof MultipartError)) throw err
      this.error = err
      this.part = undefined
    }
  }

  /** The parts in order; throws the first error, or what the body lacks when it ended early. */
  finish(): FormPart[] {
    if (!this.error && this.state !== 'done') {
      const why = {
        preamble: 'multipart boundary not found',
        delimiter: 'bad delimiter line',
        headers: 'unterminated part headers',
        body: 'unterminated multipart body'
      }[this.state]
      this.error = new MultipartError(why)
    }
    if (this.error) throw this.error
    return this.parts
  }

  private consume(chunk: Buffer): void {
    if (this.state === 'body') {
      this.body(chunk)
      return
    }
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    this.step()
  }

  /** Advances through everything outside part bodies that `pending` holds. */
  private step(): void {
    for (;;) {
      const buf = this.pending
      if (this.state === 'preamble') {
        const at = buf.indexOf(this.opening)
        if (at < 0) return
        this.pending = buf.subarray(at + this.opening.length)
        this.state = 'delimiter'
      } else if (this.state === 'delimiter') {
        if (buf.length < 2) return
        if (buf[0] === 0x2d && buf[1] === 0x2d) {
          this.state = 'done' // closing delimiter `--boundary--`; the epilogue is ignored
          this.pending = Buffer.alloc(0)
          return
        }
        if (buf[0] !== 0x0d || buf[1] !== 0x0a) throw new MultipartError('bad delimiter line')
        this.pending = buf.subarray(2)
        this.state = 'headers'
      } else if (this.state === 'headers') {
        const end = buf.indexOf(HEADER_END)
        if (end < 0) return
        this.startPart(buf.subarray(0, end))
        const rest = buf.subarray(end + 4)
        this.pending = Buffer.alloc(0)
        this.state = 'body'
        this.body(rest)
        return
      } else return
    }
  }

  private startPart(raw: Buffer): void {
    const headers: Record<string, string> = {}
    for (const line of raw.toString('utf8').split('\r\n')) {
      const i = line.indexOf(':')
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
    }
    const disposition = headers['content-disposition'] ?? ''
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1]
    if (name === undefined) throw new MultipartError('part without a name')
    const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1]
    const hashes = name === 'file' ? [createHash('md5'), createHash('sha256')] : undefined
    this.part = { part: { name, filename, headers }, chunks: [], size: 0, hashes }
  }

  /** Body bytes: everything before the next delimiter goes to the part; a possible delimiter prefix waits. */
  private body(chunk: Buffer): void {
    const d = this.delimiter
    let buf = chunk
    if (this.pending.length) {
      if (chunk.length < d.length) {
        buf = Buffer.concat([this.pending, chunk])
      } else {
        // A delimiter that starts in the held-back bytes ends within the first d.length - 1 bytes of chunk.
        const head = Buffer.concat([this.pending, chunk.subarray(0, d.length - 1)])
        const at = head.indexOf(d)
        if (at >= 0) {
          this.emit(head.subarray(0, at))
          this.endPart(chunk.subarray(at + d.length - this.pending.length))
          return
        }
        this.emit(this.pending)
      }
      this.pending = Buffer.alloc(0)
    }
    const at = buf.indexOf(d)
    if (at >= 0) {
      this.emit(buf.subarray(0, at))
      this.endPart(buf.subarray(at + d.length))
      return
    }
    const keep = Math.min(buf.length, d.length - 1)
    this.emit(buf.subarray(0, buf.length - keep))
    this.pending = buf.subarray(buf.length - keep)
  }

  private emit(bytes: Buffer): void {
    if (!bytes.length || !this.part) return
    this.part.chunks.push(bytes)
    this.part.size += bytes.length
    for (const h of this.part.hashes ?? []) h.update(bytes)
  }

  private endPart(rest: Buffer): void {
    const p = this.part!
    const data = Buffer.concat(p.chunks, p.size)
    const [md5, sha256] = p.hashes ?? []
    this.parts.push({
      ...p.part,
      data,
      ...(md5 && sha256 ? { md5: md5.digest(), sha256: sha256.digest('hex') } : {})
    })
    this.part = undefined
    this.state = 'delimiter'
    this.pending = rest
    this.step()
  }
}

/** Parses a whole multipart/form-data body into its parts, in order. */
export function parseMultipartBuffer(body: Buffer, contentType: string | undefined): FormPart[] {
  const parser = new MultipartParser(contentType)
  parser.write(body)
  return parser.finish()
}

/**
 * Reads a request's multipart body as it arrives. Resolves with the parser once the body ended (its error,
 * if any, is thrown by finish()), so the caller decides which check comes first; rejects past `limit` bytes.
 */
export async function receiveMultipart(
  req: IncomingMessage,
  limit = 512 * 1024 * 1024
): Promise<MultipartParser> {
  const parser = new MultipartParser(req.headers['content-type'])
  await streamBody(req, (chunk) => parser.write(chunk), limit)
  return parser
}
