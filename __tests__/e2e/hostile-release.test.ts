/**
 * The release's reads from hostile servers: names, workflow commands, shapes and where the staging token
 * goes (harness/hostile-staging.ts: the anaconda.org test server behind a hostile proxy, another origin
 * that records what reaches it). Each case checks what the servers saw (so it cannot pass because nothing
 * ran), that the token reached no other origin and no output, that nothing was written outside the run's
 * directories, and the time against the documented bound (harness/bounds.ts, scaled by
 * DIPY_WHEELS_TIME_SCALE). The silences and endless bodies are in hostile-release-bounds.test.ts.
 */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { downloadStaged } from '../../src/release/staging.js'
import { documented } from '../harness/bounds.js'
import { hostileStaging, stagedBytes, workflowCommands as commands } from '../harness/hostile-staging.js'
import { climbingName, decoyEntries } from '../harness/run-dirs.js'
import { at } from '../servers/hostile.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = '0.02'

const TOKEN = 'stageReadWrite1'
const OWNER = 'hostile0'
const s = hostileStaging(TOKEN, OWNER, '2.0.0')
const VALID = 'relpkg-2.0.0-cp311-cp311-manylinux_2_28_x86_64.whl'
const LISTING = `/release/${OWNER}/relpkg/2.0.0`

/** The listing only: what the server saw of a case refused at the door. */
const onlyListed = (): void =>
  expect(s.api.seen.map((x) => `${x.method} ${x.path}`)).toEqual([`GET ${LISTING}`])

describe('hostile servers: the release', () => {
  it('control: an honest server gives the staged set, byte for byte, the token only to the API', async () => {
    s.capture()
    const records = await s.list()
    expect(records.map((r) => r.basename).sort()).toEqual(s.files.map((f) => path.basename(f)).sort())
    for (const r of records) {
      const got = await downloadStaged(r, { apiUrl: s.api.url, token: TOKEN })
      expect(got.data.equals(stagedBytes(s, r.basename))).toBe(true)
    }
    expect(s.api.seen.filter((x) => x.path.startsWith('/download/'))).toHaveLength(s.files.length)
    expect(s.api.seen.every((x) => x.auth === `token ${TOKEN}`)).toBe(true)
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    // One listing, then each download one after the other.
    expect(s.seconds()).toBeLessThan(documented('apiTotal') + s.files.length * documented('transferTotal'))
  })

  it('a record named with a path is refused, naming server and record, before any download', async () => {
    const climbing = climbingName(s.sb, 'relpkg-2.0.0-cp311-cp311-manylinux', VALID)
    s.listing((d) => d.map((r) => (r.basename === VALID ? { ...r, basename: climbing } : r)))
    s.capture()
    const err = (await s.list().catch((e: unknown) => e)) as Error
    expect(err.message).toMatch(
      new RegExp(
        `^anaconda\\.org at ${s.api.url.replace(/\./g, '\\.')} \\(release ${OWNER}/relpkg/2\\.0\\.0\\) sent the record distributions\\[\\d\\] whose file name .* holds a path separator`
      )
    )
    onlyListed()
    s.tokenStayedHome()
    expect(decoyEntries(s.sb)).toEqual(['keep.txt'])
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(documented('apiTotal'))
  })

  it('a record whose name carries a workflow command is refused, and the error carries no command', async () => {
    s.listing((d) =>
      d.map((r) =>
        r.basename === VALID ? { ...r, basename: `${VALID}\n::warning::pwned\r::add-mask::x` } : r
      )
    )
    s.capture()
    const err = (await s.list().catch((e: unknown) => e)) as Error
    expect(err.message).toContain('holds a control character')
    expect(commands(err.message)).toEqual([])
    expect(commands(s.out.join(''))).toEqual([])
    onlyListed()
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(documented('apiTotal'))
  })

  it('a 503 body with workflow commands is logged inert on each retry', async () => {
    s.api.rules.push(
      at('GET', `/release/`, (ctx) => ctx.send(503, 'down\n::warning::pwned\r\n::add-mask::x\n##[error]y'))
    )
    s.capture()
    const err = (await s.list().catch((e: unknown) => e)) as Error
    const retries = s.out
      .join('')
      .split('\n')
      .filter((l) => l.includes('failed (attempt'))
    expect(retries.length).toBeGreaterThan(2)
    expect(retries[0]).toContain(
      '503: down\\n::warning::pwned\\r\\n::add-mask::x\\n##\\[error]y; trying again'
    )
    expect(commands(s.out.join(''))).toEqual([])
    expect(commands(err.message)).toEqual([])
    // Each retry the log reports is a request the server answered.
    expect(s.api.seen.filter((x) => x.path === LISTING)).toHaveLength(retries.length + 1)
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(documented('apiTotal')) // attempts and waits counted together
  })

  it("a record's download URL on another origin is fetched without the token", async () => {
    const data = stagedBytes(s, VALID)
    s.elsewhere.rules.push(at('GET', '/blob', (ctx) => ctx.send(200, data)))
    s.listing((d) =>
      d.map((r) => (r.basename === VALID ? { ...r, download_url: `${s.elsewhere.url}/blob` } : r))
    )
    s.capture()
    const rec = (await s.list()).find((r) => r.basename === VALID)!
    const got = await downloadStaged(rec, { apiUrl: s.api.url, token: TOKEN })
    expect(got.data.equals(data)).toBe(true)
    expect(s.elsewhere.seen.map((x) => `${x.path} ${x.auth}`)).toEqual(['/blob undefined'])
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(documented('apiTotal') + documented('transferTotal'))
  })

  it('a redirect from the API to another origin is followed without the token', async () => {
    const data = stagedBytes(s, VALID)
    s.elsewhere.rules.push(at('GET', '/storage', (ctx) => ctx.send(200, data)))
    s.api.rules.push(
      at('GET', '/download/', (ctx) => ctx.send(302, '', { Location: `${s.elsewhere.url}/storage/x?sig=1` }))
    )
    s.capture()
    const rec = (await s.list()).find((r) => r.basename === VALID)!
    await downloadStaged(rec, { apiUrl: s.api.url, token: TOKEN })
    expect(s.api.seen.find((x) => x.path.startsWith('/download/'))?.auth).toBe(`token ${TOKEN}`)
    expect(s.elsewhere.seen.map((x) => `${x.path} ${x.auth}`)).toEqual(['/storage/x?sig=1 undefined'])
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(documented('apiTotal') + documented('transferTotal'))
  })

  it('a null record is an error naming the server and the field', async () => {
    s.listing((d) => [...d, null])
    s.capture()
    await expect(s.list()).rejects.toThrow(
      new RegExp(
        `^anaconda\\.org at .* \\(release ${OWNER}/relpkg/2\\.0\\.0\\): distributions\\[${s.files.length}\\] is null, expected an object`
      )
    )
    onlyListed()
    s.api.rules.length = 0
    s.listing((d) => d.map((r) => ({ ...r, size: '12' })))
    await expect(s.list()).rejects.toThrow(
      /distributions\[\d\]\.size is string, expected a non-negative integer/
    )
    expect(s.api.seen.filter((x) => x.path === LISTING)).toHaveLength(2)
    s.tokenStayedHome()
    expect(s.wroteOutside()).toEqual([])
    expect(s.seconds()).toBeLessThan(2 * documented('apiTotal'))
  })
})
