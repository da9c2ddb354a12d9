/**
 * Just enough of PEP 508 and PEP 440 to ask an index whether a requirement can be installed on a target:
 * the name, the version specifiers (release numbers compared; pre-releases only when a specifier names one),
 * and environment markers evaluated for the target (unknown variables count as true, so a requirement is
 * checked rather than skipped).
 */
import { normaliseName } from './wheel-tags.js'

export interface Requirement {
  /** As written, for messages. */
  text: string
  name: string
  specifiers: Array<{ op: string; version: string }>
  marker?: string
}

/** Parses `name[extras] (specifiers) ; marker`; undefined for a URL requirement or an unparsable line. */
export function parseRequirement(text: string): Requirement | undefined {
  const [spec, ...markerParts] = text.split(';')
  const marker = markerParts.join(';').trim() || undefined
  const m = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*\(?([^)@]*)\)?\s*$/.exec(spec)
  if (!m) return undefined
  const specifiers: Requirement['specifiers'] = []
  for (const part of m[3]
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const s = /^(~=|===|==|!=|<=|>=|<|>)\s*(\S+)$/.exec(part)
    if (!s) return undefined
    specifiers.push({ op: s[1], version: s[2] })
  }
  return { text: text.trim(), name: normaliseName(m[1]), specifiers, ...(marker ? { marker } : {}) }
}

interface Parsed {
  release: number[]
  pre: boolean
}

function parseVersion(v: string): Parsed | undefined {
  const m = /^v?(?:\d+!)?(\d+(?:\.\d+)*)(.*)$/i.exec(v.trim())
  if (!m) return undefined
  const rest = m[2].toLowerCase()
  return {
    release: m[1].split('.').map(Number),
    pre: /^[-_.]?(a|b|c|rc|alpha|beta|pre|preview|dev)/.test(rest)
  }
}

function cmp(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0)
    if (d) return d
  }
  return 0
}

/** Whether a version satisfies every specifier (release numbers only; wildcards `==1.2.*`). */
export function satisfies(version: string, req: Requirement): boolean {
  const v = parseVersion(version)
  if (!v) return false
  const allowPre = req.specifiers.some((s) => parseVersion(s.version)?.pre)
  if (v.pre && !allowPre) return false
  return req.specifiers.every(({ op, version: target }) => {
    if (target.endsWith('.*')) {
      const prefix = target.slice(0, -2).split('.').map(Number)
      const same = cmp(v.release.slice(0, prefix.length), prefix) === 0
      return op === '!=' ? !same : same
    }
    const t = parseVersion(target)
    if (!t) return false
    const c = cmp(v.release, t.release)
    switch (op) {
      case '==':
      case '===':
        return c === 0
      case '!=':
        return c !== 0
      case '>=':
        return c >= 0
      case '<=':
        return c <= 0
      case '>':
        return c > 0
      case '<':
        return c < 0
      case '~=': {
        const upper = t.release.slice(0, Math.max(1, t.release.length - 1))
        return c >= 0 && cmp(v.release.slice(0, upper.length), upper) === 0
      }
      default:
        return false
    }
  })
}

/** Marker variables of a target, e.g. { python_version: '3.12', sys_platform: 'win32', platform_machine: 'x86' }. */
export type MarkerEnv = Record<string, string>

/** Evaluates `a == 'x' and (b != 'y' or c >= '3.11')`; variables the env lacks make their comparison true. */
export function evaluateMarker(marker: string, env: MarkerEnv): boolean {
  const tokens =
    marker.match(/\(|\)|'[^']*'|"[^"]*"|==|!=|<=|>=|<|>|~=|\bnot in\b|\bin\b|\band\b|\bor\b|[\w.]+/g) ?? []
  let i = 0
  const value = (t: string): string | undefined =>
    /^['"]/.test(t) ? t.slice(1, -1) : t in env ? env[t] : undefined
  const compare = (): boolean => {
    if (tokens[i] === '(') {
      i++
      const r = or()
      i++ // ')'
      return r
    }
    const left = tokens[i++]
    const op = tokens[i++]
    const right = tokens[i++]
    const l = value(left)
    const r = value(right)
    if (l === undefined || r === undefined) return true
    const versiony = /version/.test(left) || /version/.test(right)
    const c = versiony ? cmp(l.split('.').map(Number), r.split('.').map(Number)) : l < r ? -1 : l > r ? 1 : 0
    switch (op) {
      case '==':
        return c === 0
      case '!=':
        return c !== 0
      case '<':
        return c < 0
      case '<=':
        return c <= 0
      case '>':
        return c > 0
      case '>=':
        return c >= 0
      case 'in':
        return r.includes(l)
      case 'not in':
        return !r.includes(l)
      default:
        return true
    }
  }
  const and = (): boolean => {
    let r = compare()
    while (tokens[i] === 'and') {
      i++
      r = compare() && r
    }
    return r
  }
  const or = (): boolean => {
    let r = and()
    while (tokens[i] === 'or') {
      i++
      r = and() || r
    }
    return r
  }
  return or()
}
