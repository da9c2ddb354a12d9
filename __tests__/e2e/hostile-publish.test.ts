/**
 * The nightly upload (anaconda.org) against hostile servers: a proxy in front of the anaconda.org test
 * server alters one answer per case, a second origin records what reaches it. A replace keeps its safety
 * copy or does not start; a published file's URL on another origin is fetched without the token; an
 * archive that escapes its root or inflates like a bomb is refused before anything is sent. Each case
 * checks what the servers saw, that the token went to no other origin and into no output, that nothing
 * was written outside the run's directories (harness/run-dirs.ts: the safety copy goes under RUNNER_TEMP,
 * as the publish stage puts it) and the time against the documented bounds (harness/bounds.ts).
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { strToU8, zipSync } from 'fflate'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { uploadAll, type BatchOptions } from '../../src/publish/anaconda/batch.js'
import { boundOfRequests, stopwatch } from '../harness/bounds.js'
import { tokenForms } from '../harness/hostile-staging.js'
import { adoptTmp, makeSandbox, watchWrites, type Sandbox } from '../harness/run-dirs.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { at, startHostile, type Hostile } from '../servers/hostile.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = '0.02'

const W = 'tokWriteHostile1'
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let server: AnacondaServer
let api: Hostile
let elsewhere: Hostile
let sb: Sandbox
let tmp: string
let restoreTmp: () => void
let orgs = 0
const warnings: string[] = []
const out: string[] = []

beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [W]: { login: 'uploader', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 10 }, (_, i) => `hpub${i}`)
  })
  api = await startHostile(server.url)
  elsewhere = await startHostile()
  sb = makeSandbox('dw-hostile-pub-')
  restoreTmp = adoptTmp(sb)
  tmp = sb.fixtures
})
afterEach(() => {
  api.rules.length = 0
  elsewhere.rules.length = 0
  api.seen.length = 0
  elsewhere.seen.length = 0
  warnings.length = 0
  out.length = 0
  vi.restoreAllMocks()
})
afterAll(async () => {
  await Promise.all([api?.close(), elsewhere?.close(), server?.close()])
  restoreTmp()
  sb?.close()
})

function opts(owner: string, over: Partial<BatchOptions> = {}): BatchOptions {
  return {
    apiUrl: api.url,
    token: W,
    owner,
    labels: ['main'],
    ifExists: 'replace',
    dryRun: false,
    keepVersions: 0,
    keepDir: path.join(sb.temp, 'dipy-wheels-replaced', owner),
    http: { attempts: 2 },
    warn: (l) => warnings.push(l),
    ...over
  }
}

/** An old build on the channel (uploaded directly) and a new build of the same name. */
async function published(): Promise<{ owner: string; old: string; next: string }> {
  const owner = `hpub${orgs++}`
  const spec = { name: 'relpkg', version: '3.1.0', tag: 'cp311-cp311-manylinux_2_28_x86_64' }
  const [old, next] = await Promise.all([
    makeWheel(path.join(tmp, `${owner}-old`), { ...spec, summary: 'old build' }),
    makeWheel(path.join(tmp, `${owner}-new`), { ...spec, summary: 'new build' })
  ])
  expect((await uploadAll([old], { ...opts(owner), apiUrl: server.url, ifExists: 'fail' })).failures).toEqual(
    []
  )
  return { owner, old, next }
}

const onServer = (owner: string): string[] => server.files(owner).map((f) => sha256(f.data))
const writes = (): string[] =>
  api.seen.filter((s) => !['GET', 'HEAD'].includes(s.method)).map((s) => `${s.method} ${s.path}`)

interface Ran {
  r: Awaited<ReturnType<typeof uploadAll>>
  seconds: number
  wrote: string[]
}

/** uploadAll as a case runs it: its output captured, the sandbox watched, the clock running. */
async function run(files: string[], o: BatchOptions): Promise<Ran> {
  const wrote = watchWrites(sb)
  const seconds = stopwatch()
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((c: unknown) => (out.push(String(c)), true))
  }
  const r = await uploadAll(files, o)
  vi.restoreAllMocks()
  return { r, seconds: seconds(), wrote: wrote() }
}

/**
 * What every case keeps: the token went to no other origin and into no output, warning or message;
 * nothing was written outside the run's directories; and the time stayed within the documented bounds of
 * the requests the servers saw, each an operation of its own at most (a file up or down is a transfer).
 * `local`: seconds of the test's own allowance for work that no documented bound covers.
 */
function kept(ran: Ran, local = 0): void {
  expect(elsewhere.seen.filter((s) => s.auth !== undefined)).toEqual([])
  const text = [...out, ...warnings, ...ran.r.failures.map((f) => f.message)].join('\n')
  for (const form of tokenForms(W)) expect(text).not.toContain(form)
  expect(ran.wrote).toEqual([])
  const bound = boundOfRequests([...api.seen, ...elsewhere.seen], (s) =>
    /^\/(download|s3)\/|\.whl$/.test(s.path)
  )
  expect(ran.seconds).toBeLessThan(bound + local)
}

