/**
 * Trusted Publishing: the runner's OIDC token exchanged for a short-lived upload token, as PyPI documents
 * it (docs/user/trusted-publishers in pypi/warehouse; the same exchange as twine's auth.py and
 * gh-action-pypi-publish's oidc-exchange.py): GET /_/oidc/audience, core.getIDToken(audience),
 * POST /_/oidc/mint-token {token} → {token, expires}. A token is minted again, from a fresh OIDC token,
 * when less than five minutes of it are left.
 */
import * as core from '@actions/core'
import { UploadError } from '../errors.js'
import { bound, JSON_MAX_BYTES } from '../publish/anaconda/http-errors.js'
import { fetchWithin } from '../publish/anaconda/transport.js'
import { inert } from '../util/inert.js'
import { maskCredential } from '../util/secrets.js'
import { USER_AGENT } from './user-agent.js'

const RENEW_BEFORE_MS = 5 * 60_000

export class TrustedPublishingError extends UploadError {}

interface MintAnswer {
  token?: unknown
  expires?: unknown
  message?: unknown
  errors?: unknown
}

/**
 * One exchange within the index reads' bounds (header, idle and total time; the body cut at the JSON
 * ceiling, an error's at its first 64 KiB), redirects not followed: the answer is parsed when it is JSON.
 */
async function getJson(
  url: string,
  init: { method: string; headers?: Record<string, string>; body?: string }
): Promise<{ status: number; statusText: string; json?: Record<string, unknown> }> {
  const res = await fetchWithin(
    url,
    { ...init, headers: { ...init.headers, 'User-Agent': USER_AGENT } },
    {
      headerMs: bound('apiHeaderMs'),
      idleMs: bound('apiIdleMs'),
      deadline: performance.now() + bound('apiTotalMs'),
      maxBytes: JSON_MAX_BYTES,
      expected: `at most ${JSON_MAX_BYTES} bytes of JSON`,
      allow: [200]
    }
  )
  const statusText = res.reason ?? ''
  try {
    const json = JSON.parse(res.body.toString('utf8')) as unknown
    return json && typeof json === 'object' && !Array.isArray(json)
      ? { status: res.status, statusText, json: json as Record<string, unknown> }
      : { status: res.status, statusText }
  } catch {
    return { status: res.status, statusText }
  }
}

/** The claims of a JWT that say which publisher it stands for (printed to debug a refused mint). */
function claimsOf(jwt: string): string {
  try {
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
    return ['sub', 'repository', 'repository_owner', 'job_workflow_ref', 'ref', 'environment']
      .filter((k) => claims[k] !== undefined)
      .map((k) => `  ${k}: ${String(claims[k])}`)
      .join('\n')
  } catch {
    return '  (the OIDC token could not be decoded)'
  }
}

export class TrustedPublisher {
  private token?: string
  private expiresAt = 0
  /** Mints so far (for the report). */
  mints = 0

  /** `uploadUrl`: the index's upload URL; the exchange lives at its origin. */
  constructor(
    private readonly uploadUrl: string,
    private readonly now: () => number = Date.now
  ) {}

  private get origin(): string {
    return new URL(this.uploadUrl).origin
  }

  async audience(): Promise<string> {
    const url = `${this.origin}/_/oidc/audience`
    let res
    try {
      res = await getJson(url, { method: 'GET' })
    } catch (err) {
      throw new TrustedPublishingError(
        `Trusted Publishing: ${url} could not be reached: ${(err as Error).message}`
      )
    }
    if (res.status === 403) {
      throw new TrustedPublishingError(
        `Trusted Publishing: the index at ${this.origin} has Trusted Publishing disabled (403 from /_/oidc/audience). Give pypi-token instead.`
      )
    }
    if (res.status === 404) {
      throw new TrustedPublishingError(
        `Trusted Publishing: the index at ${this.origin} does not offer it (404 from /_/oidc/audience). Give pypi-token instead.`
      )
    }
    const audience = res.json?.audience
    if (res.status !== 200 || typeof audience !== 'string' || !audience) {
      throw new TrustedPublishingError(
        `Trusted Publishing: /_/oidc/audience answered ${res.status} ${inert(res.statusText, 100)} without an audience.`
      )
    }
    return audience
  }

  /** A fresh upload token (masked). */
  async mint(): Promise<string> {
    const jwt = await this.idToken(await this.audience())
    const url = `${this.origin}/_/oidc/mint-token`
    let res
    try {
      res = await getJson(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: jwt })
      })
    } catch (err) {
      throw new TrustedPublishingError(
        `Trusted Publishing: ${url} could not be reached: ${(err as Error).message}`
      )
    }
    const body = res.json as MintAnswer | undefined
    if (!body) {
      throw new TrustedPublishingError(
        `Trusted Publishing: the index answered ${res.status} ${inert(res.statusText, 100)} with no JSON to the token request; wait a few minutes and run again.`
      )
    }
    if (res.status !== 200) {
      const reasons = (Array.isArray(body.errors) ? body.errors : [])
        .map((e) => `  * ${inert(e?.code, 100)}: ${inert(e?.description, 500)}`)
        .join('\n')
      throw new TrustedPublishingError(
        `Trusted Publishing: the index refused the token request (${res.status}: ${inert(body.message ?? '', 500)}):\n` +
          `${reasons}\nThe publisher registered on the index must match these claims of the runner's token:\n${claimsOf(jwt)}`
      )
    }
    if (typeof body.token !== 'string' || !body.token) {
      throw new TrustedPublishingError(
        'Trusted Publishing: the index answered the token request without a token.'
      )
    }
    maskCredential(body.token)
    this.token = body.token
    // PyPI's tokens live 900 s; `expires` (seconds since the epoch) says exactly when.
    this.expiresAt = typeof body.expires === 'number' ? body.expires * 1000 : this.now() + 900_000
    this.mints++
    return body.token
  }

  /** The current token, minted again when it runs low. */
  async current(): Promise<string> {
    if (!this.token || this.expiresAt - this.now() < RENEW_BEFORE_MS) return this.mint()
    return this.token
  }

  /** The runner's OIDC token for the index's audience (masked). */
  private async idToken(audience: string): Promise<string> {
    let jwt: string
    try {
      jwt = await core.getIDToken(audience)
    } catch (err) {
      throw new TrustedPublishingError(
        `Trusted Publishing: the runner gave no OIDC token (${(err as Error).message}). The job needs ` +
          '`permissions: id-token: write`, and the event must not be a pull request from a fork ' +
          '(GitHub gives those no OIDC token). Or give pypi-token.'
      )
    }
    core.setSecret(jwt)
    return jwt
  }

  /**
   * A dry run's check, short of minting: the index offers Trusted Publishing (its audience) and the runner
   * gives an OIDC token for it. Nothing is sent to the index's token endpoint, so no upload token exists
   * and a pending publisher creates no project; whether the index accepts the token shows only on upload.
   */
  async probe(): Promise<string> {
    const audience = await this.audience()
    await this.idToken(audience)
    return audience
  }
}
