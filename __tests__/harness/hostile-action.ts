/**
 * The release run whole against hostile servers, as the runner runs the bundle (harness/action.ts) and as
 * a person runs the CLI: the inputs that point it at the fixture's servers (harness/hostile-staging.ts:
 * the anaconda.org proxy "api", and its other origin playing the index and upload endpoint), the
 * environment (HOME and TMPDIR inside the sandbox, time bounds scaled), and what is checked of the output.
 */
import { execFile } from 'node:child_process'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { expect } from 'vitest'
import { DIST_DIR, NODES, runAction, type ActionRun } from './action.js'
import { stopwatch } from './bounds.js'
import type { Staging } from './hostile-staging.js'
import { tokenForms } from './hostile-staging.js'
import { VENV_BIN } from './pypiserver.js'
import { expectedGlobs } from './release-fixture.js'
import { watchWrites } from './run-dirs.js'
import { at } from '../servers/hostile.js'

export const PYPI_TOKEN = 'pypi-AgEhostileBundleToken+/='

/** The release's inputs, pointed at the fixture's servers (the tokens apart). */
export function releaseInputs(s: Staging, owner: string, version: string): Record<string, string> {
  return {
    command: 'release',
    version,
    package: 'relpkg',
    expected: expectedGlobs('relpkg'),
    'staging-channel': owner,
    'anaconda-url': s.api.url,
    'pypi-url': `${s.elsewhere.url}/legacy/`,
    'pypi-index-url': `${s.elsewhere.url}/simple/`
  }
}

/**
 * The run's environment: the suite's own time scale and retry base (harness/bounds.ts reads the same), the
 * test venv's Python (it holds the release's pins), HOME and TMPDIR in the sandbox.
 */
export const runEnv = (s: Staging): Record<string, string> => ({
  DIPY_WHEELS_RETRY_BASE_MS: process.env.DIPY_WHEELS_RETRY_BASE_MS ?? '',
  DIPY_WHEELS_TIME_SCALE: process.env.DIPY_WHEELS_TIME_SCALE ?? '',
  PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
  ...s.sb.env
})

/** An index that has nothing yet, and an upload endpoint that echoes the credential in its 403. */
export function echoingIndex(s: Staging): void {
  s.elsewhere.rules.push(
    at('GET', '/simple/', (ctx) => ctx.send(404, 'no such project')),
    at('POST', '/legacy/', (ctx) =>
      ctx.send(
        403,
        `Forbidden\nYou sent: Authorization: ${ctx.req.headers.authorization}\ntoken=${encodeURIComponent(PYPI_TOKEN)}`
      )
    )
  )
}

/**
 * The log as the runner shows it: a `::add-mask::value` line is not shown, and from that line on every
 * occurrence of the value is shown as *** (the command's data unescaped as the runner reads it, %0D, %0A
 * and %25: the toolkit's command.ts escapeData).
 */
export function asTheRunnerShows(log: string): string {
  const masks: string[] = []
  const shown: string[] = []
  for (const line of log.split('\n')) {
    const m = /^::add-mask::(.*)$/.exec(line)
    if (m) masks.push(m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
    else shown.push(masks.reduce((l, v) => (v ? l.split(v).join('***') : l), line))
  }
  return shown.join('\n')
}

/** No form of any of the tokens in the text (the raw token, Basic's base64 of `__token__:token`, URL-encoded). */
export function noTokenShown(text: string, tokens: string[]): void {
  for (const t of tokens) for (const form of tokenForms(t)) expect(text, form).not.toContain(form)
}

/** The tokens a run is given: the staging channel's and the index's. */
export interface Tokens {
  stage: string
  pypi: string
}

export interface Timed<T> {
  run: T
  /** Changes outside the run's directories. */
  wrote: string[]
  /** performance.now() when the run ended. */
  ended: number
  seconds: number
}

/**
 * The bundle in the sandbox: workspace, RUNNER_TEMP and tool cache are the sandbox's; the runner's
 * file-command files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY: RUNNER_TEMP/_runner_file_commands on GitHub) are
 * in the harness's `files` beside them, and allowed too.
 */
export async function runBundle(
  s: Staging,
  inputs: Record<string, string>,
  tokens: Tokens
): Promise<Timed<ActionRun>> {
  const sb = s.sb
  const wrote = watchWrites(sb, [sb.workspace, sb.temp, sb.toolCache, path.join(sb.root, 'files')])
  const seconds = stopwatch()
  const run = await runAction({
    inputs: { ...inputs, 'staging-token': tokens.stage, 'pypi-token': tokens.pypi },
    env: runEnv(s),
    root: sb.root,
    toolCache: sb.toolCache,
    timeoutMs: 120_000
  })
  return { run, ended: performance.now(), seconds: seconds(), wrote: wrote() }
}

/** The CLI in the sandbox (its workspace a folder of the sandbox's), the tokens handed over in the environment. */
export async function runCli(
  s: Staging,
  inputs: Record<string, string>,
  tokens: Tokens,
  name: string
): Promise<Timed<{ code: number; out: string }>> {
  const args = ['release', inputs.version]
  for (const [k, v] of Object.entries(inputs)) if (!['command', 'version'].includes(k)) args.push(`--${k}`, v)
  const ws = path.join(s.sb.workspace, name)
  const wrote = watchWrites(s.sb)
  const seconds = stopwatch()
  const run = await promisify(execFile)(
    NODES[0].path,
    [path.join(DIST_DIR, 'cli.js'), ...args, '--workspace', ws],
    {
      env: {
        ...runEnv(s),
        RUNNER_TEMP: path.join(s.sb.temp, name),
        RUNNER_TOOL_CACHE: s.sb.toolCache,
        'INPUT_STAGING-TOKEN': tokens.stage,
        'INPUT_PYPI-TOKEN': tokens.pypi
      }
    }
  ).then(
    (x) => ({ code: 0, out: x.stdout + x.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr })
  )
  return { run, ended: performance.now(), seconds: seconds(), wrote: wrote() }
}
