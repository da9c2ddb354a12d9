/**
 * The repaired-wheel cache (part of compiler-cache, in the tool cache beside the Cython and ccache caches):
 * when the freshly built wheel is byte-identical to one repaired before (builds are reproducible:
 * SOURCE_DATE_EPOCH) and every input of the repair is the same, the stored repaired wheel is used instead
 * of running the repair again. The key holds no path of the workspace or the temp folder, so a rerun
 * elsewhere hits. An entry is used only when its wheel's sha256 is the one recorded with it, and (auditwheel)
 * when each library it grafted from outside the wheel still has the content its name records
 * (repaired-grafted.ts): the key holds no library's content. Anything else (missing, unreadable, another
 * hash, a changed library) means the repair runs as usual.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { PlannedCommand } from '../command.js'
import type { PlatformModule } from '../platforms/index.js'
import { parseRequirement } from '../python/requirement.js'
import { normaliseName } from '../python/wheel-tags.js'
import { sha256File } from '../util/hash.js'
import { removeTree } from '../util/remove.js'

export const REPAIRED_CACHE_DIR_NAME = 'dipy-wheels-repaired'
/** Entries kept (the most recently used); each is one repaired wheel. */
export const REPAIRED_CACHE_ENTRIES = 8
const ENTRY_FILE = 'entry.json'

/** What the plan fixes about the repair: part of every key, shown by `plan`. */
export interface RepairReusePlan {
  /** Where the entries are kept (one directory per key). */
  dir: string
  /** The repair tool's pins, from the tools' constraints (e.g. auditwheel==6.8.2). */
  tools: string[]
  /** The repair's arguments, the wheel and destination as <wheel> and <dest> (its policy, excludes). */
  args: string[]
  /** The variables the repair sets (macOS: the deployment target), sorted by name. */
  env: Record<string, string>
  /** The executor (the host's OS and arch, or the container image). */
  executor: string
  /** Why reuse is off for this repair tool (a hit could not be checked against the libraries it grafts). */
  off?: string
}

/** What only the run knows. */
export interface RepairRunInputs {
  /** The sha256 of the wheel the build made. */
  wheel: string
  /** The dependency prefix (libraries the repair may graft), relative to the tool cache; '' for none. */
  prefix: string
  /** Variables raised at run time for this interpreter (macOS), sorted by name. */
  override: Record<string, string>
}

const sorted = (env: Record<string, string>): Array<[string, string]> =>
  Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/** The key of one repair: sha256 (hex) of its inputs, one `name=value` line each (JSON values). */
export function repairKey(plan: RepairReusePlan, run: RepairRunInputs): string {
  const lines = [
    `wheel=${JSON.stringify(run.wheel)}`,
    `tools=${JSON.stringify(plan.tools)}`,
    `args=${JSON.stringify(plan.args)}`,
    `env=${JSON.stringify(sorted(plan.env))}`,
    `executor=${JSON.stringify(plan.executor)}`,
    `prefix=${JSON.stringify(run.prefix)}`,
    `override=${JSON.stringify(sorted(run.override))}`
  ]
  return createHash('sha256').update(lines.join('\n')).digest('hex')
}

