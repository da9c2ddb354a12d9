/**
 * One attempt of a request (http.ts retries it and follows its redirects): the credential's origin checked,
 * the transport called within the attempt's bounds (transport.ts), and what can go wrong mapped to an
 * AnacondaHttpError that says whether it is worth another attempt: a name that does not resolve and a body
 * over its cap are final, a timeout or a connection error is transient, and so is a 5xx or 429 answer.
 */
import { UploadError } from '../../errors.js'
import {
  AnacondaHttpError,
  JSON_MAX_BYTES,
  describeNetworkError,
  nameNotResolved,
  serverMessageOf
} from './http-errors.js'
import {
  TimeBound,
  TooLarge,
  fetchWithin,
  isFileBody,
  sendFileWithin,
  type FileBody,
  type Limits
} from './transport.js'

export interface HttpResponse {
  status: number
  /** The reason phrase, untrusted (PyPI's legacy API puts its error message there). */
  reason?: string
  headers: Headers
  body: Buffer
  json<T = Record<string, unknown>>(): T
}

export interface RequestOptions {
  headers?: Record<string, string>
  body?: string | Blob | FileBody
  /** Statuses returned instead of thrown (default [200]). */
  allow?: number[]
  /** A transfer (a file up or down): the transfer bounds instead of the API's. */
  transfer?: boolean
  /** The body's cap (default JSON_MAX_BYTES) and what it stands for, for the message. */
  maxBytes?: number
  expected?: string
  /** A deadline (performance.now()) shared with the caller's own retries; the earlier bound wins. */
  deadline?: number
  /** Counts transient failures seen while retrying (lets a caller re-check state after a lost answer). */
  trace?: { transient: number }
  /** Follow redirects (index pages), each hop without any credential for another origin. */
  redirect?: boolean
}

/** The statuses of a redirect (followed only when a request asks for it). */
export const REDIRECTS = [301, 302, 303, 307, 308]

/** What an attempt needs of its client: where the credential may go, the bounds, the 401 hint. */
export interface AttemptContext {
  /** The origin the token (and any caller's Authorization header) may go to. */
  authOrigin: string
  /** To the response headers, and idle while reading (the API's or the transfer's bounds). */
  headerMs: number
  idleMs: number
  /** Appended to 401 messages: what to check. */
  authHint?: string
}

/** One attempt, no redirect followed; `target` (method and path) names it in every message. */
export async function attempt(
  ctx: AttemptContext,
  method: string,
  url: string,
  target: string,
  opts: RequestOptions,
  deadline: number
): Promise<HttpResponse> {
  const u = new URL(url)
  const headers = opts.headers ?? {}
  if (u.origin !== ctx.authOrigin && Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) {
    throw new UploadError(
      `${target}: refusing to send a credential given for ${ctx.authOrigin} to ${u.origin}.`
    )
  }
  const allow = opts.allow ?? [200]
  const limits: Limits = {
    headerMs: ctx.headerMs,
    idleMs: ctx.idleMs,
    deadline,
    maxBytes: opts.maxBytes ?? JSON_MAX_BYTES,
    expected: opts.expected ?? `at most ${JSON_MAX_BYTES} bytes of JSON or HTML`,
    allow: opts.redirect ? [...allow, ...REDIRECTS] : allow
  }
  let res: { status: number; reason?: string; headers: Headers; body: Buffer }
  try {
    res = isFileBody(opts.body)
      ? await sendFileWithin(method, u, headers, opts.body, limits)
      : await fetchWithin(url, { method, headers, body: opts.body as string | Blob | undefined }, limits)
  } catch (err) {
    if (err instanceof UploadError) throw err
    const host = u.host
    if (err instanceof TooLarge) {
      throw new AnacondaHttpError(`${target} on ${host}: ${err.message}`, method, target, undefined, false)
    }
    const unresolved = nameNotResolved(err)
    if (unresolved) {
      throw new AnacondaHttpError(
        `${target}: the host name ${u.hostname} does not resolve (${unresolved}). Check the host in the URL and this machine's DNS (network connection, proxy).`,
        method,
        target,
        undefined,
        false,
        undefined,
        { cause: err }
      )
    }
    const name = (err as Error).name
    const timedOut = err instanceof TimeBound || name === 'TimeoutError' || name === 'AbortError'
    const msg = timedOut
      ? `${target} on ${host} timed out: ${err instanceof TimeBound ? err.message : (err as Error).message}`
      : `${target} on ${host} failed: ${describeNetworkError(err)}`
    throw new AnacondaHttpError(msg, method, target, undefined, true, undefined, { cause: err })
  }
  if (allow.includes(res.status) || (opts.redirect && REDIRECTS.includes(res.status))) {
    const body = res.body
    return {
      status: res.status,
      reason: res.reason,
      headers: res.headers,
      body,
      json: <T>() => {
        try {
          return JSON.parse(body.toString('utf8')) as T
        } catch {
          throw new AnacondaHttpError(`${target}: the answer is not JSON.`, method, target, res.status, false)
        }
      }
    }
  }
  const serverMessage = serverMessageOf(res.body)
  const transient = res.status >= 500 || res.status === 429
  let msg = `${target} → ${res.status}${serverMessage ? `: ${serverMessage}` : ''}`
  if (res.status === 401 && ctx.authHint) msg += `. ${ctx.authHint}`
  throw new AnacondaHttpError(msg, method, target, res.status, transient, serverMessage)
}
