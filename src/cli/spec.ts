/** The action's inputs as the CLI sees them: action.yml's, with the flag each one is given as. */
import { parse } from 'yaml'
import actionYml from '../../action.yml'

export interface InputSpec {
  description?: string
  default?: string
}

export const spec = parse(actionYml) as { inputs: Record<string, InputSpec> }

export const RELEASE_ONLY = /^Release only\.\s*/

/** Inputs read by `release` besides its own (the staging side and the common switches). */
const RELEASE_SHARED = ['staging-channel', 'staging-token', 'labels', 'anaconda-url', 'dry-run']

/** The action input `version` is the release's version: the CLI's flag is --release-version. */
export const FLAG_OF_INPUT: Record<string, string> = { version: 'release-version' }
export const INPUT_OF_FLAG: Record<string, string> = { 'release-version': 'version' }
export const flagOf = (input: string): string => `--${FLAG_OF_INPUT[input] ?? input}`

export type Command = 'build' | 'plan' | 'release'

export const isReleaseInput = (name: string): boolean =>
  RELEASE_ONLY.test(spec.inputs[name]?.description ?? '')

/** The inputs a command takes. */
export function inputsOf(command: Command): string[] {
  const names = Object.keys(spec.inputs).filter((n) => n !== 'command')
  if (command === 'release') return names.filter((n) => isReleaseInput(n) || RELEASE_SHARED.includes(n))
  return names.filter((n) => !isReleaseInput(n))
}

/** The environment variable that carries an input (the runner's own spelling, with `_` for `-`). */
export const envOf = (input: string): string => `INPUT_${input.replace(/[ -]/g, '_').toUpperCase()}`
