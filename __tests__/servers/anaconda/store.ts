/** In-memory state of the fake anaconda.org: users/orgs, packages, releases, distributions, staged uploads. */
import { randomBytes } from 'node:crypto'

export interface Account {
  login: string
  user_type: 'user' | 'org'
  created_at: string
}

export interface Dist {
  id: string
  owner: string
  name: string
  version: string
  basename: string
  sha256: string
  md5: string
  size: number
  labels: string[]
  upload_time: string
  description: string | null
  attrs: Record<string, unknown>
  dependencies: unknown
  distribution_type: string
  data: Buffer
}

export interface Release {
  version: string
  created_at: string
  requirements: unknown[]
  announce: unknown
  public_attrs: Record<string, unknown>
  dists: Dist[]
}

export interface Package {
  owner: string
  name: string
  public: boolean
  publish: boolean
  summary: string | null
  license: unknown
  package_types: string[]
  public_attrs: Record<string, unknown>
  created_at: string
  /** Insertion order = creation order: oldest first. */
  releases: Release[]
}

export interface Staged {
  distId: string
  owner: string
  name: string
  version: string
  basename: string
  sha256: string
  channels: string[]
  description: string | null
  attrs: Record<string, unknown>
  dependencies: unknown
  distribution_type: string
  formData: Record<string, string>
  /** The S3 POST's file, hashed while it arrived. */
  upload?: { data: Buffer; md5: string; sha256: string }
}

/** Random 24-hex ids, like the real server's object ids. */
export const newId = (): string => randomBytes(12).toString('hex')

let lastMicros = 0
/** Upload/creation times as `YYYY-MM-DD HH:MM:SS.ffffff+00:00`, strictly increasing within a process. */
export function timestamp(): string {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
  const iso = new Date(Math.floor(lastMicros / 1000)).toISOString() // 2024-01-01T12:00:00.123Z
  const micros = String(lastMicros % 1_000_000).padStart(6, '0')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micros}+00:00`
}

export class Store {
  readonly accounts = new Map<string, Account>()
  /** owner → lowercase name → package (names are stored verbatim and matched case-insensitively). */
  private readonly packages = new Map<string, Map<string, Package>>()
  readonly staged = new Map<string, Staged>()

  addAccount(login: string, user_type: 'user' | 'org'): void {
    if (!this.accounts.has(login)) this.accounts.set(login, { login, user_type, created_at: timestamp() })
  }

  ownerPackages(owner: string): Package[] {
    return [...(this.packages.get(owner)?.values() ?? [])]
  }

  allPackages(): Package[] {
    return [...this.packages.values()].flatMap((m) => [...m.values()])
  }

  getPackage(owner: string, name: string): Package | undefined {
    return this.packages.get(owner)?.get(name.toLowerCase())
  }

  addPackage(pkg: Package): void {
    let byName = this.packages.get(pkg.owner)
    if (!byName) this.packages.set(pkg.owner, (byName = new Map()))
    byName.set(pkg.name.toLowerCase(), pkg)
  }

  removePackage(pkg: Package): void {
    this.packages.get(pkg.owner)?.delete(pkg.name.toLowerCase())
  }

  getRelease(pkg: Package, version: string): Release | undefined {
    return pkg.releases.find((r) => r.version === version)
  }

  removeRelease(pkg: Package, release: Release): void {
    pkg.releases = pkg.releases.filter((r) => r !== release)
  }

  /** Finds a distribution by basename anywhere in the package (basenames are unique per package). */
  findDistInPackage(pkg: Package, basename: string): Dist | undefined {
    for (const r of pkg.releases) {
      const d = r.dists.find((x) => x.basename === basename)
      if (d) return d
    }
    return undefined
  }

  /**
   * Removes one distribution and garbage-collects like api.anaconda.org: the release goes when its last
   * distribution goes, and the package when it has no files left.
   */
  removeDist(
    pkg: Package,
    release: Release,
    dist: Dist
  ): { releaseRemoved: boolean; packageRemoved: boolean } {
    release.dists = release.dists.filter((d) => d !== dist)
    let releaseRemoved = false
    let packageRemoved = false
    if (release.dists.length === 0) {
      this.removeRelease(pkg, release)
      releaseRemoved = true
      if (pkg.releases.every((r) => r.dists.length === 0)) {
        this.removePackage(pkg)
        packageRemoved = true
      }
    }
    return { releaseRemoved, packageRemoved }
  }

  allDists(owner?: string): Dist[] {
    const pkgs = owner === undefined ? this.allPackages() : this.ownerPackages(owner)
    return pkgs.flatMap((p) => p.releases.flatMap((r) => r.dists))
  }
}
