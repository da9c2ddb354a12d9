/**
 * GitHub build-provenance attestations of the wheels, with @actions/attest (the library behind
 * actions/attest-build-provenance): one in-toto statement whose subjects are the wheels (name, sha256)
 * and whose predicate is SLSA provenance v1 built from the runner's OIDC token claims
 * (https://slsa.dev/spec/v1.0/provenance, GitHub's workflow/v1 build type), signed with a Fulcio
 * certificate, logged (Rekor for a public repository, GitHub's own Sigstore instance otherwise) and stored
 * with POST /repos/{owner}/{repo}/attestations. `gh attestation verify <wheel> -R <owner>/<repo>`
 * checks one. Needs `permissions: id-token: write, attestations: write` and the github-token input.
 */
import { attestProvenance } from '@actions/attest'
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { InputError, UploadError, messageOf } from '../errors.js'

/** The attest input. */
export type AttestMode = 'auto' | 'true' | 'false'

export interface AttestDecision {
  mode: AttestMode
  attest: boolean
  reason: string
}

/**
 * Whether to attest: `auto` when the runner gives OIDC tokens (ACTIONS_ID_TOKEN_REQUEST_URL, set only
 * with `id-token: write`) and a github-token is given; `true` without them is an input error, before
 * anything runs.
 */
export function attestDecision(
  mode: AttestMode,
  githubToken: string,
  env: Readonly<Record<string, string | undefined>>
): AttestDecision {
  if (mode === 'false') return { mode, attest: false, reason: 'the attest input is false' }
  const missing: string[] = []
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL)
    missing.push(
      'the runner gives no OIDC token (ACTIONS_ID_TOKEN_REQUEST_URL is not set: the job needs `permissions: id-token: write`)'
    )
  if (!githubToken)
    missing.push(
      'the github-token input is empty (pass `github-token: ${{ github.token }}` with `permissions: attestations: write`)'
    )
  if (!env.GITHUB_REPOSITORY) missing.push('GITHUB_REPOSITORY is not set')
  if (missing.length === 0) {
    return { mode, attest: true, reason: 'the runner gives OIDC tokens and a github-token is given' }
  }
  if (mode === 'true') {
    throw new InputError(
      'attest',
      `it is true but ${missing.join('; ')}. Give them, or set attest to auto (attest when possible) or false.`
    )
  }
  return { mode, attest: false, reason: missing.join('; ') }
}

/** Public-good Sigstore (Rekor) for a public repository, GitHub's instance otherwise, as actions/attest does. */
export function sigstoreInstance(
  env: Readonly<Record<string, string | undefined>>
): 'public-good' | 'github' {
  try {
    const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH ?? '', 'utf8')) as {
      repository?: { visibility?: unknown }
    }
    return event.repository?.visibility === 'public' ? 'public-good' : 'github'
  } catch {
    return 'github'
  }
}

export interface AttestResult {
  /** The attestation's id in the repository's attestation store. */
  id?: string
  /** The Rekor log index, when logged there. */
  tlogIndex?: string
  /** The subjects attested: wheel name → sha256. */
  subjects: Array<{ name: string; sha256: string }>
  /** The Sigstore bundle (JSON), also written beside the wheels as attestation.sigstore.json by the caller. */
  bundle: unknown
}

/** Attests the wheels' build provenance; throws UploadError naming what failed. */
export async function attestWheels(
  wheels: ReadonlyArray<{ name: string; sha256: string }>,
  githubToken: string,
  env: Readonly<Record<string, string | undefined>>
): Promise<AttestResult> {
  const sigstore = sigstoreInstance(env)
  core.info(
    `Attesting the build provenance of ${wheels.length} wheel(s) (SLSA v1, ${sigstore === 'public-good' ? "Sigstore's public-good Fulcio and Rekor" : "GitHub's Sigstore instance"})`
  )
  try {
    const a = await attestProvenance({
      subjects: wheels.map((w) => ({ name: w.name, digest: { sha256: w.sha256 } })),
      token: githubToken,
      sigstore
    })
    core.info(
      `Attestation ${a.attestationID ?? '(no id)'} stored${a.tlogID ? `, Rekor log index ${a.tlogID}` : ''}`
    )
    return {
      ...(a.attestationID ? { id: a.attestationID } : {}),
      ...(a.tlogID ? { tlogIndex: a.tlogID } : {}),
      subjects: wheels.map((w) => ({ name: w.name, sha256: w.sha256 })),
      bundle: a.bundle
    }
  } catch (err) {
    throw new UploadError(
      `Attesting the wheels' build provenance failed: ${messageOf(err)}. The job needs \`permissions: id-token: write, attestations: write\` and github-token; set attest to false to build without.`,
      { cause: err }
    )
  }
}
