/**
 * The check of a stored repaired wheel against the libraries the repair grafted from outside the wheel:
 * auditwheel's copylib (src/auditwheel/repair.py, pypa/auditwheel) names a grafted copy of `<base>.<ext>`
 * `<base>-<h8>.<ext>`, h8 being the first 8 hex digits of the sha256 of the source library's content
 * (hashfile.py). So the names in the stored wheel say which content each source had; the hit is used only
 * when each source, found again where the repair runs the way auditwheel's lddtree finds it
 * (repaired-grafted.py), still hashes to its h8.
 */
import type { PlannedCommand } from '../command.js'
import { shortHash } from '../util/hash.js'
import script from './repaired-grafted.py'

export const GRAFTED_CHECK_SCRIPT: string = script
export const graftedScriptName = (): string => `repaired-grafted-${shortHash(GRAFTED_CHECK_SCRIPT)}.py`

/** One grafted library: its name in the wheel, the source's file name, the source's hash prefix. */
export interface Grafted {
  name: string
  source: string
  h8: string
}

/**
 * A grafted library's name (a member of `<pkg>.libs/`) read back: `<base>-<h8>.<ext>` with no dot in base
 * (copylib splits the source's name at its first dot). Undefined when it has no such hash.
 */
export function parseGrafted(member: string): Grafted | undefined {
  const name = member.split('/').pop() ?? ''
  const m = /^([^./]+)-([0-9a-f]{8})\.([^/]+)$/.exec(name)
  return m ? { name, source: `${m[1]}.${m[3]}`, h8: m[2] } : undefined
}

/** What the script reports for one source file name. */
export type FoundSources = Record<string, { source: string | null; sha256?: string } | undefined>

/**
 * Undefined when every grafted library's source was found with the hash in its name; else one line
 * saying which library changed (the first one).
 */
export function graftedChange(grafted: Grafted[], found: FoundSources): string | undefined {
  for (const g of grafted) {
    const f = found[g.source]
    if (!f?.source) return `${g.source} (grafted as ${g.name}) is no longer found`
    if (typeof f.sha256 !== 'string' || f.sha256.slice(0, 8) !== g.h8) {
      return (
        `${f.source} changed (grafted as ${g.name}, its sha256 now begins ` +
        `${String(f.sha256).slice(0, 8)})`
      )
    }
  }
  return undefined
}

/** The script run by the tools venv's python, with the repair's variables, on the built wheel. */
export function graftedCheckCommand(
  python: string,
  scriptPath: string,
  grafted: Grafted[],
  env: PlannedCommand['env']
): PlannedCommand {
  return {
    command: python,
    args: [scriptPath, { slot: 'wheel' }, ...grafted.map((g) => g.source)],
    env,
    what: "the check of the grafted libraries' sources"
  }
}
