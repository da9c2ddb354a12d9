/**
 * The attestation pieces of the release (issue 19): the in-toto statement of a file, the Sigstore bundle →
 * PEP 740 conversion, the attestations input's defaults, and the provenance check. Expected shapes are
 * PEP 740's and the in-toto Statement v1 spec's (`_type`, one subject with name and sha256 digest).
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { statementFor, toPep740 } from '../../src/release/attestations.js'
import { resolveAttestations } from '../../src/release/inputs.js'
import { provenanceProblem } from '../../src/release/provenance.js'

const NAME = 'dipy-1.12.1-cp312-cp312-win_amd64.whl'
const SHA = createHash('sha256').update('wheel bytes').digest('hex')

describe('the statement', () => {
  it('in-toto Statement v1: one subject, the file name and its sha256, publish/v1, no predicate', () => {
    const s = statementFor(NAME, SHA)
    expect(s._type).toBe('https://in-toto.io/Statement/v1')
    expect(s.subject).toEqual([{ name: NAME, digest: { sha256: SHA } }])
    expect(s.predicateType).toMatch(/^https:\/\/docs\.\S+\/attestations\/publish\/v1$/)
    expect(s.predicate).toBeNull()
    expect(Object.keys(s)).toEqual(['_type', 'subject', 'predicateType', 'predicate'])
  })

  it('refuses a digest that is not a sha256', () => {
    expect(() => statementFor(NAME, 'abc')).toThrow(/not a sha256/)
  })
})

describe('bundle → PEP 740', () => {
  const entry = {
    logIndex: '42',
    logId: { keyId: 'a2V5' },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: '1700000000',
    inclusionPromise: { signedEntryTimestamp: 'c2V0' },
    inclusionProof: { rootHash: 'cm9vdA==', treeSize: '1', checkpoint: { envelope: 'note' } },
    canonicalizedBody: 'Ym9keQ=='
  }
  const bundle = {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: 'Y2VydA==' }, tlogEntries: [entry] },
    dsseEnvelope: {
      payload: 'c3RhdGVtZW50',
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: 'c2ln', keyid: '' }]
    }
  }

  it('copies certificate, entries, statement and signature; writes out the proof zero fields', () => {
    expect(toPep740(bundle)).toEqual({
      version: 1,
      verification_material: {
        certificate: 'Y2VydA==',
        transparency_entries: [
          { ...entry, inclusionProof: { ...entry.inclusionProof, logIndex: '0', hashes: [] } }
        ]
      },
      envelope: { statement: 'c3RhdGVtZW50', signature: 'c2ln' }
    })
  })

  it('refuses another payload type, two signatures, no log entry', () => {
    const env = bundle.dsseEnvelope
    expect(() => toPep740({ ...bundle, dsseEnvelope: { ...env, payloadType: 'text/plain' } })).toThrow(
      /in-toto/
    )
    expect(() =>
      toPep740({ ...bundle, dsseEnvelope: { ...env, signatures: [{ sig: 'a' }, { sig: 'b' }] } })
    ).toThrow(/2 signatures/)
    expect(() =>
      toPep740({ ...bundle, verificationMaterial: { ...bundle.verificationMaterial, tlogEntries: [] } })
    ).toThrow(/transparency log entry/)
  })
})

describe('the attestations input', () => {
  it('auto: on with Trusted Publishing, off with a token', () => {
    expect(resolveAttestations('auto', false)).toBe(true)
    expect(resolveAttestations('auto', true)).toBe(false)
    expect(resolveAttestations('false', false)).toBe(false)
    expect(resolveAttestations('true', false)).toBe(true)
  })

  it('true with a token is an input error naming the input and the fix', () => {
    expect(() => resolveAttestations('true', true)).toThrow(
      /Input 'attestations'.*Trusted Publishing.*Remove pypi-token.*or set attestations to false/s
    )
  })

  it('anything else is refused, naming the values', () => {
    expect(() => resolveAttestations('maybe', false)).toThrow(/not one of auto, true, false/)
  })
})

describe('the provenance check', () => {
  const att = (name: string, sha256: string) => ({
    envelope: {
      statement: Buffer.from(JSON.stringify(statementFor(name, sha256))).toString('base64'),
      signature: 'c2ln'
    }
  })
  const prov = (...a: unknown[]) => ({
    version: 1,
    attestation_bundles: [{ publisher: { kind: 'GitHub' }, attestations: a }]
  })

  it('passes when an attestation names the file and its sha256', () => {
    expect(provenanceProblem(prov(att(NAME, SHA)), { basename: NAME, sha256: SHA })).toBeUndefined()
  })

  it('names the mismatch: other digest, other file, no bundle', () => {
    const other = 'f'.repeat(64)
    expect(provenanceProblem(prov(att(NAME, other)), { basename: NAME, sha256: SHA })).toContain(
      `no attestation of ${NAME} sha256 ${SHA}; the index holds: ${NAME} sha256 ${other}`
    )
    expect(provenanceProblem(prov(att('x-1.0.tar.gz', SHA)), { basename: NAME, sha256: SHA })).toMatch(
      /no attestation of/
    )
    expect(
      provenanceProblem({ version: 1, attestation_bundles: [] }, { basename: NAME, sha256: SHA })
    ).toMatch(/no attestation bundle/)
  })
})
