/**
 * Runs the action's pipeline on this machine, from flags: `node dist/cli.js --build-commit 1.12.1 ...`.
 * Every action input is a flag of the same name; the environment is laid out as the runner lays it out,
 * so the same code runs as on GitHub. Nothing is uploaded unless a token and --upload say so.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { parse } from 'yaml'
import actionYml from '../action.yml'
import { printPlan, type PlanTarget } from './cli-plan.js'
import { messageOf } from './errors.js'
import { PlainLog } from './cli/plain-log.js'
import { resultTable } from './cli/result-table.js'
import { run } from './main.js'
import { parseFileCommands } from './util/file-commands.js'

interface InputSpec {
  description?: string
  default?: string
}

const spec = parse(actionYml) as { inputs: Record<string, InputSpec> }

function usage(): string {
  const lines = Object.entries(spec.inputs).map(
    ([name, s]) =>
      `  --${name.padEnd(16)} ${(s.description ?? '').split(/(?<=\.)\s/)[0]} [default: ${JSON.stringify(s.default ?? '')}]`
  )
  return [
    'Usage: node dist/cli.js [--input value ...] [--workspace DIR] [--event NAME]',
    '       node dist/cli.js plan [--os linux|macos|windows] [--architecture x64|arm64|x86] [--json] [--input value ...]',
    '       node dist/cli.js release VERSION [--input value ...]   (the same as --command release --version VERSION)',
    '',
    'Builds, repairs and tests wheels through the same pipeline as the action.',
    '`plan` prints what would run (commands, environment, directories) on any runner, and runs nothing.',
    '  --workspace DIR    the workspace (default: the current directory)',
    '  --event NAME       the GitHub event to act as (default: workflow_dispatch, which uploads nothing)',
    '',
    'Inputs (see action.yml):',
    ...lines
  ].join('\n')
}

interface CliArgs {
  inputs: Record<string, string>
  workspace: string
  event: string
  /** `plan` only: the target (--os, --architecture) and --json. */
  target: PlanTarget
}

const PLAN_FLAGS = new Set(['os', 'architecture'])

function parseArgs(argv: string[], planning: boolean): CliArgs {
  const inputs: Record<string, string> = {}
  const target: PlanTarget = {}
  let workspace = process.cwd()
  let event = 'workflow_dispatch'
  if (argv[0] === 'release') {
    inputs.command = 'release'
    argv = argv.slice(1)
    if (argv[0] !== undefined && !argv[0].startsWith('-')) inputs.version = argv.shift()!
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-h' || arg === '--help') {
      process.stdout.write(usage() + '\n')
      process.exit(0)
    }
    if (planning && arg === '--json') {
      target.json = true
      continue
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m)
      throw new Error(`Unexpected argument ${JSON.stringify(arg)}: flags are --name value (see --help).`)
    const value = m[2] ?? argv[++i]
    if (value === undefined) throw new Error(`--${m[1]} needs a value.`)
    if (m[1] === 'workspace') workspace = path.resolve(value)
    else if (m[1] === 'event') event = value
    else if (planning && PLAN_FLAGS.has(m[1])) target[m[1] as 'os' | 'architecture'] = value
    else if (m[1] in spec.inputs) inputs[m[1]] = value
    else throw new Error(`Unknown flag --${m[1]}: see --help for the inputs.`)
  }
  return { inputs, workspace, event, target }
}

/**
 * Routes everything written to stdout (the action's log and its children's output) through `log`, so a
 * terminal sees plain text instead of workflow commands. Returns the function that undoes it.
 */
function plainStdout(log: PlainLog): () => void {
  const write = process.stdout.write.bind(process.stdout)
  const filtered = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    const out = log.push(text)
    const done = rest.find((r): r is () => void => typeof r === 'function')
    if (!out) {
      done?.()
      return true
    }
    return done ? write(out, done) : write(out)
  }
  process.stdout.write = filtered as typeof process.stdout.write
  return () => {
    process.stdout.write = write
  }
}

function touch(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, '')
  return file
}

async function main(): Promise<void> {
  let args
  const argv = process.argv.slice(2)
  const planning = argv[0] === 'plan'
  try {
    args = parseArgs(planning ? argv.slice(1) : argv, planning)
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`)
    process.exit(2)
  }
  const { inputs, workspace, event } = args
  fs.mkdirSync(workspace, { recursive: true })
  const temp = process.env.RUNNER_TEMP || fs.mkdtempSync(path.join(os.tmpdir(), 'dipy-wheels-'))
  const files = path.join(temp, '_runner_file_commands')
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path.join(files, 'event.json'),
    GITHUB_OUTPUT: touch(path.join(files, 'output')),
    GITHUB_ENV: touch(path.join(files, 'env')),
    GITHUB_PATH: touch(path.join(files, 'path')),
    GITHUB_STATE: touch(path.join(files, 'state')),
    GITHUB_STEP_SUMMARY: touch(path.join(files, 'summary.html')),
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE:
      process.env.RUNNER_TOOL_CACHE || path.join(os.homedir(), '.cache', 'dipy-wheels', 'toolcache')
  }
  fs.writeFileSync(env.GITHUB_EVENT_PATH, '{}')
  // An input not given as a flag may come from the environment, as INPUT_PYPI_TOKEN (or the runner's own
  // spelling INPUT_PYPI-TOKEN): the way to hand over a token without putting it on a command line.
  for (const [name, s] of Object.entries(spec.inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    env[key] = inputs[name] ?? process.env[key] ?? process.env[key.replace(/-/g, '_')] ?? s.default ?? ''
  }
  Object.assign(process.env, env)
  process.chdir(workspace)
  if (planning) {
    try {
      printPlan(args.target)
    } catch (err) {
      process.stderr.write(`${messageOf(err)}\n`)
      process.exit(2)
    }
    return
  }
  const log = new PlainLog(process.env.RUNNER_DEBUG === '1')
  const restore = plainStdout(log)
  try {
    await run()
  } finally {
    const rest = log.flush()
    restore()
    process.stdout.write(rest)
  }
  const outputs = parseFileCommands(fs.readFileSync(env.GITHUB_OUTPUT, 'utf8'))
  const errors = log.annotations.filter((a) => a.level === 'error').map((a) => a.message)
  process.stdout.write(
    resultTable(outputs, errors) + `\nOutputs: ${env.GITHUB_OUTPUT}\nSummary: ${env.GITHUB_STEP_SUMMARY}\n`
  )
}

await main()
