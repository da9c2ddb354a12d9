/**
 * The release's reads from hostile servers: the anaconda.org test server holds a real staged set, a
 * hostile proxy in front of it alters one answer per case, and a second server ("elsewhere", another
 * origin) records whatever reaches it. Each case checks what the servers saw (so it cannot pass because
 * nothing ran), that the staging token reached no other origin and no output, and the time against the
 * documented bound (scaled by DIPY_WHEELS_TIME_SCALE).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { BOUNDS, JSON_MAX_BYTES } from '../../src/publish/anaconda/http.js'
import { IndexReader } from '../../src/release/pypi-index.js'
import { downloadStaged, listStaged } from '../../src/release/staging.js'
import { LegacyUploader } from '../../src/release/upload.js'
import { makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { at, endless, silent, startHostile, type Hostile } from '../servers/hostile.js'

const SCALE = 0.02
process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = String(SCALE)

const TOKEN = 'stageReadWrite1'
const OWNER = 'hostile0'
const VERSION = '2.0.0'

let anaconda: AnacondaServer
let api: Hostile
let elsewhere: Hostile
let files: string[]
let tmp: string
let out: string[] = []

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: [OWNER]
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-hostile-'))
  files = await makeReleaseFiles(path.join(tmp, 'dist'), 'relpkg', VERSION)
  await stage(anaconda.url, TOKEN, OWNER, 'relpkg', VERSION, files)
  api = await startHostile(anaconda.url)
  elsewhere = await startHostile()
})
afterAll(async () => {
  await Promise.all([api?.close(), elsewhere?.close(), anaconda?.close()])
  fs.rmSync(tmp, { recursive: true, force: true })
})

let started = 0
beforeAllCase()
function beforeAllCase(): void {
  // Every case starts with no rules, empty records and a capture of what the client prints.
  afterEach(() => {
    api.rules.length = 0
    elsewhere.rules.length = 0
    api.seen.length = 0
    elsewhere.seen.length = 0
    vi.restoreAllMocks()
    out = []
  })
}
function capture(): void {
  started = performance.now()
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((c: unknown) => {
      out.push(String(c))
      return true
    })
  }
}
const seconds = (): number => (performance.now() - started) / 1000

const list = () =>
  listStaged({
    apiUrl: api.url,
    token: TOKEN,
    owner: OWNER,
    pkg: 'relpkg',
    version: VERSION,
    labels: ['main']
  })

/** The token reached neither another origin nor the output, in any form it travels in. */
function tokenStayedHome(): void {
  expect(elsewhere.seen.filter((s) => s.auth !== undefined)).toEqual([])
  const text = out.join('')
  for (const form of [TOKEN, btoa(`__token__:${TOKEN}`), encodeURIComponent(TOKEN)])
    expect(text).not.toContain(form)
}

