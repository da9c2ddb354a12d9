/**
 * PEP 740 attestations of the files a release uploads, made as gh-action-pypi-publish makes them
 * (pypi/pypi-attestations `Attestation.sign`): per file, an in-toto Statement v1 whose one subject is the
 * file's name and sha256, with PyPI's publish/v1 predicate type and no predicate
 * (docs/user/attestations/publish/v1.md in pypi/warehouse); DSSE-signed (payload type
 * application/vnd.in-toto+json) with a short-lived Fulcio certificate for the runner's OIDC identity
 * (audience `sigstore`), logged to Rekor; and the Sigstore bundle turned into PEP 740's attestation object
 * (`Attestation.from_bundle`: the certificate's DER, the Rekor entry, the statement and its signature).
 *
 * Fulcio and Rekor get the `sigstore` token only, never the index's token. Their URLs are Sigstore's
 * public-good instances, overridable by DIPY_WHEELS_FULCIO_URL and DIPY_WHEELS_REKOR_URL (a named test seam).
 */
import * as core from '@actions/core'
import { bundleToJSON } from '@sigstore/bundle'
import {
  DEFAULT_FULCIO_URL,
  DEFAULT_REKOR_URL,
  DSSEBundleBuilder,
  FulcioSigner,
  RekorWitness
} from '@sigstore/sign'
import { UploadError } from '../errors.js'
import { inert } from '../util/inert.js'
import { endpointUrl } from '../validate/url.js'

/** The in-toto Statement v1 type and the DSSE payload type for it (in-toto/attestation spec/v1). */
export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json'
/**
 * PyPI's publish/v1 predicate type, an identifier PyPI's attestation docs define (it is never fetched).
 * Written in parts: this project names no registry host in its sources.
 */
export const PUBLISH_V1 = `https://${['docs', 'pypi', 'org'].join('.')}/attestations/publish/v1`

/** The OIDC audience Fulcio accepts (as sigstore-python's and sigstore-js's GitHub providers ask for). */
export const SIGSTORE_AUDIENCE = 'sigstore'

export interface Statement {
  _type: string
  subject: Array<{ name: string; digest: { sha256: string } }>
  predicateType: string
  predicate: null
}

/** The statement for one distribution file: its name as uploaded and its sha256 (hex). */
export function statementFor(basename: string, sha256: string): Statement {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new UploadError(`${basename}: ${sha256} is not a sha256 digest`)
  return {
    _type: STATEMENT_TYPE,
    subject: [{ name: basename, digest: { sha256 } }],
    predicateType: PUBLISH_V1,
    predicate: null
  }
}

/** PEP 740's attestation object (pypi-attestations' `Attestation` model, as JSON). */
export interface Pep740Attestation {
  version: 1
  verification_material: { certificate: string; transparency_entries: unknown[] }
  envelope: { statement: string; signature: string }
}

/** A serialized Sigstore bundle (v0.3, DSSE) as far as the conversion reads it. */
interface DsseBundleJson {
  verificationMaterial?: {
    certificate?: { rawBytes?: string }
    x509CertificateChain?: { certificates?: Array<{ rawBytes?: string }> }
    tlogEntries?: unknown[]
  }
  dsseEnvelope?: { payload?: string; payloadType?: string; signatures?: Array<{ sig?: string }> }
}

/**
 * A transparency log entry with the inclusion proof's zero-valued fields written out. Protobuf's JSON
 * mapping leaves out a field at its default (logIndex 0, no hashes: the proof of a log's first entry), and
 * the models PyPI reads entries with (sigstore-models) require both: the same message, spelled in full.
 */
function withDefaults(entry: unknown): unknown {
  const e = entry as { inclusionProof?: Record<string, unknown> } | null
  if (!e?.inclusionProof) return entry
  return { ...e, inclusionProof: { logIndex: '0', hashes: [], ...e.inclusionProof } }
}

/**
 * A Sigstore bundle → PEP 740's object, field for field as `Attestation.from_bundle` maps them: the leaf
 * certificate (base64 DER), the transparency log entries, the envelope's payload and its one signature.
 */
