/**
 * One HTTP exchange with bounded time and a bounded body. Everything a server controls is limited here:
 *
 * - time: until the response headers (connect included) `headerMs`; between two body chunks (or, for an
 *   upload, between two socket events either way) `idleMs`; and the operation's deadline, shared by all of
 *   its attempts and waits (see Http.request). A timeout aborts the request and says what was awaited.
 * - size: the body is read chunk by chunk and the read stops past `maxBytes` (a download's declared size, or
 *   a fixed ceiling for JSON and HTML); an answer with an unwanted status is read only up to ERROR_BODY_MAX
 *   (its message is all that is used).
 *
 * API calls use the runtime's fetch (undici); file bodies go through node:http(s) with an exact
 * Content-Length (S3 POST policies refuse chunked bodies), written straight from the caller's buffer or
 * piped from disk.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { pipeline } from 'node:stream/promises'

/** Bytes of an error answer kept (its message is at the start). */
export const ERROR_BODY_MAX = 64 * 1024

export interface Limits {
  headerMs: number
  idleMs: number
  /** performance.now() value by which the whole operation must be over. */
  deadline: number
  maxBytes: number
  /** What maxBytes stands for, for the message (e.g. "the 993 bytes the record declares"). */
  expected: string
  /** Statuses whose body is wanted whole (others are cut at ERROR_BODY_MAX). */
  allow: number[]
}

/** The request was stopped by a time bound; the message says which and what it was waiting for. */
export class TimeBound extends Error {
  override name = 'TimeBound'
}

/** The answer was larger than it may be. */
export class TooLarge extends Error {
  override name = 'TooLarge'
}

export interface Answer {
  status: number
  /** The reason phrase, untrusted (PyPI's legacy API puts its error message there). */
  reason?: string
  headers: Headers
  body: Buffer
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** A timer that aborts with the reason of the bound that runs out first (the phase's or the deadline). */
class Watch {
  readonly ctrl = new AbortController()
  reason = ''
  private timer?: NodeJS.Timeout

  constructor(private readonly deadline: number) {}

  arm(ms: number, what: string): void {
    clearTimeout(this.timer)
    const left = Math.max(0, this.deadline - performance.now())
    const why =
      left < ms
        ? `the operation's time ran out while ${what}`
        : `nothing arrived for ${secs(ms)} while ${what}`
    this.timer = setTimeout(() => this.fire(why), Math.min(ms, left))
  }

  fire(why: string): void {
    this.reason = why
    this.ctrl.abort(new TimeBound(why))
  }

  stop(): void {
    clearTimeout(this.timer)
  }
}

function tooLarge(limits: Limits, seen: number): TooLarge {
  return new TooLarge(`the answer is larger than expected (${limits.expected}): stopped after ${seen} bytes`)
}

/** Reads a body stream within the limits. */
async function readBody(
  stream: AsyncIterable<Uint8Array> | null,
  status: number,
  declared: number,
  limits: Limits,
  watch: Watch,
  cancel: () => void
): Promise<Buffer> {
  const wanted = limits.allow.includes(status)
  const cap = wanted ? limits.maxBytes : ERROR_BODY_MAX
  if (wanted && Number.isFinite(declared) && declared > cap) {
    cancel()
    throw new TooLarge(`the answer declares ${declared} bytes, more than expected (${limits.expected})`)
  }
  const chunks: Buffer[] = []
  let seen = 0
  if (!stream) return Buffer.alloc(0)
  watch.arm(limits.idleMs, 'reading the body')
  for await (const chunk of stream) {
    seen += chunk.length
    if (seen > cap) {
      cancel()
      if (!wanted) {
        chunks.push(Buffer.from(chunk).subarray(0, cap - (seen - chunk.length)))
        break
      }
      throw tooLarge(limits, seen)
    }
    chunks.push(Buffer.from(chunk))
    watch.arm(limits.idleMs, 'reading the body')
  }
  return Buffer.concat(chunks)
}

/** A request through fetch (no body or a small one), within the limits. Redirects are not followed. */
export async function fetchWithin(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string | Blob },
  limits: Limits
): Promise<Answer> {
  const watch = new Watch(limits.deadline)
  watch.arm(limits.headerMs, 'waiting for the response headers')
  try {
    const res = await fetch(url, { ...init, redirect: 'manual', signal: watch.ctrl.signal })
    const stream = res.body as unknown as AsyncIterable<Uint8Array> | null
    const declared = Number(res.headers.get('content-length') ?? NaN)
    const body = await readBody(stream, res.status, declared, limits, watch, () => watch.ctrl.abort())
    return { status: res.status, reason: res.statusText, headers: res.headers, body }
  } catch (err) {
    if (watch.reason) throw new TimeBound(watch.reason, { cause: err })
    throw err
  } finally {
    watch.stop()
  }
}

/** A body made of a prefix, a file, and a suffix (a multipart upload). */
export interface FileBody {
  head: Buffer
  file: string
  fileSize: number
  tail: Buffer
  /** The file's bytes when they are in memory already (sent as they are); otherwise streamed from disk. */
  data?: Buffer
}

export const isFileBody = (b: unknown): b is FileBody => typeof b === 'object' && b !== null && 'file' in b

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true })
}

/**
 * A request with a file body over node:http(s), within the limits: connect within headerMs, then no
 * socket event either way for idleMs (a stalled upload or a server that never answers), and the deadline.
 */
export function sendFileWithin(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: FileBody,
  limits: Limits
): Promise<Answer> {
  const length = body.head.length + body.fileSize + body.tail.length
  const mod = url.protocol === 'https:' ? https : http
  const watch = new Watch(limits.deadline)
  return new Promise<Answer>((resolve, reject) => {
    const fail = (err: unknown): void =>
      reject(watch.reason ? new TimeBound(watch.reason, { cause: err }) : err)
    const req = mod.request(
      url,
      {
        method,
        headers: { ...headers, 'Content-Length': String(length) },
        agent: agents[url.protocol as 'http:' | 'https:'],
        signal: watch.ctrl.signal
      },
      (res) => {
        const declared = Number(res.headers['content-length'] ?? NaN)
        readBody(res, res.statusCode ?? 0, declared, limits, watch, () => res.destroy())
          .then((buf) => {
            const h = new Headers()
            for (const [k, v] of Object.entries(res.headers)) {
              if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v)
            }
            resolve({ status: res.statusCode ?? 0, reason: res.statusMessage, headers: h, body: buf })
          })
          .catch(fail)
      }
    )
    watch.arm(limits.headerMs, 'connecting')
    // After the connect, the socket's own idle timer (either way) and the deadline bound the exchange.
    req.setTimeout(limits.idleMs, () =>
      watch.fire(`nothing moved for ${secs(limits.idleMs)} while sending the file or waiting for the answer`)
    )
    req.on('socket', (socket) => {
      const connected = (): void => watch.arm(Infinity, 'sending the file or waiting for the answer')
      if (socket.connecting) socket.once('connect', connected)
      else connected()
    })
    req.on('error', fail)
    if (body.data) {
      req.write(body.head)
      req.write(body.data)
      req.end(body.tail)
      return
    }
    req.write(body.head)
    pipeline(fs.createReadStream(body.file, { highWaterMark: 1 << 20 }), req, { end: false })
      .then(() => req.end(body.tail))
      .catch(fail)
  }).finally(() => watch.stop())
}