/** The runner's parser (actions/runner ActionCommand.cs): `::` after leading white space, `##[` anywhere. */
const commands = (text: string): string[] =>
  text.split(/\r\n|\r|\n/).filter((l) => /^\s*::[A-Za-z-]+( [^:]*)?::/.test(l) || /##\[[^\]]*\]/.test(l))

/** Rewrites the listing: `edit` changes the distributions list. */
function listing(edit: (d: Array<Record<string, unknown>>) => unknown[]): void {
  api.rules.push(
    at('GET', `/release/${OWNER}/relpkg/`, async (ctx) => {
      const up = await ctx.forward()
      const body = JSON.parse(up.body.toString()) as { distributions: Array<Record<string, unknown>> }
      ctx.send(200, JSON.stringify({ ...body, distributions: edit(body.distributions) }), {
        'Content-Type': 'application/json'
      })
    })
  )
}

const VALID = 'relpkg-2.0.0-cp311-cp311-manylinux_2_28_x86_64.whl'

describe('hostile servers: the release', () => {
  it('control: an honest server gives the staged set, byte for byte, the token only to the API', async () => {
    capture()
    const records = await list()
    expect(records.map((r) => r.basename).sort()).toEqual(files.map((f) => path.basename(f)).sort())
    for (const r of records) {
      const got = await downloadStaged(r, { apiUrl: api.url, token: TOKEN })
      expect(got.data.equals(fs.readFileSync(files.find((f) => f.endsWith(r.basename))!))).toBe(true)
    }
    expect(api.seen.filter((s) => s.path.startsWith('/download/'))).toHaveLength(files.length)
    expect(api.seen.every((s) => s.auth === `token ${TOKEN}`)).toBe(true)
    tokenStayedHome()
  })

  it('a record named with a path is refused, naming server and record, before any download', async () => {
    listing((d) =>
      d.map((r) =>
        r.basename === VALID ? { ...r, basename: `relpkg-2.0.0-cp311-cp311-manylinux/../../${VALID}` } : r
      )
    )
    capture()
    const err = (await list().catch((e: unknown) => e)) as Error
    expect(err.message).toMatch(
      new RegExp(
        `^anaconda\\.org at ${api.url.replace(/\./g, '\\.')} \\(release ${OWNER}/relpkg/2\\.0\\.0\\) sent the record distributions\\[\\d\\] whose file name .* holds a path separator`
      )
    )
    expect(api.seen.map((s) => s.path)).toEqual([`/release/${OWNER}/relpkg/2.0.0`])
    tokenStayedHome()
  })

  it('a record whose name carries a workflow command is refused, and the error carries no command', async () => {
    listing((d) =>
      d.map((r) =>
        r.basename === VALID ? { ...r, basename: `${VALID}\n::warning::pwned\r::add-mask::x` } : r
      )
    )
    capture()
    const err = (await list().catch((e: unknown) => e)) as Error
    expect(err.message).toContain('holds a control character')
    expect(commands(err.message)).toEqual([])
    expect(commands(out.join(''))).toEqual([])
  })

  it('a 503 body with workflow commands is logged inert on each retry', async () => {
    api.rules.push(
      at('GET', `/release/`, (ctx) => ctx.send(503, 'down\n::warning::pwned\r\n::add-mask::x\n##[error]y'))
    )
    capture()
    const err = (await list().catch((e: unknown) => e)) as Error
    const retries = out
      .join('')
      .split('\n')
      .filter((l) => l.includes('failed (attempt'))
    expect(retries.length).toBeGreaterThan(2)
    expect(retries[0]).toContain(
      '503: down\\n::warning::pwned\\r\\n::add-mask::x\\n##\\[error]y; trying again'
    )
    expect(commands(out.join(''))).toEqual([])
    expect(commands(err.message)).toEqual([])
  })

  it("a record's download URL on another origin is fetched without the token", async () => {
    const data = fs.readFileSync(files.find((f) => f.endsWith(VALID))!)
    elsewhere.rules.push(at('GET', '/blob', (ctx) => ctx.send(200, data)))
    listing((d) => d.map((r) => (r.basename === VALID ? { ...r, download_url: `${elsewhere.url}/blob` } : r)))
    capture()
    const rec = (await list()).find((r) => r.basename === VALID)!
    const got = await downloadStaged(rec, { apiUrl: api.url, token: TOKEN })
    expect(got.data.equals(data)).toBe(true)
    expect(elsewhere.seen.map((s) => `${s.path} ${s.auth}`)).toEqual(['/blob undefined'])
    tokenStayedHome()
  })

  it('a redirect from the API to another origin is followed without the token', async () => {
    const data = fs.readFileSync(files.find((f) => f.endsWith(VALID))!)
    elsewhere.rules.push(at('GET', '/storage', (ctx) => ctx.send(200, data)))
    api.rules.push(
      at('GET', '/download/', (ctx) => ctx.send(302, '', { Location: `${elsewhere.url}/storage/x?sig=1` }))
    )
    capture()
    const rec = (await list()).find((r) => r.basename === VALID)!
    await downloadStaged(rec, { apiUrl: api.url, token: TOKEN })
    expect(api.seen.find((s) => s.path.startsWith('/download/'))?.auth).toBe(`token ${TOKEN}`)
    expect(elsewhere.seen.map((s) => `${s.path} ${s.auth}`)).toEqual(['/storage/x?sig=1 undefined'])
    tokenStayedHome()
  })

  it('a download that never ends stops at the declared size, saying how much was expected', async () => {
    api.rules.push(at('GET', '/download/', (ctx) => endless(ctx)))
    const rec = (await list()).find((r) => r.basename === VALID)!
    capture()
    const err = (await downloadStaged(rec, { apiUrl: api.url, token: TOKEN }).catch(
      (e: unknown) => e
    )) as Error
    expect(err.message).toContain(`larger than expected (the ${rec.size} bytes the server declares)`)
    const sent = api.seen.find((s) => s.path.startsWith('/download/'))!.sent
    // The server pushed at most what the socket buffers took on top of the declared size (not 256 MiB).
    expect(sent).toBeLessThan(rec.size + 8 * 1024 * 1024)
    expect(seconds()).toBeLessThan(10)
  })

  it('a listing that never answers ends within its bound, naming the host and what it waited for', async () => {
    api.rules.push(at('GET', '/release/', (ctx) => silent(ctx)))
    capture()
    const err = (await list().catch((e: unknown) => e)) as Error
    const bound = (BOUNDS.apiTotalMs * SCALE) / 1000
    expect(err.message).toContain(`on ${api.host} timed out`)
    expect(err.message).toContain('waiting for the response headers')
    expect(seconds()).toBeLessThan(bound + 1)
    expect(api.seen.filter((s) => s.path.startsWith('/release/')).length).toBeGreaterThan(1)
  })

  it('a null record is an error naming the server and the field', async () => {
    listing((d) => [...d, null])
    capture()
    await expect(list()).rejects.toThrow(
      new RegExp(
        `^anaconda\\.org at .* \\(release ${OWNER}/relpkg/2\\.0\\.0\\): distributions\\[${files.length}\\] is null, expected an object`
      )
    )
    api.rules.length = 0
    listing((d) => d.map((r) => ({ ...r, size: '12' })))
    await expect(list()).rejects.toThrow(
      /distributions\[\d\]\.size is string, expected a non-negative integer/
    )
  })

  it('an upload endpoint that never answers is given up after the idle bound, per attempt', async () => {
    const index = await startHostile()
    index.rules.push(
      at('GET', '/simple/', (ctx) => ctx.send(404, 'no such project')),
      at('POST', '/legacy/', (ctx) => silent(ctx))
    )
    try {
      const uploader = new LegacyUploader({
        uploadUrl: `${index.url}/legacy/`,
        token: () => Promise.resolve('pypi-uploadToken1'),
        index: new IndexReader(`${index.url}/simple`),
        pkg: 'relpkg',
        attempts: 2
      })
      const data = fs.readFileSync(files[0])
      capture()
      const err = (await uploader
        .upload({
          basename: path.basename(files[0]),
          kind: 'wheel',
          pyversion: 'cp311',
          sha256: 'a'.repeat(64),
          data,
          meta: { headers: [['Name', 'relpkg']], body: '' }
        })
        .catch((e: unknown) => e)) as Error
      const idle = (BOUNDS.transferIdleMs * SCALE) / 1000
      expect(err.message).toContain('the upload failed 2 times')
      expect(err.message).toContain(`on ${index.host} timed out: nothing moved for ${idle.toFixed(1)} s`)
      expect(index.seen.filter((s) => s.method === 'POST')).toHaveLength(2)
      expect(seconds()).toBeLessThan(2 * idle + 2)
      expect(seconds()).toBeGreaterThan(2 * idle - 0.5)
    } finally {
      await index.close()
    }
  })

  it('an index page that never ends stops at the JSON/HTML ceiling; a silent index ends within its bound', async () => {
    const index = await startHostile()
    try {
      index.rules.push(at('GET', '/simple/endless/', (ctx) => endless(ctx, 256 * 1024)))
      index.rules.push(at('GET', '/simple/silent/', (ctx) => silent(ctx)))
      const reader = new IndexReader(`${index.url}/simple`)
      capture()
      const big = (await reader.files('endless').catch((e: unknown) => e)) as Error
      expect(big.message).toContain(
        `on ${index.host}: the answer is larger than expected (at most ${JSON_MAX_BYTES} bytes of JSON or HTML)`
      )
      expect(index.seen[0].sent).toBeLessThan(JSON_MAX_BYTES + 8 * 1024 * 1024)
      started = performance.now()
      const quiet = (await reader.files('silent').catch((e: unknown) => e)) as Error
      expect(quiet.message).toContain(`GET /simple/silent/ on ${index.host} timed out`)
      expect(seconds()).toBeLessThan((BOUNDS.apiTotalMs * SCALE) / 1000 + 1)
      expect(index.seen.filter((s) => s.path === '/simple/silent/').length).toBeGreaterThan(1)
    } finally {
      await index.close()
    }
  })
})
