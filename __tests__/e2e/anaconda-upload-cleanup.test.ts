/**
 * What a failed upload leaves on the channel, against the fake anaconda.org: the empty release (and package)
 * it created is removed as anaconda-client's Uploader.cleanup does; keep-versions steps over an empty
 * release instead of refusing on every later run; a replace whose published file is corrupt goes ahead.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { uploadAll, type BatchOptions } from '../../src/publish/anaconda/batch.js'
import { makeWheel, type WheelSpec } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const W = 'tokCleanup1'
let server: AnacondaServer
let tmp: string
let orgCount = 0
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [W]: { login: 'uploader', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 10 }, (_, i) => `clean${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cleanup-'))
})
afterEach(() => server.setFaults(undefined))
afterAll(async () => {
  await server?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const newOrg = (): string => `clean${orgCount++}`
const wheel = (spec: WheelSpec): Promise<string> => makeWheel(fs.mkdtempSync(path.join(tmp, 'w-')), spec)
const since = (n: number): string[] =>
  server.requests.slice(n).map((r) => `${r.method} ${r.path} ${r.status}`)
const failS3 = (): void =>
  server.setFaults({ rate: 1, kinds: ['5xx'], match: (_m, p) => p.startsWith('/s3/') })

function opts(owner: string, over: Partial<BatchOptions> = {}) {
  const warnings: string[] = []
  const o: BatchOptions = {
    apiUrl: server.url,
    token: W,
    owner,
    labels: ['main'],
    ifExists: 'replace',
    dryRun: false,
    keepVersions: 0,
    keepDir: path.join(tmp, 'keep'),
    http: { attempts: 2, timeoutMs: 5000 },
    rounds: 1,
    warn: (l) => warnings.push(l),
    ...over
  }
  return { o, warnings }
}

/** The package as the server lists it (GET /package), or 404. */
async function listing(owner: string, name: string) {
  const res = await fetch(`${server.url}/package/${owner}/${name}`)
  if (res.status === 404) return 404
  const body = (await res.json()) as { releases: Array<{ version: string; distributions: string[] }> }
  return body.releases.map((r) => `${r.version}:${r.distributions.length}`)
}

describe('after a failed upload', () => {
  it('removes the release and the package it created, as anaconda-client does', async () => {
    const owner = newOrg()
    const file = await wheel({ name: 'dipy', version: '1.0.dev1' })
    failS3()
    const start = server.requests.length
    const r = await uploadAll([file], opts(owner).o)
    expect(r.failures).toHaveLength(1)
    expect(since(start).slice(-4)).toEqual([
      `GET /release/${owner}/dipy/1.0.dev1 200`,
      `DELETE /release/${owner}/dipy/1.0.dev1 201`,
      `GET /package/${owner}/dipy 200`,
      `DELETE /package/${owner}/dipy 201`
    ])
    expect(await listing(owner, 'dipy')).toBe(404)
  })

  it('keeps a package that existed before, and the releases that hold files', async () => {
    const owner = newOrg()
    const first = await wheel({ name: 'dipy', version: '1.0.dev1' })
    expect((await uploadAll([first], opts(owner).o)).failures).toEqual([])
    failS3()
    const start = server.requests.length
    const r = await uploadAll([await wheel({ name: 'dipy', version: '1.0.dev2' })], opts(owner).o)
    expect(r.failures).toHaveLength(1)
    const after = since(start)
    expect(after).toContain(`DELETE /release/${owner}/dipy/1.0.dev2 201`)
    expect(after.some((l) => l.startsWith('DELETE /package/'))).toBe(false)
    expect(await listing(owner, 'dipy')).toEqual(['1.0.dev1:1'])
  })

  it('the next nightly with keep-versions cleans up as usual, stepping over an empty release left behind', async () => {
    const owner = newOrg()
    for (const v of ['1.0.dev1', '1.0.dev2']) {
      expect((await uploadAll([await wheel({ name: 'dipy', version: v })], opts(owner).o)).failures).toEqual(
        []
      )
    }
    // An empty release left by an older client's failed upload (or by hand).
    const made = await fetch(`${server.url}/release/${owner}/dipy/1.0.dev3`, {
      method: 'POST',
      headers: { Authorization: `token ${W}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ requirements: [], announce: null, description: null, version: '1.0.dev3' })
    })
    expect(made.status).toBe(200)
    // A failed upload of dev4 (cleaned up), then a good one of dev5 with keep-versions 1.
    failS3()
    expect(
      (await uploadAll([await wheel({ name: 'dipy', version: '1.0.dev4' })], opts(owner).o)).failures
    ).toHaveLength(1)
    server.setFaults(undefined)
    expect(await listing(owner, 'dipy')).toEqual(['1.0.dev1:1', '1.0.dev2:1', '1.0.dev3:0'])
    const { o, warnings } = opts(owner, { keepVersions: 1 })
    const r = await uploadAll([await wheel({ name: 'dipy', version: '1.0.dev5' })], o)
    expect(r.failures).toEqual([])
    expect(r.cleanup[0].removed).toEqual(['1.0.dev1', '1.0.dev2'])
    expect(warnings).toEqual([
      `keep-versions: release ${owner}/dipy/1.0.dev3 lists no files (an upload that failed?); skipped, not counted. ` +
        `Remove it with: anaconda remove ${owner}/dipy/1.0.dev3`
    ])
    expect(await listing(owner, 'dipy')).toEqual(['1.0.dev3:0', '1.0.dev5:1'])
  })
})

describe('replace', () => {
  const spec = { name: 'dipy', version: '1.1.0.dev0', tag: 'cp312-cp312-manylinux_2_28_x86_64' }

  it('goes ahead with a warning when the published file is corrupt', async () => {
    const owner = newOrg()
    const old = await wheel({ ...spec, module: 'OLD = 1\n' })
    expect((await uploadAll([old], opts(owner).o)).failures).toEqual([])
    server.files(owner)[0].data.fill(0) // storage now serves zeros under the listed sha256
    const fresh = await wheel({ ...spec, module: 'NEW = 2\n' })
    const { o, warnings } = opts(owner)
    const r = await uploadAll([fresh], o)
    expect(r.failures).toEqual([])
    expect(r.outcomes[0].status).toBe('replaced')
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(
      /the published file on clean\d+ downloaded with sha256 [0-9a-f]{64}, not the [0-9a-f]{64} the server lists \(corrupt\)/
    )
    expect(server.files(owner)[0].data.equals(fs.readFileSync(fresh))).toBe(true)
  })

  it('still refuses when the published file cannot be fetched for a network reason (it may be good)', async () => {
    const owner = newOrg()
    const old = await wheel({ ...spec, module: 'OLD = 1\n' })
    expect((await uploadAll([old], opts(owner).o)).failures).toEqual([])
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (m, p) => m === 'GET' && p.startsWith('/download/') })
    const r = await uploadAll([await wheel({ ...spec, module: 'NEW = 2\n' })], opts(owner).o)
    expect(r.failures).toHaveLength(1)
    expect(server.files(owner)[0].data.equals(fs.readFileSync(old))).toBe(true)
  })
})
