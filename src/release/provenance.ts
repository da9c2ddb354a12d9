/**
 * After the upload: the index's provenance of each attested file, read back through PEP 740's Integrity
 * API (GET <origin>/integrity/<project>/<version>/<filename>/provenance, Accept
 * application/vnd.pypi.integrity.v1+json; pypi/warehouse warehouse/api/integrity.py). Warehouse answers a
 * file without provenance with a JSON 404 ("No provenance available for …"); an index without the API
 * (pypiserver) answers a plain 404: that one means "not offered", said once as a notice.
 *
 * What is checked: some attestation of the provenance's bundles holds, in its envelope, an in-toto
 * statement whose one subject is the file's name with its sha256 and whose predicate type is publish/v1.
 * The signatures are the index's to verify (it refuses an upload whose attestations do not verify).
 */
import * as core from '@actions/core'
import { UploadError } from '../errors.js'
import { Http, type HttpConfig } from '../publish/anaconda/http.js'
import { inert } from '../util/inert.js'
import { retryBaseDelay, sleep } from '../util/retry.js'
import { PUBLISH_V1 } from './attestations.js'
import type { ReleaseInputs } from './inputs.js'
import { USER_AGENT } from './user-agent.js'

export type ProvenanceResult =
  { offered: false; why: string } | { offered: true; problems: string[]; checked: number }

interface Wanted {
  basename: string
  sha256: string
}

/** Why a provenance object does not attest `file` (undefined: it does). */
export function provenanceProblem(body: unknown, file: Wanted): string | undefined {
  const bundles = (body as { attestation_bundles?: unknown } | null)?.attestation_bundles
  if (!Array.isArray(bundles) || bundles.length === 0) return 'the provenance has no attestation bundle'
  const seen: string[] = []
  for (const b of bundles) {
    const atts = (b as { attestations?: unknown } | null)?.attestations
    for (const a of Array.isArray(atts) ? atts : []) {
      const statement = (a as { envelope?: { statement?: unknown } } | null)?.envelope?.statement
      if (typeof statement !== 'string') continue
      let s: { subject?: Array<{ name?: unknown; digest?: { sha256?: unknown } }>; predicateType?: unknown }
      try {
        s = JSON.parse(Buffer.from(statement, 'base64').toString('utf8')) as typeof s
      } catch {
        seen.push('a statement that is not JSON')
        continue
      }
      const subj = Array.isArray(s.subject) && s.subject.length === 1 ? s.subject[0] : undefined
      if (
        subj?.name === file.basename &&
        subj.digest?.sha256 === file.sha256 &&
        s.predicateType === PUBLISH_V1
      )
        return undefined
      seen.push(
        `${inert(subj?.name, 200)} sha256 ${inert(subj?.digest?.sha256, 80)} (${inert(s.predicateType, 120)})`
      )
    }
  }
  return `no attestation of ${file.basename} sha256 ${file.sha256}; the index holds: ${seen.join('; ') || 'none'}`
}

/** Reads and checks the provenance of each file; stops at the first plain 404 (the API is not offered). */
export async function checkProvenance(
  indexUrl: string,
  pkg: string,
  version: string,
  files: Wanted[],
  http: Omit<HttpConfig, 'apiUrl' | 'token'> = {}
): Promise<ProvenanceResult> {
  const origin = new URL(indexUrl).origin
  const client = new Http({ apiUrl: origin, ...http })
  const problems: string[] = []
  const delay = retryBaseDelay(5000)
  for (const f of files) {
    const url = `${origin}/integrity/${[pkg, version, f.basename].map(encodeURIComponent).join('/')}/provenance`
    for (let attempt = 1; ; attempt++) {
      const res = await client.request('GET', url, {
        headers: { Accept: 'application/vnd.pypi.integrity.v1+json', 'User-Agent': USER_AGENT },
        allow: [200, 403, 404]
      })
      const json = /json/.test(res.headers.get('content-type') ?? '')
      if (res.status === 404 && !json)
        return { offered: false, why: `${origin} has no Integrity API (404 from ${url})` }
      if (res.status === 403)
        return { offered: false, why: `${origin} answered 403 for provenance (attestations disabled there)` }
      if (res.status === 404) {
        // Warehouse: no provenance stored (yet: its read side may lag the upload a little).
        if (attempt < 3) {
          await sleep(delay * attempt)
          continue
        }
        problems.push(
          `${f.basename}: the index holds no provenance for it (404), though it was sent with attestations`
        )
        break
      }
      let body: unknown
      try {
        body = res.json()
      } catch {
        problems.push(`${f.basename}: the provenance is not JSON`)
        break
      }
      const problem = provenanceProblem(body, f)
      if (problem) problems.push(`${f.basename}: ${problem}`)
      break
    }
  }
  return { offered: true, problems, checked: files.length }
}

/** The index's provenance of the attested files (PEP 740's Integrity API), when the index offers it. */
export async function checkProvenanceOf(
  inputs: ReleaseInputs,
  files: Array<{ basename: string; sha256Actual: string }>
): Promise<void> {
  const wanted = files.map((f) => ({ basename: f.basename, sha256: f.sha256Actual }))
  const result = await checkProvenance(inputs.pypiIndexUrl, inputs.package, inputs.version, wanted)
  if (!result.offered) {
    core.notice(`Provenance not checked: ${result.why}. The attestations were sent with the files.`)
    return
  }
  if (result.problems.length) {
    throw new UploadError(
      `The index's provenance does not match the attestations sent:\n  ${result.problems.join('\n  ')}`
    )
  }
  core.info(`Provenance on the index: ${result.checked} file(s) attested as sent.`)
}
