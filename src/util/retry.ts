import * as core from '@actions/core'
import { inert } from './inert.js'

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number
  /** The first wait; each later one doubles, with up to 50% jitter. */
  baseDelayMs: number
  /** Whether a failure is worth another try. */
  retryable: (err: unknown) => boolean
  /** What is being tried, for the log. */
  what: string
}

/** The base delay, overridable for tests by DIPY_WHEELS_RETRY_BASE_MS (a named test seam). */
export function retryBaseDelay(defaultMs: number): number {
  const v = process.env.DIPY_WHEELS_RETRY_BASE_MS
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : defaultMs
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Runs `fn` until it succeeds, a failure is not retryable, or the attempts run out. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt)
    } catch (err) {
      if (attempt >= opts.attempts || !opts.retryable(err)) throw err
      const delay = opts.baseDelayMs * 2 ** (attempt - 1) * (1 + Math.random() * 0.5)
      core.info(
        `${opts.what} failed (attempt ${attempt} of ${opts.attempts}): ${inert(
          String((err as Error).message ?? err)
            .split('\n')[0]
            .replace(/\.$/, ''),
          500
        )}; trying again in ${(delay / 1000).toFixed(1)} s`
      )
      await sleep(delay)
    }
  }
}
