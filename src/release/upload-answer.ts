/**
 * Reading an upload answer: PyPI's legacy API puts its error message in the reason phrase of the status
 * line (warehouse forklift/legacy.py `_exc_with_message`; twine reads `response.reason`), and a 429 may say
 * when to come back (Retry-After, RFC 9110 section 10.2.3). Both are untrusted: bounded and cleaned here.
 */
import { STATUS_CODES } from 'node:http'
import { serverMessageOf, type HttpResponse } from '../publish/anaconda/http.js'
import { inert } from '../util/inert.js'

/** The longest wait a Retry-After may ask for before the release gives up instead (10 min). */
export const MAX_RETRY_AFTER_MS = 600_000

/** Foreign text for one log line: markup and runs of white space folded, then made inert (300 characters). */
function clean(text: string): string {
  return inert(
    text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    300
  )
}

/**
 * The index's explanation of a status: the reason phrase when it says more than the standard one for
 * the code (PyPI: "400 File already exists ..."), else the body's text (pypiserver).
 */
export function answerMessage(res: Pick<HttpResponse, 'status' | 'reason' | 'body'>): string {
  const reason = clean(res.reason ?? '')
  if (reason && reason.toLowerCase() !== (STATUS_CODES[res.status] ?? '').toLowerCase()) return reason
  return clean(serverMessageOf(res.body) ?? '') || reason || String(res.status)
}

/** A Retry-After value (delay-seconds or an HTTP-date) in ms from `now`; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  const v = value?.trim()
  if (!v) return undefined
  if (/^\d{1,9}$/.test(v)) return Number(v) * 1000
  const at = Date.parse(v)
  if (isNaN(at) || !/GMT$/.test(v)) return undefined
  return Math.max(0, at - now)
}
