/**
 * HTTP for the anaconda.org client and the release: the client (its headers, where its token may go), the
 * redirects, and retries with backoff on what is worth retrying: connection errors, timeouts, 5xx, 429; a 4xx
 * is final. One attempt within its bounds is http-attempt.ts's (over transport.ts), the error mapping (the
 * server's JSON `error` text, S3 XML codes, made inert) http-errors.ts's.
 *
 * Time bounds, chosen so that a silent server is named within minutes, never an hour:
 * - API and index reads (JSON, HTML): 30 s to the response headers (connect included), 30 s idle while
 *   reading, and 120 s for the whole operation: every attempt and every backoff wait counts against it.
 *   With the default 6 attempts, a server that never answers is given up after about 2 minutes.
 * - Transfers (downloads and file uploads): 60 s to connect or to the response headers, 120 s idle (no byte
 *   either way: slow links still move bytes; after the last byte PyPI and S3 answer within seconds),
 *   30 minutes for the whole operation.
 * Tests scale every default by DIPY_WHEELS_TIME_SCALE (a named test seam, like DIPY_WHEELS_RETRY_BASE_MS).
 *
 * Bodies: JSON and HTML answers are cut at JSON_MAX_BYTES (an index page of a project with thousands of
 * files is a few MiB); a download at the size its record declares.
 *
 * Credentials: the token given for the API goes only to the API's origin. A download URL from a record
 * that points elsewhere is fetched without it, a redirect is always followed without it, and a caller's
 * own Authorization header is refused for any other origin.
 */
import * as core from '@actions/core'
import { inert } from '../../util/inert.js'
import { retryBaseDelay, sleep } from '../../util/retry.js'
import {
  attempt,
  REDIRECTS,
  type AttemptContext,
  type HttpResponse,
  type RequestOptions
} from './http-attempt.js'
import { AnacondaHttpError, MAX_DOWNLOAD_BYTES, bound, isTransient } from './http-errors.js'

export type { FileBody } from './transport.js'
export type { HttpResponse, RequestOptions } from './http-attempt.js'
export {
  AnacondaHttpError,
  BOUNDS,
  JSON_MAX_BYTES,
  MAX_DOWNLOAD_BYTES,
  bound,
  isTransient,
  serverMessageOf
} from './http-errors.js'

export const CLIENT_VERSION = '1.14.1'
export const USER_AGENT =
  'dipy-wheels-action/0.1 (+https://github.com/dipy/dipy-wheels; anaconda-client 1.14.1 protocol)'

/** '/dist/o/n/v/b' with every segment percent-encoded (`+` → %2B, `/` → %2F). */
export function apiPath(...segments: string[]): string {
  return '/' + segments.map((s) => encodeURIComponent(s)).join('/')
}

export interface HttpConfig {
  /** API base URL, no trailing slash (may have a path). */
  apiUrl: string
  token?: string
  /** API and index requests: to the response headers, and idle while reading (default 30 s each). */
  timeoutMs?: number
  /** API and index requests: the whole operation, all attempts and waits (default 120 s). */
  totalMs?: number
  /** Transfers (S3 POST, uploads, downloads): idle, either way (default 120 s). */
  transferTimeoutMs?: number
  /** Transfers: the whole operation, all attempts and waits (default 30 min). */
  transferTotalMs?: number
  /** Attempts per request, the first included (default 6). */
  attempts?: number
  /** First backoff delay (default 1 s, or DIPY_WHEELS_RETRY_BASE_MS). */
  baseDelayMs?: number
  /** Appended to 401 messages: what to check. */
  authHint?: string
}

export class Http {
  readonly apiUrl: string
  /** The origin the token (and any caller's Authorization header) may go to. */
  readonly authOrigin: string
  private readonly attempts: number
  private readonly baseDelayMs: number

  constructor(readonly config: HttpConfig) {
    this.apiUrl = config.apiUrl.replace(/\/+$/, '')
    this.authOrigin = new URL(this.apiUrl).origin
    this.attempts = config.attempts ?? 6
    this.baseDelayMs = config.baseDelayMs ?? retryBaseDelay(1000)
  }

  /** Headers of every API request (§1.1). */
  apiHeaders(): Record<string, string> {
    return {
      ...this.authHeader(),
      'User-Agent': USER_AGENT,
      'x-binstar-api-version': CLIENT_VERSION,
      'Content-Type': 'application/json',
      Accept: 'application/json'
    }
  }

