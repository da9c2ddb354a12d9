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
    '       node dist/cli.js release VERSION [--input value ...]   (the same as --command release --version VERSION)',
    '',
    'Builds, repairs and tests wheels through the same pipeline as the action.',
    '  --workspace DIR    the workspace (default: the current directory)',
    '  --event NAME       the GitHub event to act as (default: workflow_dispatch, which uploads nothing)',
    '',
    'Inputs (see action.yml):',
    ...lines
  ].join('\n')
}

function parseArgs(argv: string[]): { inputs: Record<string, string>; workspace: string; event: string } {
  const inputs: Record<string, string> = {}
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
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg)
    if (!m)
      throw new Error(`Unexpected argument ${JSON.stringify(arg)}: flags are --name value (see --help).`)
    const value = m[2] ?? argv[++i]
    if (value === undefined) throw new Error(`--${m[1]} needs a value.`)
    if (m[1] === 'workspace') workspace = path.resolve(value)
    else if (m[1] === 'event') event = value
    else if (m[1] in spec.inputs) inputs[m[1]] = value
    else throw new Error(`Unknown flag --${m[1]}: see --help for the inputs.`)
  }
  return { inputs, workspace, event }
}

function touch(file: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, '')
  return file
}

async function main(): Promise<void> {
  let args
  try {
    args = parseArgs(process.argv.slice(2))
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
  await run()
  const outputs = parseFileCommands(fs.readFileSync(env.GITHUB_OUTPUT, 'utf8'))
  process.stdout.write(
    `\nOutputs:\n${JSON.stringify(outputs, null, 2)}\nSummary: ${env.GITHUB_STEP_SUMMARY}\n`
  )
}

await main()
