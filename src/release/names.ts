/**
 * Distribution file names as PyPI reads them: project names (PEP 503 normalisation), versions (PEP 440
 * canonical form), wheel names (binary distribution format spec, PEP 427/491) and sdist names (PEP 625).
 */
import { parseWheelName, type WheelName } from '../util/wheel-file.js'

/** PEP 503: runs of `-_.` become `-`, lower case. */
export const normalizeName = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase()

/** The name as a wheel or sdist file name spells it: normalised, `-` → `_`. */
export const fileNamePart = (name: string): string => normalizeName(name).replace(/-/g, '_')

// PEP 440 Appendix B (the permissive pattern), anchored; local versions are not allowed on PyPI.
const PEP440 =
  /^v?(?:(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?)$/i

/** The canonical form of a PEP 440 public version (1.0.0RC1 → 1.0.0rc1), or undefined. */
export function canonicalVersion(v: string): string | undefined {
  const m = PEP440.exec(v.trim())
  if (!m) return undefined
  const [, epoch, release, pre, preN, postImplicit, post, postN, dev, devN] = m
  const num = (s: string | undefined): string => String(Number(s ?? '0'))
  let out = epoch && Number(epoch) !== 0 ? `${num(epoch)}!` : ''
  out += release
    .split('.')
    .map((p) => num(p))
    .join('.')
  if (pre) {
    const l = pre.toLowerCase()
    const tag = l === 'alpha' ? 'a' : l === 'beta' ? 'b' : ['c', 'pre', 'preview'].includes(l) ? 'rc' : l
    out += `${tag}${num(preN)}`
  }
  if (postImplicit !== undefined) out += `.post${num(postImplicit)}`
  else if (post) out += `.post${num(postN)}`
  if (dev) out += `.dev${num(devN)}`
  return out
}

export type DistKind = 'wheel' | 'sdist'

export interface DistName {
  kind: DistKind
  /** The name part of the file name, as written. */
  name: string
  /** The version part of the file name, as written. */
  version: string
  /** Wheels only. */
  wheel?: WheelName
  /** Every python-abi-platform tag the compressed tag set stands for (wheels). */
  tags: string[]
}

/** Parses a wheel or .tar.gz sdist file name; undefined for anything else. */
export function parseDistName(file: string): DistName | undefined {
  if (file.endsWith('.whl')) {
    const w = parseWheelName(file)
    if (!w || !w.distribution || !w.version) return undefined
    const tags = w.python
      .split('.')
      .flatMap((p) => w.abi.split('.').flatMap((a) => w.platform.split('.').map((pl) => `${p}-${a}-${pl}`)))
    return { kind: 'wheel', name: w.distribution, version: w.version, wheel: w, tags }
  }
  const m = /^(.+)-([^-]+)\.tar\.gz$/.exec(file)
  if (!m) return undefined
  return { kind: 'sdist', name: m[1], version: m[2], tags: [] }
}

/**
 * A file-name glob (`*`, `?`) as an anchored regular expression. As in fnmatch with a path (and PEP 427's
 * file names, which hold none), neither wildcard matches a path separator (`/` or `\`).
 */
export function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/\\\\]*')
    .replace(/\?/g, '[^/\\\\]')
  return new RegExp(`^${body}$`)
}
