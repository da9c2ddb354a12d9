/**
 * Runs the action's pipeline on this machine, from flags: `dipy-wheels --build-commit 1.12.1 ...`.
 * Every action input is a flag of the same name; the environment is laid out as the runner lays it out,
 * so the same code runs as on GitHub. Nothing is uploaded unless a token and --upload say so.
 * A mistake on the command line is one line on stderr and exit code 2, before anything is written.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import pkg from '../package.json' with { type: 'json' }
import { printPlan } from './cli-plan.js'
import { parseArgs, UsageError, type CliArgs } from './cli/args.js'
import { help } from './cli/help.js'
import { envOf, flagOf, spec } from './cli/spec.js'
import { PlainLog } from './cli/plain-log.js'
import { checkContainer, checkInputs, checkPythons } from './cli/prechecks.js'
import { resultTable } from './cli/result-table.js'
import { terminalTables, writeSummary } from './cli/summary.js'
import { forTerminal } from './cli/wording.js'
import { cleanTemp, prepareWorkspace, tempFolder, workspaceProblem } from './cli/workspace.js'
import { messageOf } from './errors.js'
import { run } from './main.js'
import { parseFileCommands } from './util/file-commands.js'
import { terminalSafe } from './util/inert.js'

/** The release inputs without a default that a release cannot run without. */
const RELEASE_REQUIRED = ['version', 'pypi-url', 'pypi-index-url']

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

/** The runner's environment for this run (files named, not created) and the action inputs. */
function runnerEnv(args: CliArgs, temp: string): Record<string, string> {
  const files = path.join(temp, '_runner_file_commands')
  const env: Record<string, string> = {
    GITHUB_WORKSPACE: args.workspace,
    GITHUB_EVENT_NAME: args.event,
    GITHUB_OUTPUT: path.join(files, 'output'),
    GITHUB_ENV: path.join(files, 'env'),
    GITHUB_PATH: path.join(files, 'path'),
    GITHUB_STATE: path.join(files, 'state'),
    GITHUB_STEP_SUMMARY: path.join(files, 'summary.html'),
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE:
      process.env.RUNNER_TOOL_CACHE || path.join(os.homedir(), '.cache', 'dipy-wheels', 'toolcache')
  }
  // An input not given as a flag may come from the environment, as INPUT_PYPI_TOKEN (or the runner's own
  // spelling INPUT_PYPI-TOKEN): the way to hand over a token without putting it on a command line.
  for (const [name, s] of Object.entries(spec.inputs)) {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`
    env[key] = args.inputs[name] ?? process.env[key] ?? process.env[envOf(name)] ?? s.default ?? ''
  }
  if (args.command === 'release') env.INPUT_COMMAND = 'release'
  // --verbose is the runner's debug mode: debug lines, and the compiler's command lines in the plan.
  if (args.verbose) env.RUNNER_DEBUG = '1'
  return env
}

/** Every check that needs neither the network nor a file written; throws a UsageError. */
function preflight(args: CliArgs, env: Record<string, string>): void {
  for (const input of args.tokensOnCommandLine) {
    process.stderr.write(
      `Warning: ${flagOf(input)} on the command line can be read by other users and lands in the shell ` +
        `history; export ${envOf(input)} instead.\n`
    )
  }
  if (args.command === 'release') {
    const missing = RELEASE_REQUIRED.filter((n) => !env[`INPUT_${n.toUpperCase()}`])
    if (missing.length) {
      throw new UsageError(
        `dipy-wheels release needs ${missing.map((n) => (n === 'version' ? 'VERSION' : flagOf(n))).join(', ')} ` +
          `(dipy-wheels release --help).`
      )
    }
  }
  const problem = workspaceProblem(args.workspace)
  if (problem) {
    throw new UsageError(
      `--workspace ${args.workspace}: ${problem}. Give a directory you can write to (it is created when missing).`
    )
  }
}

function fail(err: unknown): never {
  const usage = err instanceof UsageError
  const text = usage ? messageOf(err) : `Error: ${forTerminal(messageOf(err))}`
  process.stderr.write(`${terminalSafe(text)}\n`)
  process.exit(usage ? 2 : 1)
}

async function main(): Promise<void> {
  let args: CliArgs
  try {
    args = parseArgs(process.argv.slice(2))
  } catch (err) {
    fail(err)
  }
  if (args.show === 'help') return void process.stdout.write(help(args.command))
  if (args.show === 'version') return void process.stdout.write(`dipy-wheels ${pkg.version}\n`)
  const temp = tempFolder(args.workspace, process.env)
  const env = runnerEnv(args, temp.dir)
  try {
    preflight(args, env)
  } catch (err) {
    fail(err)
  }
  Object.assign(process.env, env)
  if (args.command === 'plan') {
    // Nothing is written: the plan only names the places.
    if (fs.existsSync(args.workspace)) process.chdir(args.workspace)
    try {
      printPlan(args.target)
    } catch (err) {
      fail(new UsageError(forTerminal(messageOf(err))))
    }
    return
  }
  const log = new PlainLog(process.env.RUNNER_DEBUG === '1', forTerminal)
  const restore = plainStdout(log)
  try {
    const plan = checkInputs(args.command)
    // The Pythons are this machine's when the plan builds on it (not in a container).
    if (plan && plan.executor.kind === 'host') {
      checkPythons(plan, env.INPUT_CONTAINER)
    }
    if (plan) await checkContainer(plan)
  } catch (err) {
    restore()
    fail(err)
  }
  prepareWorkspace(args.workspace)
  for (const key of ['GITHUB_OUTPUT', 'GITHUB_ENV', 'GITHUB_PATH', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY'])
    touch(env[key])
  // Named only once it exists: GitHub's context warns about a GITHUB_EVENT_PATH that does not.
  process.env.GITHUB_EVENT_PATH = path.join(path.dirname(env.GITHUB_OUTPUT), 'event.json')
  fs.writeFileSync(process.env.GITHUB_EVENT_PATH, '{}')
  process.chdir(args.workspace)
  const started = Date.now()
  try {
    await run()
  } finally {
    const rest = log.flush()
    restore()
    process.stdout.write(rest)
  }
  const outputs = parseFileCommands(fs.readFileSync(env.GITHUB_OUTPUT, 'utf8'))
  const errors = log.annotations.filter((a) => a.level === 'error').map((a) => a.message)
  const result = forTerminal(
    args.command === 'release'
      ? resultTable({ version: env.INPUT_VERSION, ...outputs }, errors, 'release')
      : resultTable(outputs, errors)
  )
  const summary = writeSummary(args.workspace, env.GITHUB_STEP_SUMMARY, result, (Date.now() - started) / 1000)
  process.stdout.write((summary ? terminalTables(summary.sections) : '') + result)
  if (summary) process.stdout.write(`\nSummary: ${summary.file}\n`)
  if (temp.own && !args.keepTemp) cleanTemp(temp.dir)
  else process.stdout.write(`Outputs: ${env.GITHUB_OUTPUT}\nTemp folder (kept): ${temp.dir}\n`)
}

// Anything thrown this far is reported as one line, never as a trace.
await main().catch(fail)