/** The pins of `packages` in a constraints text (`name==version` lines), in the order given. */
export function pinsOf(constraints: string, packages: readonly string[]): string[] {
  const pins = new Map<string, string>()
  for (const line of constraints.split(/\r?\n/)) {
    const r = parseRequirement(line.replace(/#.*/, ''))
    const [only] = r?.specifiers ?? []
    if (r && !r.marker && r.specifiers.length === 1 && only.op === '==') pins.set(r.name, r.text)
  }
  return packages.map((p) => pins.get(normaliseName(p)) ?? `${p} (not pinned)`)
}

/** The plan's part of the key: the planned repair command with its wheel and destination made placeholders. */
export function planRepairReuse(
  mod: Pick<PlatformModule, 'paths' | 'toolPackages'>,
  o: {
    toolCache: string
    repair: PlannedCommand
    repairDir: string
    constraints: string
    executor: { envId: string }
  }
): RepairReusePlan {
  const word = (w: PlannedCommand['args'][number]): string =>
    typeof w !== 'string' ? `<${w.slot}>` : w === o.repairDir ? '<dest>' : w
  const args = [mod.paths.basename(word(o.repair.command)), ...o.repair.args.map(word)]
  return {
    dir: mod.paths.join(o.toolCache, REPAIRED_CACHE_DIR_NAME),
    tools: pinsOf(o.constraints, mod.toolPackages),
    args,
    env: Object.fromEntries(sorted(o.repair.env?.set ?? {})),
    executor: o.executor.envId,
    ...(/^auditwheel(\.exe)?$/.test(args[0]) ? {} : { off: reuseOffReason(args[0]) })
  }
}

/**
 * A hit is checked against the libraries the repair grafts, by the content hash auditwheel puts in their
 * names (repaired-grafted.ts). delocate and delvewheel give no such cheap check, so their reuse is off:
 * delocate copies a library into `<pkg>/.dylibs/` under its own name (delocate/delocating.py,
 * copy_recurse's shutil.copy to basename(old_path)): nothing in the wheel says which content it had;
 * delvewheel names a DLL `<name>-<32 hex>` but hashes its content together with the hashes of the DLLs it
 * loads (delvewheel/_wheel_repair.py, _hashfile with start=...), so checking it means resolving every DLL
 * the Windows way and redoing that chain, which is the repair's own work.
 */
function reuseOffReason(tool: string): string {
  return /^delocate/.test(tool)
    ? 'delocate copies libraries into .dylibs under their own names, so a stored wheel cannot be checked ' +
        "against the libraries' current content"
    : "delvewheel's DLL names hash each DLL with the DLLs it loads, so checking a stored wheel against " +
        "the libraries' current content would redo the repair's search"
}

/** The plan's line: where, and what the key holds. */
export function describeRepairReuse(r: RepairReusePlan): string {
  if (r.off) return `off: ${r.off}`
  const env = Object.entries(r.env).map(([k, v]) => `${k}=${v}`)
  return (
    `the repaired wheel kept in ${r.dir} under its key, when the copy's sha256 is the one recorded, ` +
    `else the repair above; key: sha256 of the built wheel's sha256, ${r.tools.join(' ')}, ` +
    `\`${r.args.join(' ')}\`${env.length ? `, ${env.join(' ')}` : ''}, executor ${r.executor}, ` +
    "the dependency prefix; a hit is used only when each grafted library's source, found the way " +
    'auditwheel finds it, still has the content hash in its name'
  )
}

interface Entry {
  name: string
  sha256: string
}

const isWheelName = (s: unknown): s is string =>
  typeof s === 'string' && s.endsWith('.whl') && path.basename(s) === s && !s.startsWith('.')

/**
 * The stored repaired wheel of `key`, copied into `destDir` (emptied first), when its sha256 is the one
 * recorded with it; else undefined with the reason (the caller repairs as usual).
 */
export async function takeRepaired(
  dir: string,
  key: string,
  destDir: string
): Promise<{ wheel: string; sha256: string } | { miss: string }> {
  const entryDir = path.join(dir, key)
  let entry: Entry
  try {
    entry = JSON.parse(fs.readFileSync(path.join(entryDir, ENTRY_FILE), 'utf8')) as Entry
  } catch {
    return { miss: 'no stored repaired wheel for this key' }
  }
  if (!isWheelName(entry.name) || !/^[0-9a-f]{64}$/.test(String(entry.sha256))) {
    return { miss: 'the stored entry is malformed' }
  }
  removeTree(destDir)
  fs.mkdirSync(destDir, { recursive: true })
  const dest = path.join(destDir, entry.name)
  // The copy is what is checked: what goes on is what was recorded.
  const actual = await fs.promises
    .copyFile(path.join(entryDir, entry.name), dest)
    .then(() => sha256File(dest))
    .catch(() => undefined)
  if (actual !== entry.sha256) {
    removeTree(destDir)
    return { miss: `the stored ${entry.name} is ${actual ? 'corrupted (its sha256 differs)' : 'missing'}` }
  }
  // Marked as used (prune keeps the newest); a tool cache that cannot be written still gives the hit.
  const now = new Date()
  try {
    fs.utimesSync(entryDir, now, now)
  } catch {
    // Kept as it is.
  }
  return { wheel: dest, sha256: entry.sha256 }
}

/** Stores a repaired wheel under `key` (written aside, then renamed), keeping the newest entries. */
export async function storeRepaired(dir: string, key: string, wheel: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true })
  const tmp = fs.mkdtempSync(path.join(dir, `.${key.slice(0, 16)}-`))
  try {
    const name = path.basename(wheel)
    fs.copyFileSync(wheel, path.join(tmp, name))
    const entry: Entry = { name, sha256: await sha256File(path.join(tmp, name)) }
    fs.writeFileSync(path.join(tmp, ENTRY_FILE), `${JSON.stringify(entry)}\n`)
    removeTree(path.join(dir, key))
    fs.renameSync(tmp, path.join(dir, key))
  } finally {
    removeTree(tmp)
  }
  prune(dir)
}

/** Keeps the REPAIRED_CACHE_ENTRIES most recently used entries. */
function prune(dir: string): void {
  const entries = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && /^[0-9a-f]{64}$/.test(d.name))
    .map((d) => ({ p: path.join(dir, d.name), t: fs.statSync(path.join(dir, d.name)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
  for (const old of entries.slice(REPAIRED_CACHE_ENTRIES)) removeTree(old.p)
}
