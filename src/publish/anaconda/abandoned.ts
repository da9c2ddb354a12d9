/**
 * After a failed upload, what anaconda-client's Uploader.cleanup does (binstar_client/commands/upload.py,
 * 1.14): the release and the package that this run created are removed when they hold no files, so an
 * empty release does not linger on the channel (keep-versions would otherwise find it on every run).
 * Only what this client created is touched; a release or package that existed before is left alone.
 */
import { messageOf } from '../../errors.js'
import type { AnacondaClient } from './client.js'
import { apiPath } from './http.js'

interface ReleaseView {
  distributions?: unknown[]
}
interface PackageView {
  files?: unknown[]
  releases?: unknown[]
}

export interface AbandonedCleanup {
  /** "owner/name/version" and "owner/name" that were removed. */
  removed: string[]
}

/**
 * Removes the empty release (owner/name/version) and then the empty package (owner/name), each only if
 * this client created it. Never throws: a failure is reported through `warn`, the upload error stays the
 * one the user sees.
 */
export async function removeAbandoned(
  client: AnacondaClient,
  owner: string,
  name: string,
  version: string,
  warn: (line: string) => void
): Promise<AbandonedCleanup> {
  const removed: string[] = []
  const release = apiPath('release', owner, name, version)
  const pkg = apiPath('package', owner, name)
  try {
    if (client.created.has(release)) {
      const got = await client.http.api('GET', release, undefined, { allow: [200, 404] })
      const dists = got.status === 200 ? got.json<ReleaseView>().distributions : undefined
      if (Array.isArray(dists) && dists.length === 0) {
        await client.http.api('DELETE', release, undefined, { allow: [200, 201, 404] })
        removed.push(`${owner}/${name}/${version}`)
      }
      client.created.delete(release)
    }
    if (client.created.has(pkg)) {
      const got = await client.http.api('GET', pkg, undefined, { allow: [200, 404] })
      const view = got.status === 200 ? got.json<PackageView>() : undefined
      if (view && Array.isArray(view.files) && view.files.length === 0) {
        await client.http.api('DELETE', pkg, undefined, { allow: [200, 201, 404] })
        removed.push(`${owner}/${name}`)
      }
      client.created.delete(pkg)
    }
  } catch (err) {
    warn(
      `Could not remove the empty release ${owner}/${name}/${version} this run created after its upload failed: ` +
        `${messageOf(err).split('\n')[0]}. Remove it by hand (anaconda remove ${owner}/${name}/${version}).`
    )
  }
  client.forget(owner, { name, version })
  return { removed }
}
