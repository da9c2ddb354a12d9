/**
 * The completeness gate: every expected glob matches exactly one staged file, no staged file is left over,
 * and every file carries the project's name and the release's version. Checked before any write.
 */
import { inert } from '../util/inert.js'
import { canonicalVersion, fileNamePart, globRegExp, parseDistName } from './names.js'

export interface SlotResult {
  glob: string
  files: string[]
}

export interface Completeness {
  slots: SlotResult[]
  /** Staged files no glob matches. */
  extra: string[]
  /** Files whose name or version is not the release's. */
  foreign: string[]
  ok: boolean
}

export function checkComplete(files: string[], globs: string[], pkg: string, version: string): Completeness {
  const res = globs.map(globRegExp)
  const slots = globs.map((glob, i) => ({ glob, files: files.filter((f) => res[i].test(f)) }))
  const extra = files.filter((f) => !res.some((r) => r.test(f)))
  const foreign = files.filter((f) => {
    const d = parseDistName(f)
    return !d || d.name !== fileNamePart(pkg) || canonicalVersion(d.version.replace(/_/g, '-')) !== version
  })
  const ok = slots.every((s) => s.files.length === 1) && extra.length === 0 && foreign.length === 0
  return { slots, extra, foreign, ok }
}

/** `dipy-*-cp312-cp312-win_amd64.whl` → python cp312, platform win_amd64; an sdist glob → sdist. */
function slotAxes(glob: string): { python: string; platform: string } {
  const m = /-(cp\d+|py\d+)-[^-]+-([^-]+)\.whl$/.exec(glob)
  if (m) return { python: m[1], platform: m[2] }
  if (glob.endsWith('.tar.gz')) return { python: 'source', platform: 'sdist' }
  return { python: '', platform: glob }
}

const mark = (s: SlotResult): string =>
  s.files.length === 1 ? '✓' : s.files.length === 0 ? '✗ missing' : `✗ ${s.files.length} files`

/** The slots as a grid: one row per platform, one column per python; plus the extra files. */
export function slotMatrix(c: Completeness): string[][] {
  const pythons: string[] = []
  const platforms: string[] = []
  const cell = new Map<string, string>()
  for (const s of c.slots) {
    const { python, platform } = slotAxes(s.glob)
    if (!pythons.includes(python)) pythons.push(python)
    if (!platforms.includes(platform)) platforms.push(platform)
    cell.set(`${platform} ${python}`, mark(s))
  }
  const rows = [['platform', ...pythons.map((p) => p || 'file')]]
  for (const plat of platforms) rows.push([plat, ...pythons.map((p) => cell.get(`${plat} ${p}`) ?? '')])
  for (const f of c.extra)
    rows.push([inert(f, 200), ...pythons.map((_, i) => (i === 0 ? '✗ not expected' : ''))])
  return rows
}

/** The grid as aligned text for the log (file names are the server's: made inert). */
export function formatMatrix(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)))
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n')
}

/** Why the set is not complete, one line per problem. */
export function completenessProblems(c: Completeness): string[] {
  return [
    ...c.slots
      .filter((s) => s.files.length !== 1)
      .map((s) =>
        s.files.length === 0
          ? `no staged file matches ${s.glob}`
          : `${s.glob} matches ${s.files.length} files: ${s.files.map((f) => inert(f, 200)).join(', ')}`
      ),
    ...c.extra.map((f) => `${inert(f, 200)} is staged but not expected`),
    ...c.foreign.map((f) => `${inert(f, 200)} is not a file of this project and version`)
  ]
}
