/**
 * The time bounds the product documents for its requests (src/publish/anaconda/http.ts, the "Time bounds"
 * paragraph of its header; the values are BOUNDS in http-errors.ts), written out here from that text
 * rather than imported: a product whose bounds grow past their documentation fails the cases that time
 * them. Scaled by DIPY_WHEELS_TIME_SCALE, read when asked, as the suites set it.
 */

/** Seconds, before DIPY_WHEELS_TIME_SCALE. */
const DOCUMENTED = {
  /** API and index reads (JSON, HTML): to the response headers, connect included. */
  apiHeader: 30,
  /** API and index reads: idle while reading. */
  apiIdle: 30,
  /** API and index reads: the whole operation, every attempt and backoff wait. */
  apiTotal: 120,
  /** Transfers (downloads, file uploads): to connect or to the response headers. */
  transferHeader: 60,
  /** Transfers: no byte either way. */
  transferIdle: 120,
  /** Transfers: the whole operation. */
  transferTotal: 1800
} as const

export type Bound = keyof typeof DOCUMENTED

/** The test's own allowance on top of a bound: timers firing late, an answer written, a process exiting. */
export const SLACK_S = 1

/**
 * A documented bound in seconds, scaled by this process's DIPY_WHEELS_TIME_SCALE (the suites set it, and
 * hand it on to the runs they start): a suite that forgot it would compare against unscaled bounds.
 */
export function documented(name: Bound): number {
  const v = Number(process.env.DIPY_WHEELS_TIME_SCALE)
  if (!(Number.isFinite(v) && v > 0)) throw new Error('test bug: set DIPY_WHEELS_TIME_SCALE in the suite')
  return DOCUMENTED[name] * v
}

/** Seconds since the call, each time the function returned is called. */
export function stopwatch(): () => number {
  const t0 = performance.now()
  return () => (performance.now() - t0) / 1000
}

/**
 * The documented bound of the requests servers saw, each taken as an operation of its own (an operation
 * holds one request or more, so this is never less than the product's own bound): a transfer (a file up
 * or down) its transfer total, any other request its API total.
 */
export function boundOfRequests<T>(requests: T[], isTransfer: (r: T) => boolean): number {
  const transfers = requests.filter(isTransfer).length
  return (requests.length - transfers) * documented('apiTotal') + transfers * documented('transferTotal')
}
