/**
 * HTTP for the anaconda.org client: one request with a timeout, error mapping (the server's JSON `error`
 * text, S3 XML codes) and retries with backoff on what is worth retrying: connection errors, timeouts, 5xx.
 * A 4xx is final.
 *
 * API calls use the runtime's fetch (undici): timeouts are AbortSignals and connections are kept alive
 * between the many small calls. File bodies (the S3 POST) go through node:http instead, with an exact
 * Content-Length (S3 POST policies refuse chunked bodies): the bytes the caller already read and hashed are
 * written straight to the socket (no second read, no copy), or the file is piped from disk. Either costs a
 * fraction of the CPU of streaming a Blob through fetch's web streams (measured with scripts/bench-upload.mjs).
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as https from 'node:https'
import { pipeline } from 'node:stream/promises'
import { UploadError } from '../../errors.js'
import { inert } from '../../util/inert.js'
import { retryBaseDelay, withRetry } from '../../util/retry.js'

export const CLIENT_VERSION = '1.14.1'
export const USER_AGENT =
  'dipy-wheels-action/0.1 (+https://github.com/dipy/dipy-wheels; anaconda-client 1.14.1 protocol)'

/** A failed request. `transient` says whether trying again may help. The message never holds the token. */
export class AnacondaHttpError extends UploadError {
  constructor(
    message: string,
    readonly method: string,
    readonly target: string,
    readonly status: number | undefined,
    readonly transient: boolean,
    readonly serverMessage?: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export function isTransient(err: unknown): boolean {
  return err instanceof AnacondaHttpError && err.transient
}

/** '/dist/o/n/v/b' with every segment percent-encoded (`+` → %2B, `/` → %2F). */
export function apiPath(...segments: string[]): string {
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/')
}

export interface HttpConfig {
  /** API base URL, no trailing slash (may have a path). */
  apiUrl: string
  token?: string
  /** Per API request (default 60 s). */
  timeoutMs?: number
  /** Per S3 POST or download (default 10 min). */
  transferTimeoutMs?: number
  /** Attempts per request, the first included (default 6). */
  attempts?: number
  /** First backoff delay (default 1 s, or DIPY_WHEELS_RETRY_BASE_MS). */
  baseDelayMs?: number
  /** Appended to 401 messages: what to check. */
  authHint?: string
}

export interface HttpResponse {
  status: number
  headers: Headers
  body: Buffer
  json<T = Record<string, unknown>>(): T
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

const isFileBody = (b: unknown): b is FileBody => typeof b === 'object' && b !== null && 'file' in b

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true })
}

/** One request with a file body over node:http(s); resolves with status, headers and the whole answer. */
function sendFile(
  method: string,
  url: URL,
  headers: Record<string, string>,
  body: FileBody,
  signal: AbortSignal
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const length = body.head.length + body.fileSize + body.tail.length
  const mod = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method,
        headers: { ...headers, 'Content-Length': String(length) },
        agent: agents[url.protocol as 'http:' | 'https:'],
        signal
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const h = new Headers()
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v)
          }
          resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) })
        })
      }
    )
    req.on('error', reject)
    if (body.data) {
      req.write(body.head)
      req.write(body.data)
      req.end(body.tail)
      return
    }
    req.write(body.head)
    pipeline(fs.createReadStream(body.file, { highWaterMark: 1 << 20 }), req, { end: false })
      .then(() => req.end(body.tail))
      .catch(reject)
  })
}

export interface RequestOptions {
  headers?: Record<string, string>
  body?: string | Blob | FileBody
  /** Statuses returned instead of thrown (default [200]). */
  allow?: number[]
  timeoutMs?: number
  /** Counts transient failures seen while retrying (lets a caller re-check state after a lost answer). */
  trace?: { transient: number }
  /** Follow redirects (downloads). */
  redirect?: boolean
}

/** The server's explanation (JSON `error`, or S3 XML Code/Message), made inert and bounded for the log. */
export function serverMessageOf(body: Buffer): string | undefined {
  const raw = rawServerMessage(body)
  return raw === undefined ? undefined : inert(raw, 300)
}

