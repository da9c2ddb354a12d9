/**
 * A stub of both sides of Trusted Publishing for the tests, on 127.0.0.1:
 * - GitHub's: GET /oidc/token?api-version=2.0&audience=A with `Authorization: Bearer <request token>` gives
 *   {value: <JWT>} (what @actions/core's getIDToken reads from ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN);
 * - the index's: GET /_/oidc/audience and POST /_/oidc/mint-token {token} (PyPI's shapes: 200 {success,
 *   token, expires}, 422 {message, errors: [{code, description}]}); a JWT is accepted once.
 * Every other request is passed on to `upstream` (a pypiserver), so the upload URL is this server; /moved/
 * answers a 301 to /.
 */
import { randomBytes } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * How the mint endpoint answers: as PyPI does ('ok', 'invalid-publisher'), a proxy's HTML ('not-json'),
 * or as a hostile or broken server would: never ('silent'), with a JSON body that never ends ('endless'),
 * or with `errors` that is not a list ('errors-object').
 */
export type MintMode = 'ok' | 'invalid-publisher' | 'not-json' | 'silent' | 'endless' | 'errors-object'

export interface OidcStub {
  url: string
  /** ACTIONS_ID_TOKEN_REQUEST_URL / _TOKEN for the action's environment. */
  env: Record<string, string>
  /** The upload token a successful mint gives. */
  mintedToken: string
  requests: string[]
  setAudienceStatus(status: number): void
  setMintMode(mode: MintMode): void
  /** The next n upload POSTs reach the index, but their answers are replaced by a 503. */
  loseAnswers(n: number): void
  /** Seconds a minted token lives (PyPI: 900). */
  setLifetime(seconds: number): void
  /** The form fields of each upload POST that reached the stub, in order; the file part as [content, its name]. */
  forms: Array<Array<[string, string]>>
  /** The next n upload POSTs are answered 429 with this Retry-After (seconds), not passed on. */
  rateLimit(n: number, retryAfter: string): void
  /** The next upload POST is answered with this status and reason phrase (PyPI puts its message there). */
  refuseNext(status: number, reason: string): void
  /** Serve this PEP 691 JSON for GET /simple/<project>/ instead of passing it on (PyPI's read side). */
  serveSimpleJson(project: string, body: unknown): void
  /**
   * Serve PEP 740's Integrity API (GET /integrity/<project>/<version>/<file>/provenance) from the
   * `attestations` fields posted: as sent, or with each statement's digest changed ('other-digest').
   */
  serveProvenance(mode: 'as-sent' | 'other-digest'): void
  close(): Promise<void>
}

