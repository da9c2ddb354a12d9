/**
 * Hostile servers through the bundle as the runner runs it and through the CLI: a staged name carrying a
 * workflow command, and an upload endpoint that echoes the request's Basic credentials in its 403 body.
 * What the runner would parse as commands, and every form the token travels in, are checked in the output.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES, runAction } from '../harness/action.js'
import { VENV_BIN } from '../harness/pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { at, startHostile, type Hostile } from '../servers/hostile.js'

const STAGE_TOKEN = 'stageBundle1'
const PYPI_TOKEN = 'pypi-AgEhostileBundleToken+/='
const VERSION = '4.0.0'
const FORMS = [PYPI_TOKEN, btoa(`__token__:${PYPI_TOKEN}`), encodeURIComponent(PYPI_TOKEN)]

let anaconda: AnacondaServer
let api: Hostile
let pypi: Hostile
let files: string[]
let tmp: string

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: ['hb0']
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-hostile-bundle-'))
  files = await makeReleaseFiles(path.join(tmp, 'dist'), 'relpkg', VERSION)
  await stage(anaconda.url, STAGE_TOKEN, 'hb0', 'relpkg', VERSION, files)
  api = await startHostile(anaconda.url)
  pypi = await startHostile()
})
afterEach(() => {
  api.rules.length = 0
  pypi.rules.length = 0
  api.seen.length = 0
  pypi.seen.length = 0
})
afterAll(async () => {
  await Promise.all([api?.close(), pypi?.close(), anaconda?.close()])
  fs.rmSync(tmp, { recursive: true, force: true })
})

const inputs = (): Record<string, string> => ({
  command: 'release',
  version: VERSION,
  package: 'relpkg',
  expected: expectedGlobs('relpkg'),
  'staging-channel': 'hb0',
  'anaconda-url': api.url,
  'pypi-url': `${pypi.url}/legacy/`,
  'pypi-index-url': `${pypi.url}/simple/`,
  'pypi-token': PYPI_TOKEN
})
const ENV = {
  DIPY_WHEELS_RETRY_BASE_MS: '5',
  DIPY_WHEELS_TIME_SCALE: '0.02',
  PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`
}

/** The runner's parser (actions/runner ActionCommand.cs): `::` after leading white space, `##[` anywhere. */
const commands = (text: string): string[] =>
  text.split(/\r\n|\r|\n/).filter((l) => /^\s*::[A-Za-z-]+( [^:]*)?::/.test(l) || /##\[[^\]]*\]/.test(l))

/** A staged wheel renamed with a newline and a workflow command. */
function injectName(): void {
  api.rules.push(
    at('GET', '/release/hb0/relpkg/', async (ctx) => {
      const up = await ctx.forward()
      const body = JSON.parse(up.body.toString()) as { distributions: Array<{ basename: string }> }
      body.distributions[0].basename += '\n::warning title=pwned::injected\n::add-mask::hide'
      ctx.send(200, JSON.stringify(body), { 'Content-Type': 'application/json' })
    })
  )
}

/** An index that has nothing yet, and an upload endpoint that echoes the credential in its 403. */
function echoingIndex(): void {
  pypi.rules.push(
    at('GET', '/simple/', (ctx) => ctx.send(404, 'no such project')),
    at('POST', '/legacy/', (ctx) =>
      ctx.send(
        403,
        `Forbidden\nYou sent: Authorization: ${ctx.req.headers.authorization}\ntoken=${encodeURIComponent(PYPI_TOKEN)}`
      )
    )
  )
}

describe('hostile servers through the bundle', () => {
  it('a staged name carrying a workflow command: refused, and no command reaches the runner', async () => {
    injectName()
    const started = performance.now()
    const run = await runAction({ inputs: inputs(), env: ENV, timeoutMs: 120_000 })
    expect(run.exitCode).not.toBe(0)
    expect(api.seen.some((s) => s.path.startsWith('/release/hb0/relpkg/'))).toBe(true)
    expect(api.seen.filter((s) => s.path.startsWith('/download/'))).toEqual([])
    expect(run.log).toContain('holds a control character')
    // Our own ::error:: carries the name as data; no line starts the injected commands.
    expect(
      commands(run.log).filter((l) => /^\s*::(warning|add-mask)/.test(l) && /pwned|hide/.test(l))
    ).toEqual([])
    expect(commands(run.log).filter((l) => !/^::(error|add-mask|group|endgroup|debug)/.test(l))).toEqual([])
    expect(pypi.seen).toEqual([])
    expect(performance.now() - started).toBeLessThan(60_000)
  })

  it('a 403 echoing the Basic credential: every form of the token is registered with the runner first', async () => {
    echoingIndex()
    const run = await runAction({ inputs: inputs(), env: ENV, timeoutMs: 120_000 })
    expect(run.exitCode).not.toBe(0)
    expect(pypi.seen.filter((s) => s.method === 'POST')).toHaveLength(1)
    expect(pypi.seen[pypi.seen.length - 1].auth).toBe(`Basic ${FORMS[1]}`)
    // The runner masks what ::add-mask:: registered; each form that the log carries must be registered
    // before it appears.
    // As the runner reads a command's data (%0D, %0A, %25 unescaped: toolkit command.ts escapeData).
    const masks = [...run.log.matchAll(/^::add-mask::(.*)$/gm)].map((m) =>
      m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
    )
    for (const form of FORMS) {
      const shown = run.log.replace(/^::add-mask::.*$/gm, '').indexOf(form)
      if (shown >= 0) expect(masks, form).toContain(form)
    }
    expect(masks).toEqual(expect.arrayContaining(FORMS))
    expect(api.seen.every((s) => s.auth === `token ${STAGE_TOKEN}` || s.auth === undefined)).toBe(true)
  })
})

describe('hostile servers through the CLI', () => {
  it('a 403 echoing the Basic credential prints no form of the token', async () => {
    echoingIndex()
    const args = ['release', VERSION]
    for (const [k, v] of Object.entries(inputs()))
      if (!['command', 'version', 'pypi-token'].includes(k)) args.push(`--${k}`, v)
    const ws = fs.mkdtempSync(path.join(tmp, 'cli-'))
    const r = await promisify(execFile)(
      NODES[0].path,
      [path.join(DIST_DIR, 'cli.js'), ...args, '--workspace', ws],
      {
        env: {
          ...ENV,
          HOME: process.env.HOME ?? '',
          RUNNER_TEMP: path.join(ws, 'temp'),
          'INPUT_PYPI-TOKEN': PYPI_TOKEN
        }
      }
    ).then(
      (x) => ({ code: 0, out: x.stdout + x.stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr })
    )
    expect(r.code).not.toBe(0)
    expect(
      pypi.seen.filter((s) => s.method === 'POST'),
      r.out.slice(-3000)
    ).toHaveLength(1)
    expect(r.out).toContain('the index refused the upload: 403')
    for (const form of FORMS) expect(r.out).not.toContain(form)
    // eslint-disable-next-line no-control-regex
    expect(r.out).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/)
  })
})