function rawServerMessage(body: Buffer): string | undefined {
  const text = body.toString('utf8').trim()
  if (!text) return undefined
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object' && typeof (v as { error?: unknown }).error === 'string') {
      return (v as { error: string }).error
    }
    if (v && typeof v === 'object') return undefined
  } catch {
    // not JSON
  }
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1]
  if (code) {
    const msg = /<Message>([^<]*)<\/Message>/.exec(text)?.[1]
    const digest = code === 'InvalidDigest' ? ' The Content-MD5 or checksum value is not valid.' : ''
    return `${code}${msg ? `: ${msg}` : ''}${digest}`
  }
  return text
}

function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  const cause = e.cause?.code ?? e.cause?.message
  return inert(cause ? `${e.message} (${cause})` : (e.message ?? String(err)), 300)
}

export class Http {
  readonly apiUrl: string
  private readonly attempts: number
  private readonly baseDelayMs: number

  constructor(readonly config: HttpConfig) {
    this.apiUrl = config.apiUrl.replace(/\/+$/, '')
    this.attempts = config.attempts ?? 6
    this.baseDelayMs = config.baseDelayMs ?? retryBaseDelay(1000)
  }

  /** Headers of every API request (§1.1). */
  apiHeaders(): Record<string, string> {
    return {
      ...(this.config.token ? { Authorization: `token ${this.config.token}` } : {}),
      'User-Agent': USER_AGENT,
      'x-binstar-api-version': CLIENT_VERSION,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    }
  }

  /** An API call: method + encoded path (see apiPath), optional JSON body, retried when transient. */
  api(method: string, path: string, json?: unknown, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(method, this.apiUrl + path, {
      ...opts,
      headers: { ...this.apiHeaders(), ...opts.headers },
      body: json === undefined ? undefined : JSON.stringify(json)
    })
  }

  /** Any request, retried when transient. The display target is the URL's path, never a query string. */
  request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const target = `${method} ${new URL(url).pathname}`
    return withRetry(
      async () => {
        try {
          return await this.once(method, url, target, opts)
        } catch (err) {
          if (isTransient(err) && opts.trace) opts.trace.transient++
          throw err
        }
      },
      { attempts: this.attempts, baseDelayMs: this.baseDelayMs, retryable: isTransient, what: target }
    )
  }

  private async once(
    method: string,
    url: string,
    target: string,
    opts: RequestOptions
  ): Promise<HttpResponse> {
    const timeoutMs = opts.timeoutMs ?? this.config.timeoutMs ?? 60_000
    let res: { status: number; headers: Headers }
    let body: Buffer
    try {
      const signal = AbortSignal.timeout(timeoutMs)
      if (isFileBody(opts.body)) {
        const sent = await sendFile(method, new URL(url), opts.headers ?? {}, opts.body, signal)
        res = { status: sent.status, headers: sent.headers }
        body = sent.body
      } else {
        const answer = await fetch(url, {
          method,
          headers: opts.headers,
          body: opts.body,
          redirect: opts.redirect ? 'follow' : 'manual',
          signal
        })
        res = answer
        body = Buffer.from(await answer.arrayBuffer())
      }
    } catch (err) {
      const timedOut = (err as Error).name === 'TimeoutError' || (err as Error).name === 'AbortError'
      const msg = timedOut
        ? `${target} timed out after ${(timeoutMs / 1000).toFixed(1)} s`
        : `${target} failed: ${describeNetworkError(err)}`
      throw new AnacondaHttpError(msg, method, target, undefined, true, undefined, { cause: err })
    }
    const allow = opts.allow ?? [200]
    if (allow.includes(res.status)) {
      return {
        status: res.status,
        headers: res.headers,
        body,
        json: <T>() => {
          try {
            return JSON.parse(body.toString('utf8')) as T
          } catch {
            throw new AnacondaHttpError(
              `${target}: the answer is not JSON.`,
              method,
              target,
              res.status,
              false
            )
          }
        }
      }
    }
    const serverMessage = serverMessageOf(body)
    const transient = res.status >= 500 || res.status === 429
    let msg = `${target} → ${res.status}${serverMessage ? `: ${serverMessage}` : ''}`
    if (res.status === 401 && this.config.authHint) msg += `. ${this.config.authHint}`
    throw new AnacondaHttpError(msg, method, target, res.status, transient, serverMessage)
  }
}
