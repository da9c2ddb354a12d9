/** JSON shapes of the fake anaconda.org's read endpoints (what anaconda-client's show and upload read). */
import type { Account, Dist, Package, Release } from './store.js'

const enc = encodeURIComponent

export function downloadUrl(base: string, d: Dist): string {
  return `${base}/download/${enc(d.owner)}/${enc(d.name)}/${enc(d.version)}/${enc(d.basename)}`
}

export function userView(a: Account): Record<string, unknown> {
  return { login: a.login, name: a.login, user_type: a.user_type, created_at: a.created_at }
}

export function distView(base: string, d: Dist): Record<string, unknown> {
  return {
    id: d.id,
    basename: d.basename,
    full_name: `${d.owner}/${d.name}/${d.version}/${d.basename}`,
    version: d.version,
    description: d.description,
    distribution_type: d.distribution_type,
    type: d.distribution_type,
    attrs: d.attrs,
    dependencies: d.dependencies,
    sha256: d.sha256,
    md5: d.md5,
    size: d.size,
    labels: [...d.labels],
    upload_time: d.upload_time,
    ndownloads: 0,
    download_url: downloadUrl(base, d)
  }
}

export function releaseView(base: string, p: Package, r: Release): Record<string, unknown> {
  return {
    version: r.version,
    full_name: `${p.owner}/${p.name}/${r.version}`,
    owner: { login: p.owner },
    package: p.name,
    created_at: r.created_at,
    requirements: r.requirements,
    announce: r.announce,
    public_attrs: { ...r.public_attrs },
    distributions: r.dists.map((d) => distView(base, d))
  }
}

export function packageView(base: string, p: Package): Record<string, unknown> {
  const releases = p.releases
  return {
    name: p.name,
    full_name: `${p.owner}/${p.name}`,
    owner: { login: p.owner },
    summary: p.summary,
    public: p.public,
    publish: p.publish,
    license: p.license,
    package_types: [...p.package_types],
    public_attrs: { ...p.public_attrs },
    created_at: p.created_at,
    versions: releases.map((r) => r.version),
    latest_version: releases.length ? releases[releases.length - 1].version : null,
    releases: releases.map((r) => ({
      version: r.version,
      full_name: `${p.owner}/${p.name}/${r.version}`,
      distributions: r.dists.map((d) => d.basename)
    })),
    files: releases.flatMap((r) => r.dists.map((d) => distView(base, d))),
    conda_platforms: [],
    builds: [],
    url: `${base}/package/${enc(p.owner)}/${enc(p.name)}`,
    html_url: `${base}/${enc(p.owner)}/${enc(p.name)}`
  }
}

export function packageListItem(p: Package): Record<string, unknown> {
  const latest = p.releases.length ? p.releases[p.releases.length - 1].version : null
  return {
    name: p.name,
    full_name: `${p.owner}/${p.name}`,
    owner: { login: p.owner },
    summary: p.summary,
    public: p.public,
    package_types: [...p.package_types],
    latest_version: latest,
    versions: p.releases.map((r) => r.version),
    conda_platforms: [],
    builds: []
  }
}
