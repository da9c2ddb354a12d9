/**
 * The CLI's command line: `dipy-wheels [build|plan|release] [--flag value ...]`. Every action input is a
 * flag of the same name, except `version` (the release's), which is --release-version or release's
 * positional VERSION; --version prints the tool's own version.
 */
import * as path from 'node:path'
import { flagOf, inputsOf, INPUT_OF_FLAG, type Command } from './spec.js'

/** A mistake on the command line: printed without a trace, exit code 2. */
export class UsageError extends Error {}

export interface CliArgs {
  command: Command
  /** --help or --version: what to print instead of running. */
  show?: 'help' | 'version'
  inputs: Record<string, string>
  workspace: string
  event: string
  keepTemp: boolean
  /** --verbose: debug mode (RUNNER_DEBUG=1): debug lines and the compiler's command lines. */
  verbose: boolean
  /** `plan` only. */
  target: { os?: string; architecture?: string; json?: boolean }
  /** Inputs given on the command line that hold a secret. */
  tokensOnCommandLine: string[]
}

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = row
  }
  return prev[b.length]
}

/** The closest known flag, when it is close enough to be a typo. */
export function suggest(flag: string, known: string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const k of known) {
    const d = distance(flag, k)
    if (d < bestDistance) [best, bestDistance] = [k, d]
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(flag.length / 4)) ? best : undefined
}

const COMMANDS: Command[] = ['build', 'plan', 'release']
const SWITCHES = ['help', 'version', 'keep-temp', 'verbose']
const OWN = ['workspace', 'event']

export function parseArgs(argv: string[], cwd = process.cwd()): CliArgs {
  let command: Command = 'build'
  if ((COMMANDS as string[]).includes(argv[0] ?? '')) {
    command = argv[0] as Command
    argv = argv.slice(1)
  }
  const args: CliArgs = {
    command,
    inputs: {},
    workspace: cwd,
    event: 'workflow_dispatch',
    keepTemp: false,
    verbose: false,
    target: {},
    tokensOnCommandLine: []
  }
  if (command === 'release' && argv[0] !== undefined && !argv[0].startsWith('-')) {
    args.inputs.version = argv.shift()!
  }
  const inputFlags = inputsOf(command).map((n) => flagOf(n).slice(2))
  const planFlags = command === 'plan' ? ['os', 'architecture', 'json'] : []
  const known = [...inputFlags, ...OWN, ...SWITCHES, ...planFlags]
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h' || arg === '--help') return { ...args, show: 'help' }
    if (arg === '--version') return { ...args, show: 'version' }
    if (arg === '--keep-temp') {
      args.keepTemp = true
      continue
    }
    if (arg === '--verbose') {
      args.verbose = true
      continue
    }
    if (command === 'plan' && arg === '--json') {
      args.target.json = true
      continue
    }
    const m = /^--([A-Za-z0-9-]+)(?:=(.*))?$/s.exec(arg)
    if (!m) {
      const hint = COMMANDS.some((c) => c === arg)
        ? ` (the command comes first: dipy-wheels ${arg} ...)`
        : command === 'build' && !arg.startsWith('-')
          ? ` (to build that ref: --build-commit ${arg})`
          : ''
      throw new UsageError(
        `Unexpected argument ${JSON.stringify(arg)}${hint}: flags are --name value (dipy-wheels ${command} --help).`
      )
    }
    const name = m[1]
    if (!known.includes(name)) {
      const close = suggest(name, known)
      const elsewhere = COMMANDS.find((c) => c !== command && inputsOf(c).includes(name))
      throw new UsageError(
        `Unknown flag --${name}` +
          (close
            ? `: did you mean --${close}?`
            : elsewhere
              ? `: it belongs to dipy-wheels ${elsewhere}.`
              : '.') +
          ` See dipy-wheels ${command} --help.`
      )
    }
    const value = m[2] ?? argv[++i]
    if (value === undefined) throw new UsageError(`--${name} needs a value (dipy-wheels ${command} --help).`)
    if (name === 'workspace') args.workspace = path.resolve(cwd, value)
    else if (name === 'event') args.event = value
    else if (planFlags.includes(name)) args.target[name as 'os' | 'architecture'] = value
    else {
      const input = INPUT_OF_FLAG[name] ?? name
      args.inputs[input] = value
      if (input.endsWith('token') && value) args.tokensOnCommandLine.push(input)
    }
  }
  return args
}
