/**
 * The build's provenance, after the wheels are built, repaired and tested: SHA256SUMS and
 * build-provenance.json in `<wheelhouse>-manifest`, next to the wheelhouse (which holds wheels only, so a
 * `wheelhouse/*` glob in a user's upload step never takes them) (and as the `<artifact>-manifest` artifact when the runner has
 * the artifact service), then, when the plan says so, a GitHub build-provenance attestation of the wheels.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { attestWheels, type AttestResult } from '../publish/attest.js'
import {
  buildRunOf,
  PROVENANCE_SCHEMA,
  uploadManifest,
  writeManifest,
  type ManifestFiles
} from '../publish/manifest.js'
import type { BuildPlan } from '../plan/types.js'
import type { WheelRecord } from './results.js'

export interface ProvenanceResult {
  manifest: ManifestFiles
  /** The manifest artifact, when uploaded. */
  artifact?: { name: string; id: number }
  attestation?: AttestResult
  /** Why no attestation was made. */
  notAttested?: string
}

export async function recordProvenance(
  plan: BuildPlan,
  wheels: readonly WheelRecord[],
  source: { repository: string; commit: string; commitTime?: number },
  githubToken: string,
  env: Readonly<Record<string, string | undefined>>
): Promise<ProvenanceResult> {
  const epoch = env.SOURCE_DATE_EPOCH ? Number(env.SOURCE_DATE_EPOCH) : source.commitTime
  const manifest = writeManifest(manifestDirOf(plan.outputDir), {
    schema: PROVENANCE_SCHEMA,
    run: buildRunOf(env),
    source: { repository: source.repository, commit: source.commit },
    ...(epoch !== undefined && Number.isSafeInteger(epoch) ? { sourceDateEpoch: epoch } : {}),
    artifact: plan.artifact.name,
    wheels: wheels.map((w) => ({ name: w.name, sha256: w.sha256, size: w.size }))
  })
  const result: ProvenanceResult = { manifest }
  if (plan.artifact.upload && wheels.length) {
    result.artifact = await uploadManifest(manifest, plan.artifact.name)
  }
  if (!wheels.length) result.notAttested = 'there are no wheels'
  else if (!plan.attest.attest) result.notAttested = plan.attest.reason
  else result.attestation = await attestWheels(wheels, githubToken, env)
  if (result.notAttested) {
    const say = plan.attest.mode === 'auto' && wheels.length ? core.notice : core.info
    say(`Build provenance: the wheels are not attested: ${result.notAttested}.`)
  }
  return result
}

/** Where the manifest goes: `<wheelhouse>-manifest`, a sibling of the wheelhouse. */
export function manifestDirOf(outputDir: string): string {
  return path.join(path.dirname(outputDir), `${path.basename(outputDir)}-manifest`)
}
