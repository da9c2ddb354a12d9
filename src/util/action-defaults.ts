/**
 * The defaults of action.yml's inputs: the one place a default is written. The runner already passes them
 * as INPUT_* to a workflow step; readers fall back to them when an input is absent (the CLI, a unit test).
 */
import { parse } from 'yaml'
import actionYml from '../../action.yml'

const spec = parse(actionYml) as { inputs: Record<string, { default?: string }> }

export const ACTION_DEFAULTS: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(spec.inputs).map(([name, s]) => [name, s.default ?? ''])
)

/** An input's value: as given, else action.yml's default. */
export const withDefault = (name: string, given: string): string => given || (ACTION_DEFAULTS[name] ?? '')

/** The ref a push builds for nightly and a schedule builds (nightly-ref's default; the old system's master). */
export const DEFAULT_NIGHTLY_REF: string = ACTION_DEFAULTS['nightly-ref']
