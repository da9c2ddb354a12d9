/**
 * The failures of an HTTP request (AnacondaHttpError), the server's explanation made inert, and the
 * bounds every request keeps (documented in http.ts).
 */
import { UploadError } from '../../errors.js'
import { inert } from '../../util/inert.js'

/** The ceiling of a download whose size nobody declared (PyPI's default file limit is 100 MB). */
export const MAX_DOWNLOAD_BYTES = 1024 * 1024 * 1024

/** The ceiling of a JSON or HTML answer. */
export const JSON_MAX_BYTES = 32 * 1024 * 1024

/** The default bounds (ms), before DIPY_WHEELS_TIME_SCALE. */
export const BOUNDS = {
  apiHeaderMs: 30_000,
  apiIdleMs: 30_000,
  apiTotalMs: 120_000,
  transferHeaderMs: 60_000,
  transferIdleMs: 120_000,
  transferTotalMs: 1_800_000
} as const

/** A default bound, scaled for tests by DIPY_WHEELS_TIME_SCALE (a positive number). */
export function bound(name: keyof typeof BOUNDS): number {
  const v = Number(process.env.DIPY_WHEELS_TIME_SCALE)
  return Number.isFinite(v) && v > 0 ? BOUNDS[name] * v : BOUNDS[name]
}

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

/** getaddrinfo's answers for a name that does not resolve (libuv's errno names, as Node reports them). */
const NAME_NOT_RESOLVED = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_NODATA'])

/**
 * The errno code when `err` (or its cause: fetch wraps the socket's error) says the host name did not
 * resolve. Final, not retried: a wrong name or a machine without DNS does not get better within the
 * minutes a retry waits, and the user should be told which host it was at once.
 */
export function nameNotResolved(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string' && NAME_NOT_RESOLVED.has(e.code)) return e.code
    e = e.cause as typeof e
  }
  return undefined
}

export function isTransient(err: unknown): boolean {
  return err instanceof AnacondaHttpError && err.transient
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

export function describeNetworkError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } }
  const cause = e.cause?.code ?? e.cause?.message
  return inert(cause ? `${e.message} (${cause})` : (e.message ?? String(err)), 300)
}
