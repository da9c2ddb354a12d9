/**
 * Our anaconda.org client over a batch: package and release looked up once per run (as anaconda-client
 * caches them), looked up again when they vanished under it, and the build's sha256 reused for the stage.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readWheel, uploadAll, type BatchOptions } from '../../src/publish/anaconda/batch.js'
import { AnacondaClient } from '../../src/publish/anaconda/client.js'
import { putFile } from '../../src/publish/anaconda/upload.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const W = 'tokBatchWrite1'
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const TAGS = ['cp311-cp311-manylinux_2_28_x86_64', 'cp312-cp312-manylinux_2_28_x86_64', 'py3-none-any']

let server: AnacondaServer
let tmp: string
let orgCount = 0
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [W]: { login: 'uploader', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 10 }, (_, i) => `batch${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-upload-batch-'))
})
afterAll(async () => {
  await server?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const newOrg = (): string => `batch${orgCount++}`

function opts(owner: string, over: Partial<BatchOptions> = {}): BatchOptions {
  return {
    apiUrl: server.url,
    token: W,
    owner,
    labels: ['main'],
    ifExists: 'fail',
    dryRun: false,
    keepVersions: 0,
    keepDir: path.join(tmp, 'keep'),
    http: { attempts: 3, timeoutMs: 5000 },
    ...over
  }
}

async function wheels(version: string, sizeBytes = 50_000): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(tmp, 'w-'))
  return Promise.all(TAGS.map((tag) => makeWheel(dir, { name: 'dipy', version, tag, sizeBytes })))
}

const since = (n: number): string[] =>
  server.requests.slice(n).map((r) => `${r.method} ${r.path.split('/').slice(0, 2).join('/')} ${r.status}`)
const count = (seq: string[], line: string): number => seq.filter((l) => l === line).length

describe('a batch of wheels of one name and version', () => {
  it('looks package and release up once, with every per-file step still made', async () => {
    const owner = newOrg()
    const files = await wheels('2.0.0')
    const start = server.requests.length
    const r = await uploadAll(files, opts(owner, { concurrency: 3 }))
    expect(r.failures).toEqual([])
    const seq = since(start)
    expect(count(seq, 'GET /package 404')).toBe(1)
    expect(count(seq, 'POST /package 200')).toBe(1)
    expect(count(seq, 'GET /release 404')).toBe(1)
    expect(count(seq, 'POST /release 200')).toBe(1)
    for (const step of ['GET /dist 404', 'POST /stage 200', 'POST /s3 201', 'POST /commit 200']) {
      expect(count(seq, step), step).toBe(files.length)
    }
    const stored = new Map(server.files(owner).map((f) => [f.basename, f]))
    for (const f of files) expect(stored.get(path.basename(f))!.data.equals(fs.readFileSync(f))).toBe(true)
  })

  it('looks them up again when the release vanished after it was looked up (stage → 404)', async () => {
    const owner = newOrg()
    const [a, b] = await wheels('2.1.0')
    const client = new AnacondaClient({ apiUrl: server.url, token: W, attempts: 2 })
    const wa = await readWheel(a)
    await client.ensurePackageAndRelease(owner, wa)
    // Another process removes the (empty) release: the cached look-up is now stale.
    const del = await fetch(`${server.url}/release/${owner}/dipy/2.1.0`, {
      method: 'DELETE',
      headers: { Authorization: `token ${W}` }
    })
    expect(del.status).toBe(201)
    const start = server.requests.length
    const lines: string[] = []
    await putFile(client, await readWheel(b), owner, ['main'], { log: (l) => lines.push(l) })
    const seq = since(start)
    expect(seq.slice(0, 2)).toEqual(['POST /stage 404', 'GET /dist 404'])
    expect(seq).toContain('POST /release 200')
    expect(lines.join('\n')).toMatch(/round 1 of 3 failed/)
    expect(server.files(owner).map((f) => f.basename)).toEqual([path.basename(b)])
    await putFile(client, wa, owner, ['main'], {})
    expect(server.files(owner)).toHaveLength(2)
  })
})

describe("the build's sha256", () => {
  it('is sent to stage as recorded, and the server finds it matches the bytes', async () => {
    const owner = newOrg()
    const files = await wheels('3.0.0')
    const records = files.map((f) => {
      const data = fs.readFileSync(f)
      return { path: f, size: data.length, sha256: sha256(data) }
    })
    const r = await uploadAll(records, opts(owner))
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => o.sha256).sort()).toEqual(records.map((x) => x.sha256).sort())
    for (const f of server.files(owner)) {
      expect(f.sha256).toBe(sha256(f.data))
    }
  })

  it('is not trusted for a file whose size changed since the build', async () => {
    const owner = newOrg()
    const [file] = await wheels('3.1.0')
    const data = fs.readFileSync(file)
    const r = await uploadAll([{ path: file, size: data.length - 1, sha256: sha256(data) }], opts(owner))
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0].message).toMatch(/changed since/)
    expect(server.files(owner)).toEqual([])
  })

  it('that does not match the bytes makes the commit fail: nothing is published', async () => {
    const owner = newOrg()
    const [file] = await wheels('3.2.0')
    const size = fs.statSync(file).size
    const r = await uploadAll([{ path: file, size, sha256: '0'.repeat(64) }], opts(owner))
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0].message).toMatch(/sha256 of the uploaded file .* does not match/)
    expect(server.files(owner)).toEqual([])
  })
})

describe('the server and owner checks, sent together with the first reads', () => {
  const writes = (n: number): string[] =>
    since(n).filter((l) => !/^(GET|HEAD) /.test(l) && !l.endsWith(' -1'))

  it('an owner that does not exist: its own error, and nothing written', async () => {
    const files = await wheels('4.0.0')
    const start = server.requests.length
    await expect(uploadAll(files, opts('nobody-here'))).rejects.toThrow(
      `User "nobody-here" does not exist on ${server.url}: check the channel input.`
    )
    expect(writes(start)).toEqual([])
  })

  it('an API URL that is not the API (HEAD / → 404): its own error, and nothing written', async () => {
    const files = await wheels('4.1.0')
    const start = server.requests.length
    const wrong = `${server.url}/not-the-api`
    await expect(uploadAll(files, opts(newOrg(), { apiUrl: wrong }))).rejects.toThrow(
      `API server is unavailable at ${wrong}. Please check the anaconda-url input.`
    )
    expect(writes(start)).toEqual([])
  })
})