/** The non-file parts of a multipart/form-data body, as [name, value] (RFC 7578). */
function formFields(body: Buffer, type: string): Array<[string, string]> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2]
  if (!boundary) return []
  const out: Array<[string, string]> = []
  for (const part of body.toString('latin1').split(`--${boundary}`)) {
    const end = part.indexOf('\r\n\r\n')
    if (end < 0) continue
    const head = part.slice(0, end)
    const name = /name="([^"]*)"/.exec(head)?.[1]
    if (!name) continue
    const filename = /filename="([^"]*)"/.exec(head)?.[1]
    if (filename !== undefined) {
      out.push([name, filename]) // the file's name, not its bytes
      continue
    }
    out.push([name, Buffer.from(part.slice(end + 4).replace(/\r\n$/, ''), 'latin1').toString('utf8')])
  }
  return out
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export async function startOidcStub(opts: { upstream: string; mintedToken: string }): Promise<OidcStub> {
  const requestToken = `req-${randomBytes(8).toString('hex')}`
  const used = new Set<string>()
  const requests: string[] = []
  let audienceStatus = 200
  let mintMode: MintMode = 'ok'
  let lifetime = 900
  let lostAnswers = 0
  let limited = 0
  let retryAfter = '0'
  let refusal: { status: number; reason: string } | undefined
  const forms: Array<Array<[string, string]>> = []
  const simpleJson = new Map<string, unknown>()
  let provenance: 'as-sent' | 'other-digest' | undefined
  const upstream = new URL(opts.upstream)

  const json = (res: http.ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
  }
  const readBody = async (req: http.IncomingMessage): Promise<string> => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    requests.push(`${req.method} ${url.pathname}`)
    void (async () => {
      if (url.pathname === '/oidc/token') {
        if (req.headers.authorization !== `Bearer ${requestToken}`)
          return json(res, 401, { message: 'bad request token' })
        const jwt = `${b64({ alg: 'none' })}.${b64({
          aud: url.searchParams.get('audience'),
          iss: 'https://token.actions.githubusercontent.com',
          sub: 'repo:dipy/dipy-wheels:environment:pypi',
          repository: 'dipy/dipy-wheels',
          repository_owner: 'dipy',
          job_workflow_ref: 'dipy/dipy-wheels/.github/workflows/release.yml@refs/heads/master',
          // What Fulcio turns into the Build Config URI and Source Repository Ref/Digest extensions.
          workflow_ref: 'dipy/dipy-wheels/.github/workflows/release.yml@refs/heads/master',
          sha: '5fb1691d0c3f5b8e0e3a7c2d9b4f6a1e2c3d4e5f',
          ref: 'refs/heads/master',
          environment: 'pypi',
          jti: randomBytes(8).toString('hex')
        })}.sig`
        return json(res, 200, { value: jwt })
      }
      if (url.pathname === '/_/oidc/audience') {
        if (audienceStatus !== 200)
          return json(res, audienceStatus, { message: 'Trusted publishing functionality not enabled' })
        return json(res, 200, { audience: 'pypi' })
      }
      if (url.pathname === '/_/oidc/mint-token' && req.method === 'POST') {
        const body = JSON.parse(await readBody(req)) as { token?: string }
        if (mintMode === 'not-json')
          return res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad gateway</h1>')
        if (mintMode === 'silent') return // closeAllConnections ends it
        if (mintMode === 'endless') {
          res.writeHead(200, { 'Content-Type': 'application/json' })
          res.write('{"token": "')
          const chunk = 'a'.repeat(65536)
          const more = (): void => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', more)
          }
          return more()
        }
        if (mintMode === 'errors-object')
          return json(res, 422, { message: 'Token request failed', errors: { code: 'x' } })
        const fail = (code: string, description: string): void =>
          json(res, 422, { message: 'Token request failed', errors: [{ code, description }] })
        const claims = JSON.parse(
          Buffer.from((body.token ?? '..').split('.')[1], 'base64url').toString('utf8') || '{}'
        ) as {
          aud?: string
          jti?: string
        }
        if (claims.aud !== 'pypi') return fail('invalid-token', `unexpected audience ${claims.aud}`)
        if (used.has(claims.jti ?? '')) return fail('invalid-reuse-token', 'invalid token: already used')
        used.add(claims.jti ?? '')
        if (mintMode === 'invalid-publisher')
          return fail('invalid-publisher', 'valid token, but no corresponding publisher')
        return json(res, 200, {
          success: true,
          token: opts.mintedToken,
          expires: Math.floor(Date.now() / 1000) + lifetime
        })
      }
      if (url.pathname === '/moved/') {
        req.resume()
        return res.writeHead(301, { Location: '/' }).end()
      }
      const project = /^\/simple\/([^/]+)\/$/.exec(url.pathname)?.[1]
      if (req.method === 'GET' && project && simpleJson.has(project)) {
        return res
          .writeHead(200, { 'Content-Type': 'application/vnd.pypi.simple.v1+json' })
          .end(JSON.stringify(simpleJson.get(project)))
      }
      const integrity = /^\/integrity\/[^/]+\/[^/]+\/([^/]+)\/provenance$/.exec(url.pathname)
      if (req.method === 'GET' && integrity && provenance) {
        const file = decodeURIComponent(integrity[1])
        const sent = forms.find((f) => f.some(([k, v]) => k === 'content' && v === file))
        const field = sent?.find(([k]) => k === 'attestations')?.[1]
        if (!field) return json(res, 404, { message: `No provenance available for ${file}` }) // as Warehouse says it
        const attestations = (JSON.parse(field) as Array<{ envelope: { statement: string } }>).map((a) => {
          if (provenance !== 'other-digest') return a
          const st = JSON.parse(Buffer.from(a.envelope.statement, 'base64').toString('utf8')) as {
            subject: Array<{ digest: { sha256: string } }>
          }
          st.subject[0].digest.sha256 = '0'.repeat(64)
          return {
            ...a,
            envelope: { ...a.envelope, statement: Buffer.from(JSON.stringify(st)).toString('base64') }
          }
        })
        return json(res, 200, {
          version: 1,
          attestation_bundles: [
            {
              publisher: {
                kind: 'GitHub',
                repository: 'dipy/dipy-wheels',
                workflow: 'release.yml',
                environment: 'pypi'
              },
              attestations
            }
          ]
        })
      }
      let body: Buffer | undefined
      if (req.method === 'POST' && url.pathname === '/') {
        const chunks: Buffer[] = []
        for await (const c of req) chunks.push(c as Buffer)
        body = Buffer.concat(chunks)
        forms.push(formFields(body, req.headers['content-type'] ?? ''))
        if (limited > 0) {
          limited--
          return res.writeHead(429, { 'Retry-After': retryAfter }).end('Too many requests')
        }
        if (refusal) {
          const { status, reason } = refusal
          refusal = undefined
          // As Pyramid answers for warehouse: the message in the status line, a generic page as the body.
          return res
            .writeHead(status, reason, { 'Content-Type': 'text/html' })
            .end(
              '<html><body><h1>Bad request</h1>The server could not comply with the request.</body></html>'
            )
        }
      }
      // Everything else goes to the index behind.
      const proxied = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        (up) => {
          if (req.method === 'POST' && lostAnswers > 0) {
            // The index stored the file, but its answer is lost: a 503 arrives instead.
            lostAnswers--
            up.resume()
            up.on('end', () =>
              res.writeHead(503, { 'Content-Type': 'text/plain' }).end('Service Unavailable')
            )
            return
          }
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
        }
      )
      proxied.on('error', () => res.writeHead(502).end())
      if (body) proxied.end(body)
      else req.pipe(proxied)
    })().catch(() => res.writeHead(500).end())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
    },
    mintedToken: opts.mintedToken,
    requests,
    setAudienceStatus: (s) => (audienceStatus = s),
    setMintMode: (m) => (mintMode = m),
    setLifetime: (s) => (lifetime = s),
    loseAnswers: (n) => (lostAnswers = n),
    forms,
    rateLimit: (n, after) => {
      limited = n
      retryAfter = after
    },
    refuseNext: (status, reason) => (refusal = { status, reason }),
    serveSimpleJson: (project, body) => void simpleJson.set(project, body),
    serveProvenance: (mode) => (provenance = mode),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