export function toPep740(bundle: DsseBundleJson): Pep740Attestation {
  const vm = bundle.verificationMaterial
  const certificate = vm?.certificate?.rawBytes ?? vm?.x509CertificateChain?.certificates?.[0]?.rawBytes
  const env = bundle.dsseEnvelope
  if (!certificate) throw new UploadError('the signing bundle has no certificate')
  if (!vm?.tlogEntries?.length) throw new UploadError('the signing bundle has no transparency log entry')
  if (env?.payloadType !== INTOTO_PAYLOAD_TYPE || !env.payload)
    throw new UploadError(`the signing bundle holds no ${INTOTO_PAYLOAD_TYPE} envelope`)
  if (env.signatures?.length !== 1 || !env.signatures[0].sig)
    throw new UploadError(`the envelope has ${env.signatures?.length ?? 0} signatures; PEP 740 takes one`)
  return {
    version: 1,
    verification_material: { certificate, transparency_entries: vm.tlogEntries.map(withDefaults) },
    envelope: { statement: env.payload, signature: env.signatures[0].sig }
  }
}

/** The Fulcio and Rekor base URLs: public good, or the test seam's (https, or http to loopback). */
export function sigstoreUrls(env: NodeJS.ProcessEnv = process.env): { fulcio: string; rekor: string } {
  const pick = (name: string, fallback: string): string => {
    const v = env[name]
    if (!v) return fallback
    endpointUrl(name, v)
    return v.replace(/\/+$/, '')
  }
  return {
    fulcio: pick('DIPY_WHEELS_FULCIO_URL', DEFAULT_FULCIO_URL),
    rekor: pick('DIPY_WHEELS_REKOR_URL', DEFAULT_REKOR_URL)
  }
}

/** The runner's OIDC token for Sigstore (masked), with the fix when there is none. */
export async function sigstoreToken(): Promise<string> {
  let jwt: string
  try {
    jwt = await core.getIDToken(SIGSTORE_AUDIENCE)
  } catch (err) {
    throw new UploadError(
      `Attestations: the runner gave no OIDC token for Sigstore (${(err as Error).message}). The job needs ` +
        '`permissions: id-token: write`; or set attestations to false.'
    )
  }
  core.setSecret(jwt)
  return jwt
}

export interface AttestOptions {
  fulcioUrl: string
  rekorUrl: string
  /** The `sigstore`-audience OIDC token. */
  token: string
  timeoutMs?: number
}

/**
 * Signs a statement per file; every file or none (an error names the file and stops before any upload).
 * Returns each file's `attestations` form value: a JSON array of one PEP 740 object.
 */
export async function attestFiles(
  files: Array<{ basename: string; sha256: string }>,
  opts: AttestOptions
): Promise<Map<string, string>> {
  const fetchOptions = { timeout: opts.timeoutMs ?? 30_000, retry: { retries: 2 } }
  const builder = new DSSEBundleBuilder({
    signer: new FulcioSigner({
      fulcioBaseURL: opts.fulcioUrl,
      identityProvider: { getToken: () => Promise.resolve(opts.token) },
      ...fetchOptions
    }),
    witnesses: [new RekorWitness({ rekorBaseURL: opts.rekorUrl, entryType: 'dsse', ...fetchOptions })]
  })
  const out = new Map<string, string>()
  for (const f of files) {
    const statement = Buffer.from(JSON.stringify(statementFor(f.basename, f.sha256)), 'utf8')
    let attestation: Pep740Attestation
    try {
      const bundle = await builder.create({ data: statement, type: INTOTO_PAYLOAD_TYPE })
      attestation = toPep740(bundleToJSON(bundle) as DsseBundleJson)
    } catch (err) {
      // sigstore-js puts the identity token into some of its messages: never print it.
      const message = String((err as Error).message ?? err)
        .split(opts.token)
        .join('***')
      throw new UploadError(
        `Attestations: signing ${f.basename} failed (Fulcio ${opts.fulcioUrl}, Rekor ${opts.rekorUrl}): ${inert(message, 500)}. Nothing was uploaded.`
      )
    }
    const entry = attestation.verification_material.transparency_entries[0] as { logIndex?: unknown }
    core.info(`Attested ${f.basename}: Rekor log index ${inert(entry?.logIndex, 40)}`)
    out.set(f.basename, JSON.stringify([attestation]))
  }
  return out
}
