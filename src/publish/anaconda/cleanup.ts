/**
 * keep-versions: after a successful nightly upload, remove the versions of a package beyond the newest N,
 * as scientific-python's remove-wheels workflow does (scientific-python/upload-nightly-action, .github/workflows/remove-wheels.yml), with its guard made stricter:
 * when the listing looks wrong, nothing is removed.
 */
import { inert } from '../../util/inert.js'
import type { AnacondaClient, PackageInfo } from './client.js'

export interface CleanupPlan {
  /** Versions to remove, oldest first. */
  remove: string[]
  keep: string[]
  /** Set when the listing looked wrong: nothing is removed, and this says why. */
  refused?: string
  /** Releases that list no files (left by a failed upload): neither counted nor removed, with a warning. */
  skipped?: string[]
}

const UPLOAD_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/

/**
 * Versions to remove from a GET /package answer (releases oldest → newest): all but the newest `keep`,
 * never one of `protect` (the versions just uploaded).
 */
export function planCleanup(pkg: PackageInfo | undefined, keep: number, protect: string[]): CleanupPlan {
  const refuse = (why: string): CleanupPlan => ({ remove: [], keep: [], refused: why })
  if (!Number.isInteger(keep) || keep < 1) return refuse(`keep-versions must be at least 1 (got ${keep})`)
  if (!pkg || !Array.isArray(pkg.releases) || !Array.isArray(pkg.files)) {
    return refuse('the package listing has no releases or files')
  }
  const versions = pkg.releases.map((r) => r?.version)
  if (versions.length === 0) return refuse('the package listing has no releases')
  if (versions.some((v) => typeof v !== 'string' || v === '')) return refuse('a release has no version')
  if (new Set(versions).size !== versions.length) return refuse('the releases list a version twice')
  // A release without files (what a failed upload leaves) is skipped, not a reason to refuse everything:
  // otherwise one abandoned release would stop every later clean-up.
  const skipped = (versions as string[]).filter((v) => !pkg.files!.some((f) => f?.version === v))
  const list = (versions as string[]).filter((v) => !skipped.includes(v))
  for (const v of protect) {
    if (!list.includes(v)) return refuse(`the version just uploaded (${v}) is not in the listing`)
  }
  for (const v of list) {
    const files = pkg.files.filter((f) => f?.version === v)
    if (files.some((f) => typeof f.upload_time !== 'string' || !UPLOAD_TIME.test(f.upload_time))) {
      return refuse(`release ${inert(v, 100)} has a file without a readable upload date`)
    }
  }
  const newest = list.slice(-keep)
  const remove = list.filter((v) => !newest.includes(v) && !protect.includes(v))
  const kept = list.filter((v) => !remove.includes(v))
  if (kept.length === 0) return refuse('it would remove every version')
  return { remove, keep: kept, ...(skipped.length ? { skipped } : {}) }
}

/** A dry run uploaded nothing: plan as if the versions it would upload were the newest releases. */
function withPretendUploads(pkg: PackageInfo | undefined, versions: string[]): PackageInfo | undefined {
  const releases = pkg?.releases ?? []
  const missing = versions.filter((v) => !releases.some((r) => r?.version === v))
  if (!missing.length) return pkg
  const now = new Date().toISOString().replace('T', ' ')
  return {
    ...pkg,
    releases: [...releases, ...missing.map((version) => ({ version }))],
    files: [...(pkg?.files ?? []), ...missing.map((version) => ({ version, upload_time: now, basename: '' }))]
  }
}

export interface CleanupResult {
  package: string
  plan: CleanupPlan
  /** Versions actually removed (none in a dry run). */
  removed: string[]
}

/** Plans and (unless dry) carries out the removal for one package. Removal failures are returned as warnings. */
export async function cleanupPackage(
  client: AnacondaClient,
  owner: string,
  name: string,
  keep: number,
  protect: string[],
  dryRun: boolean,
  warn: (msg: string) => void
): Promise<CleanupResult> {
  let pkg: PackageInfo | undefined
  try {
    pkg = await client.getPackage(owner, name)
  } catch (err) {
    const plan = { remove: [], keep: [], refused: `could not list it: ${(err as Error).message}` }
    warn(`keep-versions: nothing removed from ${owner}/${name}: ${plan.refused}`)
    return { package: name, plan, removed: [] }
  }
  const plan = planCleanup(dryRun ? withPretendUploads(pkg, protect) : pkg, keep, protect)
  if (plan.refused) {
    warn(`keep-versions: nothing removed from ${owner}/${name}: ${plan.refused}.`)
    return { package: name, plan, removed: [] }
  }
  for (const v of plan.skipped ?? []) {
    warn(
      `keep-versions: release ${owner}/${name}/${v} lists no files (an upload that failed?); skipped, not counted. ` +
        `Remove it with: anaconda remove ${owner}/${name}/${v}`
    )
  }
  const removed: string[] = []
  if (dryRun) return { package: name, plan, removed }
  for (const v of plan.remove) {
    try {
      await client.removeRelease(owner, name, v)
      removed.push(v)
    } catch (err) {
      warn(`keep-versions: could not remove ${owner}/${name}/${v}: ${(err as Error).message}`)
    }
  }
  return { package: name, plan, removed }
}
