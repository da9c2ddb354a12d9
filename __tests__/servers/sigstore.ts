/**
 * Fulcio and Rekor for the tests, on 127.0.0.1: @sigstore/mock's CA (with its CT log) and transparency log,
 * served over real HTTP so that the bundled action, a child process, reaches them as it would Sigstore's
 * public-good instances. Every request is recorded (path, authorization header, body), and the mock's keys
 * are given as a Sigstore trusted root (the protobuf-specs TrustedRoot JSON) for the verifiers.
 *
 *   const sig = await startSigstoreMock()
 *   env: sig.env (DIPY_WHEELS_FULCIO_URL / DIPY_WHEELS_REKOR_URL); sig.trustedRoot; sig.requests
 */
import { createHash, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  fulcioHandler,
  initializeCA,
  initializeCTLog,
  initializeTLog,
  rekorHandler,
  type HandlerFn
} from '@sigstore/mock'

export interface SigstoreRequest {
  method: string
  path: string
  authorization?: string
  body: string
}

export interface SigstoreMock {
  url: string
  env: Record<string, string>
  requests: SigstoreRequest[]
  /** The trusted root of this Fulcio (CA and CT log) and Rekor, as Sigstore clients read it. */
  trustedRoot: Record<string, unknown>
  /** Fulcio answers 500 (down) once it has issued n certificates. */
  failFulcioAfter(n: number): void
  close(): Promise<void>
}

const keyPair = (): { publicKey: KeyObject; privateKey: KeyObject } =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })

const spki = (k: KeyObject): Buffer => k.export({ format: 'der', type: 'spki' })

/** A public key entry of a trusted root (protobuf-specs sigstore_trustroot TransparencyLogInstance). */
function logInstance(baseUrl: string, key: KeyObject): Record<string, unknown> {
  const der = spki(key)
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: der.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: '2000-01-01T00:00:00Z' }
    },
    logId: { keyId: createHash('sha256').update(der).digest('base64') }
  }
}

interface ProposedEntry {
  kind?: string
  apiVersion?: string
  spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } }
}

/**
 * What Rekor stores for a proposed dsse v0.0.1 entry (sigstore/rekor pkg/types/dsse/v0.0.1: the
 * envelope's and the payload's sha256 and each signature with its verifier), where @sigstore/mock logs the
 * proposal as sent: verifiers (sigstore-python's among them) read the stored form, and Rekor stores each
verifier re-encoded (its CanonicalValue: PEM in 64-column lines), not as the client wrote it.
 */
/** A base64 PEM certificate as Rekor stores it: re-encoded PEM (64-column lines), base64. */
function canonicalPem(b64pem: string): string {
  const pem = new X509Certificate(Buffer.from(b64pem, 'base64')).toString()
  return Buffer.from(pem).toString('base64')
}

function storedEntry(proposed: ProposedEntry): object {
  const content = proposed.spec?.proposedContent
  if (proposed.kind !== 'dsse' || !content?.envelope) return proposed
  const env = JSON.parse(content.envelope) as { payload: string; signatures: Array<{ sig: string }> }
  const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex')
  return {
    apiVersion: proposed.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(content.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(env.payload, 'base64')) },
      signatures: env.signatures.map((sg, i) => ({
        signature: sg.sig,
        verifier: canonicalPem(content.verifiers?.[i] ?? content.verifiers?.[0] ?? '')
      }))
    }
  }
}

export async function startSigstoreMock(): Promise<SigstoreMock> {
  const requests: SigstoreRequest[] = []
  let fulcioLimit = Infinity
  let issued = 0
  const routes = new Map<string, HandlerFn>()
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = new URL(req.url ?? '/', 'http://x').pathname
      requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body })
      const fn = req.method === 'POST' ? routes.get(path) : undefined
      if (!fn) return void res.writeHead(404).end('not found')
      if (path.startsWith('/fulcio/') && issued++ >= fulcioLimit)
        return void res.writeHead(500, { 'Content-Type': 'text/plain' }).end('Fulcio is down')
      fn(body)
        .then((r) =>
          res
            .writeHead(r.statusCode, { 'Content-Type': r.contentType ?? 'text/plain' })
            .end(
              typeof r.response === 'string'
                ? r.response
                : Buffer.from(r.response.buffer, r.response.byteOffset, r.response.byteLength)
            )
        )
        .catch(() => res.writeHead(500).end())
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const fulcioUrl = `${url}/fulcio`
  const rekorUrl = `${url}/rekor`

  const caKey = keyPair()
  const ctKey = keyPair()
  const rekorKey = keyPair()
  const ca = await initializeCA(caKey, await initializeCTLog(ctKey))
  const tlog = await initializeTLog(rekorUrl, rekorKey)
  const fulcio = fulcioHandler(ca)
  routes.set(`/fulcio${fulcio.path}`, fulcio.fn)
  routes.set(`/rekor${rekorHandler(tlog).path}`, async (body) => {
    try {
      const entry = await tlog.log(storedEntry(JSON.parse(body) as ProposedEntry))
      return { statusCode: 201, response: JSON.stringify(entry), contentType: 'application/json' }
    } catch (e) {
      return { statusCode: 400, response: (e as Error).message }
    }
  })

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [logInstance(rekorUrl, rekorKey.publicKey)],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: fulcioUrl,
        certChain: {
          certificates: [
            {
              rawBytes: Buffer.from(
                ca.rootCertificate.buffer,
                ca.rootCertificate.byteOffset,
                ca.rootCertificate.byteLength
              ).toString('base64')
            }
          ]
        },
        validFor: { start: '2000-01-01T00:00:00Z' }
      }
    ],
    ctlogs: [logInstance(`${url}/ct`, ctKey.publicKey)],
    timestampAuthorities: []
  }
  return {
    url,
    env: { DIPY_WHEELS_FULCIO_URL: fulcioUrl, DIPY_WHEELS_REKOR_URL: rekorUrl },
    requests,
    trustedRoot,
    failFulcioAfter: (n) => (fulcioLimit = n),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
