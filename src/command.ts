/**
 * The vocabulary of a plan: commands whose words may name a value only known at run time (the interpreter
 * that was found, the wheel that was built), and environment changes made relative to the environment of
 * whatever runs them (the host's, or a container's), so one plan means the same on either.
 */
import type * as path from 'node:path'
import type { Command } from './exec.js'

/** A value the plan names but the run finds: the interpreter, the build env's python, a wheel, ccache. */
export type Slot = 'python' | 'buildPython' | 'wheel' | 'ccache'
export type Word = string | { slot: Slot }

/** Variables to set, directories to put first on PATH-like variables, variables to remove. */
export interface EnvChange {
  set?: Record<string, string>
  prepend?: Record<string, string[]>
  unset?: string[]
}

export interface PlannedCommand {
  command: Word
  args: Word[]
  cwd?: string
  env?: EnvChange
  /** What it is, for messages and the printed plan ("dipy's smoke test"). */
  what?: string
}

/** How a target spells paths and environment names (PlatformModule provides it). */
export interface EnvFlavour {
  paths: path.PlatformPath
  /** The key under which `env` holds `name` (Windows compares names without case: Path is PATH). */
  envKey(env: Readonly<Record<string, string | undefined>>, name: string): string
}

export type Slots = Partial<Record<Slot, string>>

const word = (w: Word, slots: Slots): string => {
  if (typeof w === 'string') return w
  const v = slots[w.slot]
  if (v === undefined) throw new Error(`the plan's <${w.slot}> is not known yet`)
  return v
}

/**
 * Merges environment changes, later ones winning: prepends accumulate (later directories first), a set
 * replaces the variable and what was prepended to it before, an unset removes it.
 */
export function mergeEnv(...changes: Array<EnvChange | undefined>): EnvChange {
  const out: Required<EnvChange> = { set: {}, prepend: {}, unset: [] }
  for (const c of changes) {
    if (!c) continue
    for (const [k, v] of Object.entries(c.set ?? {})) {
      // A later value replaces the variable, with what earlier changes prepended to it.
      out.set[k] = v
      delete out.prepend[k]
      out.unset = out.unset.filter((u) => u !== k)
    }
    for (const [k, dirs] of Object.entries(c.prepend ?? {}))
      out.prepend[k] = [...dirs, ...(out.prepend[k] ?? [])]
    for (const k of c.unset ?? []) {
      delete out.set[k]
      delete out.prepend[k]
      if (!out.unset.includes(k)) out.unset.push(k)
    }
  }
  return out
}

/** The variables a change gives a child, applied to `base` (the runner's own environment). */
export function applyEnv(
  change: EnvChange | undefined,
  base: Readonly<Record<string, string | undefined>>,
  flavour: EnvFlavour
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {}
  for (const [name, value] of Object.entries(change?.set ?? {})) out[flavour.envKey(base, name)] = value
  // Prepends go on top of the value set (a set PATH keeps the directories later changes put first).
  for (const [name, dirs] of Object.entries(change?.prepend ?? {})) {
    const key = flavour.envKey(base, name)
    const current = key in out ? out[key] : base[key]
    out[key] = [...dirs, ...(current ? [current] : [])].join(flavour.paths.delimiter)
  }
  for (const name of change?.unset ?? []) out[flavour.envKey(base, name)] = undefined
  return out
}

/** The command a runner runs: slots filled in, the environment change applied to the runner's env. */
export function materialize(
  cmd: PlannedCommand,
  slots: Slots,
  base: Readonly<Record<string, string | undefined>>,
  flavour: EnvFlavour
): Command {
  return {
    command: word(cmd.command, slots),
    args: cmd.args.map((a) => word(a, slots)),
    ...(cmd.cwd ? { cwd: cmd.cwd } : {}),
    env: applyEnv(cmd.env, base, flavour)
  }
}

/** One line for people: slots as <name>, prepends as NAME=dir:$NAME. */
export function describeCommand(cmd: PlannedCommand, flavour: EnvFlavour): string {
  const q = (s: string): string => (/^[\w@%+=:,./\\<>-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`)
  const show = (w: Word): string => (typeof w === 'string' ? q(w) : `<${w.slot}>`)
  const env = [
    ...Object.entries(cmd.env?.prepend ?? {}).map(
      ([k, dirs]) => `${k}=${q([...dirs, `$${k}`].join(flavour.paths.delimiter))}`
    ),
    ...Object.entries(cmd.env?.set ?? {}).map(([k, v]) => `${k}=${q(v)}`),
    ...(cmd.env?.unset ?? []).map((k) => `-u ${k}`)
  ]
  const line = [show(cmd.command), ...cmd.args.map(show)].join(' ')
  return `${cmd.cwd ? `(in ${cmd.cwd}) ` : ''}${env.length ? `${env.join(' ')} ` : ''}${line}`
}
