/**
 * PyPI's 14-day rule: a release accepts no new files once it is older than 14 days
 * (MAXIMUM_AGE_FOR_NEW_UPLOADS_DAYS in pypi/warehouse warehouse/forklift/legacy.py, checked against
 * `release.created`, which the first file of any kind sets). The index does not publish `created`; its
 * closest public trace is the oldest upload time of any file of the version (PEP 700 `upload-time`),
 * staged here or not (an sdist uploaded from a maintainer's machine counts). A file deleted since may have
 * been older: then the release closes earlier than this says.
 */
import { canonicalVersion, normalizeName, parseDistName } from './names.js'
import type { IndexFile } from './pypi-index.js'

export const MAX_RELEASE_AGE_DAYS = 14
const DAY_MS = 86_400_000

export interface ReleaseAge {
  /** Files of this version on the index. */
  files: number
  /** The oldest upload time among them (ISO 8601), when the index gives times. */
  created?: string
  /** When the release stops taking new files. */
  closesAt?: string
  closed: boolean
}

/** The age of `pkg` `version` on the index at `now` (ms since the epoch). */
export function releaseAge(
  index: Iterable<IndexFile>,
  pkg: string,
  version: string,
  now: number
): ReleaseAge {
  const mine = [...index].filter((f) => {
    // A wheel or .tar.gz, or an older .zip sdist (PyPI still lists those).
    const zip = /^(.+)-([^-]+)\.zip$/.exec(f.filename)
    const d = parseDistName(f.filename) ?? (zip ? { name: zip[1], version: zip[2] } : undefined)
    return !!d && normalizeName(d.name) === pkg && canonicalVersion(d.version.replace(/_/g, '-')) === version
  })
  const times = mine.map((f) => (f.uploadTime ? Date.parse(f.uploadTime) : NaN)).filter((t) => !isNaN(t))
  if (!times.length) return { files: mine.length, closed: false }
  const created = Math.min(...times)
  const closes = created + MAX_RELEASE_AGE_DAYS * DAY_MS
  return {
    files: mine.length,
    created: new Date(created).toISOString(),
    closesAt: new Date(closes).toISOString(),
    closed: now > closes
  }
}

/** One line for the log: how long the release still takes new files. */
export function describeAge(age: ReleaseAge, now: number): string {
  const rule = `PyPI takes new files for ${MAX_RELEASE_AGE_DAYS} days after a release's first upload`
  if (!age.files)
    return `The index has no file of this version yet: the ${MAX_RELEASE_AGE_DAYS} days start with the first upload.`
  if (!age.created || !age.closesAt)
    return `The index holds ${age.files} file(s) of this version but gives no upload times (PEP 700), so the ${MAX_RELEASE_AGE_DAYS}-day rule was not checked: ${rule}.`
  if (age.closed)
    return `The release was first uploaded ${age.created} and closed to new files at ${age.closesAt}: ${rule}.`
  const left = Date.parse(age.closesAt) - now
  const days = Math.floor(left / DAY_MS)
  const hours = Math.floor((left % DAY_MS) / 3_600_000)
  return `The release was first uploaded ${age.created}: ${days} day(s) ${hours} h remain to add files (until ${age.closesAt}); ${rule}.`
}
