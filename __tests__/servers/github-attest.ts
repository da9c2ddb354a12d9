/**
 * A local stand-in of GitHub's side of a build-provenance attestation, on 127.0.0.1:
 * - the runner's OIDC token service (what @actions/core's getIDToken reads from
 *   ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN): GET ?audience=A gives {value: <JWT>}, an ES256 JWT with the
 *   claims GitHub's tokens carry (issuer https://token.actions.githubusercontent.com), signed with a key of
 *   this server's whose JWKS `jwks` is;
 * - the attestations API: POST /repos/{owner}/{repo}/attestations {bundle} stores the bundle, answers
 *   201 {id}.
 * Fulcio, Rekor and the issuer's JWKS document are served in the action's process by sigstore-preload.mjs
 * (@sigstore/mock through nock), loaded with NODE_OPTIONS=--import; `env` carries all of it.
 */
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ISSUER = 'https://token.actions.githubusercontent.com'
const PRELOAD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sigstore-preload.mjs')

export interface AttestStandIn {
  url: string
  env: Record<string, string>
  /** Each stored attestation: the path it was POSTed to and its bundle. */
  stored: Array<{ path: string; bundle: unknown; authorization: string }>
  /** Audiences tokens were requested for, in order. */
  audiences: string[]
  claims: Record<string, string>
  close(): Promise<void>
}

const b64url = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url')

export async function startAttestStandIn(): Promise<AttestStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const kid = randomBytes(8).toString('hex')
  const jwks = { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] }
  const requestToken = `req-${randomBytes(8).toString('hex')}`
  const claims = {
    iss: ISSUER,
    sub: 'repo:dipy/dipy-wheels:ref:refs/heads/master',
    ref: 'refs/heads/master',
    sha: '0'.repeat(40),
    repository: 'dipy/dipy-wheels',
    repository_owner: 'dipy',
    event_name: 'push',
    job_workflow_ref: 'dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master',
    workflow_ref: 'dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master',
    repository_id: '424242',
    repository_owner_id: '4242',
    runner_environment: 'github-hosted',
    run_id: '777',
    run_attempt: '3'
  }
  const jwt = (aud: string): string => {
    const now = Math.floor(Date.now() / 1000)
    const head = b64url({ alg: 'ES256', typ: 'JWT', kid })
    const body = b64url({ ...claims, aud, iat: now, nbf: now - 5, exp: now + 600 })
    const sig = createSign('sha256')
      .update(`${head}.${body}`)
      .sign({ key: privateKey, dsaEncoding: 'ieee-p1363' })
      .toString('base64url')
    return `${head}.${body}.${sig}`
  }
  const stored: AttestStandIn['stored'] = []
  const audiences: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x')
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify(body))
      }
      if (req.method === 'GET' && u.pathname === '/oidc/token') {
        if (req.headers.authorization !== `Bearer ${requestToken}`) return send(401, { message: 'bad token' })
        const aud = u.searchParams.get('audience') ?? ''
        audiences.push(aud)
        return send(200, { value: jwt(aud) })
      }
      const m = /^\/repos\/([^/]+)\/([^/]+)\/attestations$/.exec(u.pathname)
      if (req.method === 'POST' && m) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { bundle?: unknown }
        stored.push({ path: u.pathname, bundle: body.bundle, authorization: req.headers.authorization ?? '' })
        return send(201, { id: 4242 + stored.length - 1 })
      }
      send(404, { message: 'Not Found' })
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    env: {
      ACTIONS_ID_TOKEN_REQUEST_URL: `${url}/oidc/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken,
      GITHUB_API_URL: url,
      GITHUB_SERVER_URL: 'https://github.com',
      DW_TEST_JWKS: JSON.stringify(jwks),
      DW_TEST_ISSUER: ISSUER,
      NODE_OPTIONS: `--import=${PRELOAD}`
    },
    stored,
    audiences,
    claims,
    close: () => new Promise((r) => server.close(() => r()))
  }
}