  /** The API token's header, for a request to the API's origin only. */
  authHeader(url?: string): Record<string, string> {
    if (!this.config.token) return {}
    if (url !== undefined && new URL(url).origin !== this.authOrigin) return {}
    return { Authorization: `token ${this.config.token}` }
  }

  /**
   * A file's bytes from `url`, redirects followed (up to 5), the token sent only to the API's origin; the
   * read stops past `size` bytes (what the record declares), or MAX_DOWNLOAD_BYTES when it declares none.
   */
  async download(url: string, size: number | undefined, trace?: { transient: number }): Promise<Buffer> {
    const cap = size ?? MAX_DOWNLOAD_BYTES
    const res = await this.request('GET', url, {
      headers: { ...this.authHeader(url), 'User-Agent': USER_AGENT },
      redirect: true,
      transfer: true,
      maxBytes: cap,
      expected: size === undefined ? `at most ${cap} bytes` : `the ${size} bytes the server declares`,
      trace
    })
    if (res.status !== 200) {
      throw new AnacondaHttpError(
        `GET ${new URL(url).pathname}: more than 5 redirects`,
        'GET',
        `GET ${new URL(url).pathname}`,
        res.status,
        false
      )
    }
    return res.body
  }

  /** An API call: method + encoded path (see apiPath), optional JSON body, retried when transient. */
  api(method: string, path: string, json?: unknown, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(method, this.apiUrl + path, {
      ...opts,
      headers: { ...this.apiHeaders(), ...opts.headers },
      body: json === undefined ? undefined : JSON.stringify(json)
    })
  }

  /**
   * Any request, retried when transient, within the operation's total time (all attempts and waits).
   * The display target is the URL's path, never a query string.
   */
  async request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const target = `${method} ${new URL(url).pathname}`
    const total = opts.transfer
      ? (this.config.transferTotalMs ?? bound('transferTotalMs'))
      : (this.config.totalMs ?? bound('apiTotalMs'))
    const started = performance.now()
    const deadline = Math.min(started + total, opts.deadline ?? Infinity)
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.followed(method, url, target, opts, deadline)
      } catch (err) {
        if (isTransient(err) && opts.trace) opts.trace.transient++
        const delay = this.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.5)
        const outOfTime = performance.now() + delay >= deadline
        if (attempt >= this.attempts || !isTransient(err) || outOfTime) {
          if (!isTransient(err) || !outOfTime) throw err
          const e = err as AnacondaHttpError
          const spent = ((performance.now() - started) / 1000).toFixed(1)
          throw new AnacondaHttpError(
            `${e.message} (gave up after ${attempt} attempt(s) in ${spent} s: the bound for the whole operation is ${(total / 1000).toFixed(0)} s)`,
            e.method,
            e.target,
            e.status,
            true,
            e.serverMessage,
            { cause: err }
          )
        }
        core.info(
          `${target} failed (attempt ${attempt} of ${this.attempts}): ${inert((err as Error).message.split('\n')[0].replace(/\.$/, ''), 500)}; trying again in ${(delay / 1000).toFixed(1)} s`
        )
        await sleep(delay)
      }
    }
  }

  /** What one attempt of a request needs: the credential's origin, the API's or the transfer's bounds. */
  private attemptContext(opts: RequestOptions): AttemptContext {
    const t = this.config.transferTimeoutMs
    const a = this.config.timeoutMs
    return {
      authOrigin: this.authOrigin,
      headerMs: opts.transfer ? (t ?? bound('transferHeaderMs')) : (a ?? bound('apiHeaderMs')),
      idleMs: opts.transfer ? (t ?? bound('transferIdleMs')) : (a ?? bound('apiIdleMs')),
      authHint: this.config.authHint
    }
  }

  /** One attempt; with `redirect`, up to 5 hops, every hop after the first without the credential. */
  private async followed(
    method: string,
    url: string,
    target: string,
    opts: RequestOptions,
    deadline: number
  ): Promise<HttpResponse> {
    let current = url
    let headers = opts.headers ?? {}
    for (let hop = 0; ; hop++) {
      const res = await attempt(
        this.attemptContext(opts),
        method,
        current,
        target,
        { ...opts, headers },
        deadline
      )
      const location = res.headers.get('location')
      if (!opts.redirect || !REDIRECTS.includes(res.status) || !location || hop >= 5) return res
      current = new URL(location, current).href
      if (!['http:', 'https:'].includes(new URL(current).protocol)) {
        throw new AnacondaHttpError(
          `${target}: redirected to a non-http URL`,
          method,
          target,
          res.status,
          false
        )
      }
      // A redirect is followed without the credential, whatever its origin: storage needs none.
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization')
      )
    }
  }
}