describe('hostile servers: a nightly replace', () => {
  it('control: the published file is kept (downloaded with the token from the API), then replaced', async () => {
    const { owner, next } = await published()
    const ran = await run([next], opts(owner))
    const { r } = ran
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => o.status)).toEqual(['replaced'])
    expect(onServer(owner)).toEqual([sha256(fs.readFileSync(next))])
    expect(api.seen.find((s) => s.path.startsWith('/download/'))?.auth).toBe(`token ${W}`)
    expect(api.seen.every((s) => s.auth === `token ${W}` || s.path.startsWith('/s3/'))).toBe(true)
    expect(writes().filter((w) => w.startsWith('DELETE /dist/'))).toHaveLength(1)
    expect(fs.readdirSync(opts(owner).keepDir)).toEqual([]) // the safety copy is gone once committed
    kept(ran)
  })

  it('a download answered 400 stops the replace before anything is removed', async () => {
    const { owner, old, next } = await published()
    api.rules.push(at('GET', '/download/', (ctx) => ctx.send(400, '<Error><Code>BadRequest</Code></Error>')))
    const ran = await run([next], opts(owner))
    const { r } = ran
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0].message).toMatch(
      /could not be downloaded \(GET \/download\/\S+ → 400: BadRequest\)\. Nothing was removed/
    )
    expect(api.seen.some((s) => s.path.startsWith('/download/'))).toBe(true)
    expect(writes()).toEqual([]) // no DELETE, no stage, no S3 POST
    expect(onServer(owner)).toEqual([sha256(fs.readFileSync(old))])
    kept(ran)
  })

  it('a download answered 404 means nothing to keep: the replace goes ahead with a warning', async () => {
    const { owner, next } = await published()
    api.rules.push(at('GET', '/download/', (ctx) => ctx.send(404, '{"error": "gone"}')))
    const ran = await run([next], opts(owner))
    expect(ran.r.failures).toEqual([])
    expect(warnings.join('\n')).toContain('is not there (404); nothing of value can be kept')
    expect(onServer(owner)).toEqual([sha256(fs.readFileSync(next))])
    expect(api.seen.filter((s) => s.path.startsWith('/download/'))).toHaveLength(1)
    expect(writes().filter((w) => w.startsWith('DELETE /dist/'))).toHaveLength(1)
    kept(ran)
  })

  it('a dist whose download URL is on another origin is fetched without the token', async () => {
    const { owner, old, next } = await published()
    const bytes = fs.readFileSync(old)
    elsewhere.rules.push(at('GET', '/elsewhere.whl', (ctx) => ctx.send(200, bytes)))
    api.rules.push(
      at('GET', '/dist/', async (ctx) => {
        const up = await ctx.forward()
        const d = JSON.parse(up.body.toString()) as Record<string, unknown>
        ctx.send(up.status, JSON.stringify({ ...d, download_url: `${elsewhere.url}/elsewhere.whl` }), {
          'Content-Type': 'application/json'
        })
      })
    )
    const ran = await run([next], opts(owner))
    expect(ran.r.failures).toEqual([])
    expect(elsewhere.seen.map((s) => `${s.path} ${s.auth}`)).toEqual(['/elsewhere.whl undefined'])
    expect(onServer(owner)).toEqual([sha256(fs.readFileSync(next))])
    kept(ran)
  })
})

describe('hostile archives: refused before anything is sent', () => {
  const bad = (name: string, files: Record<string, Uint8Array | [Uint8Array, { level: 9 }]>): string => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-'))
    const file = path.join(dir, name)
    fs.writeFileSync(file, zipSync(files))
    return file
  }

  it.each([
    [
      'a member outside the root',
      { '../../x': strToU8('x'), 'relpkg/__init__.py': strToU8('') },
      /member "\.\.\/\.\.\/x" leaves the archive root/
    ],
    [
      'a compression bomb',
      { 'relpkg/zeros.bin': [new Uint8Array(100 * 1024 * 1024), { level: 9 }] as [Uint8Array, { level: 9 }] },
      /it inflates \d+ times as a whole/
    ]
  ])('%s', async (_, files, why) => {
    const owner = `hpub${orgs++}`
    const file = bad('relpkg-3.1.0-py3-none-any.whl', files)
    const ran = await run([file], opts(owner))
    expect(ran.r.failures).toHaveLength(1)
    expect(ran.r.failures[0].message).toMatch(why)
    // The server and the owner were checked, and nothing was sent.
    expect(api.seen.map((s) => `${s.method} ${s.path}`).sort()).toEqual([`GET /user/${owner}`, 'HEAD /'])
    expect(writes()).toEqual([])
    expect(server.files(owner)).toEqual([])
    // The archive is read, not inflated into memory, within the test's own 5 s (no documented bound).
    kept(ran, 5)
  })
})
