/**
 * The release's reads and its upload against servers that never answer or never stop: each ends within
 * its documented bound (harness/bounds.ts, from src/publish/anaconda/http.ts's "Time bounds", scaled by
 * DIPY_WHEELS_TIME_SCALE) or at its body cap, with an error naming the host and what it waited for. Each
 * case checks what the server saw, that the tokens went nowhere else and into no output, and that nothing
 * was written outside the run's directories (harness/hostile-staging.ts, harness/run-dirs.ts).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { JSON_MAX_BYTES } from '../../src/publish/anaconda/http.js'
import { IndexReader } from '../../src/release/pypi-index.js'
import { downloadStaged } from '../../src/release/staging.js'
import { LegacyUploader } from '../../src/release/upload.js'
import { documented, SLACK_S, stopwatch } from '../harness/bounds.js'
import { hostileStaging, tokenForms } from '../harness/hostile-staging.js'
import { at, endless, silent, startHostile, type Hostile } from '../servers/hostile.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = '0.02'

const TOKEN = 'stageReadWrite2'
const UPLOAD_TOKEN = 'pypi-uploadToken1'
const s = hostileStaging(TOKEN, 'hostile1', '2.0.0')
const VALID = 'relpkg-2.0.0-cp311-cp311-manylinux_2_28_x86_64.whl'

async function withIndex(run: (index: Hostile) => Promise<void>): Promise<void> {
  const index = await startHostile()
  try {
    await run(index)
  } finally {
    await index.close()
  }
}

describe('hostile servers: time and size bounds of the release', () => {
  it('a download that never ends stops at the declared size, saying how much was expected', async () => {
    s.api.rules.push(at('GET', '/download/', (ctx) => endless(ctx)))
    const rec = (await s.list()).find((r) => r.basename === VALID)!
    s.capture()
    const err = (await downloadStaged(rec, { apiUrl: s.api.url, token: TOKEN }).catch(
      (e: unknown) => e
    )) as Error
    expect(err.message).toContain(`larger than expected (the ${rec.size} bytes the server declares)`)
    const sent = s.api.seen.find((x) => x.path.startsWith('/download/'))!.sent
    // The server pushed at most what the socket buffers took on top of the declared size (not 256 MiB).
    expect(sent).toBeGreaterThan(rec.size)
    expect(sent).toBeLessThan(rec.size + 8 * 1024 * 1024)
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    // Stopped by the size, long before the transfer's idle bound could have.
    expect(s.seconds()).toBeLessThan(documented('transferIdle'))
  })

  it('a listing that never answers ends within its bound, naming the host and what it waited for', async () => {
    s.api.rules.push(at('GET', '/release/', (ctx) => silent(ctx)))
    s.capture()
    const err = (await s.list().catch((e: unknown) => e)) as Error
    expect(err.message).toContain(`on ${s.api.host} timed out`)
    expect(err.message).toContain('waiting for the response headers')
    expect(s.seconds()).toBeLessThan(documented('apiTotal') + SLACK_S)
    // Each attempt waited its header bound: the attempts that fit in the total, and more than one.
    const attempts = s.api.seen.filter((x) => x.path.startsWith('/release/')).length
    expect(attempts).toBeGreaterThan(1)
    expect(attempts).toBeLessThanOrEqual(Math.ceil(documented('apiTotal') / documented('apiHeader')))
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
  })

  it('an upload endpoint that never answers is given up after the idle bound, per attempt', async () => {
    await withIndex(async (index) => {
      index.rules.push(
        at('GET', '/simple/', (ctx) => ctx.send(404, 'no such project')),
        at('POST', '/legacy/', (ctx) => silent(ctx))
      )
      const uploader = new LegacyUploader({
        uploadUrl: `${index.url}/legacy/`,
        token: () => Promise.resolve(UPLOAD_TOKEN),
        index: new IndexReader(`${index.url}/simple`),
        pkg: 'relpkg',
        attempts: 2
      })
      const data = fs.readFileSync(s.files[0])
      s.capture()
      const err = (await uploader
        .upload({
          basename: path.basename(s.files[0]),
          kind: 'wheel',
          pyversion: 'cp311',
          sha256: 'a'.repeat(64),
          data,
          meta: { headers: [['Name', 'relpkg']], body: '' }
        })
        .catch((e: unknown) => e)) as Error
      const idle = documented('transferIdle')
      expect(err.message).toContain('the upload failed 2 times')
      expect(err.message).toContain(`on ${index.host} timed out: nothing moved for ${idle.toFixed(1)} s`)
      const posts = index.seen.filter((x) => x.method === 'POST')
      expect(posts).toHaveLength(2)
      expect(posts.every((x) => x.auth === `Basic ${btoa(`__token__:${UPLOAD_TOKEN}`)}`)).toBe(true)
      expect(s.seconds()).toBeLessThan(2 * idle + 2 * SLACK_S)
      expect(s.seconds()).toBeGreaterThan(2 * idle - 0.5)
      for (const form of tokenForms(UPLOAD_TOKEN)) expect(s.out.join('') + err.message).not.toContain(form)
      expect(s.wroteOutside()).toEqual([])
    })
  })

  it('an index page that never ends stops at the JSON/HTML ceiling; a silent index ends within its bound', async () => {
    await withIndex(async (index) => {
      index.rules.push(at('GET', '/simple/endless/', (ctx) => endless(ctx, 256 * 1024)))
      index.rules.push(at('GET', '/simple/silent/', (ctx) => silent(ctx)))
      const reader = new IndexReader(`${index.url}/simple`)
      s.capture()
      const big = (await reader.files('endless').catch((e: unknown) => e)) as Error
      expect(big.message).toContain(
        `on ${index.host}: the answer is larger than expected (at most ${JSON_MAX_BYTES} bytes of JSON or HTML)`
      )
      expect(index.seen[0].sent).toBeGreaterThan(JSON_MAX_BYTES)
      expect(index.seen[0].sent).toBeLessThan(JSON_MAX_BYTES + 8 * 1024 * 1024)
      expect(s.seconds()).toBeLessThan(documented('apiTotal'))
      const quietFor = stopwatch()
      const quiet = (await reader.files('silent').catch((e: unknown) => e)) as Error
      expect(quiet.message).toContain(`GET /simple/silent/ on ${index.host} timed out`)
      expect(quietFor()).toBeLessThan(documented('apiTotal') + SLACK_S)
      expect(index.seen.filter((x) => x.path === '/simple/silent/').length).toBeGreaterThan(1)
      expect(s.wroteOutside()).toEqual([])
    })
  })
})
