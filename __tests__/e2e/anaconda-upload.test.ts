/**
 * Our anaconda.org client against the fake server: exact bytes on the server, the §1.2 request sequence,
 * if-exists modes, a replace whose upload fails, fault injection, auth errors, keep-versions, dry run.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uploadAll, type BatchOptions } from '../../src/publish/anaconda/batch.js'
import { makeWheel, type WheelSpec } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const W = 'tokWrite1'
const READ_ONLY = 'tokRead1'
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

let server: AnacondaServer
let tmp: string
let orgCount = 0
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: {
      [W]: { login: 'uploader', scopes: ['api:read', 'api:write'] },
      [READ_ONLY]: { login: 'reader', scopes: ['api:read'] }
    },
    orgs: Array.from({ length: 20 }, (_, i) => `org${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-upload-'))
})
afterAll(async () => {
  await server?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** A fresh organisation per test, so tests do not see each other's files. */
const newOrg = (): string => `org${orgCount++}`

async function wheels(specs: WheelSpec[], dir = fs.mkdtempSync(path.join(tmp, 'w-'))): Promise<string[]> {
  return Promise.all(specs.map((s) => makeWheel(dir, s)))
}

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
    http: { attempts: 6, timeoutMs: 5000 },
    ...over
  }
}

/** The server's copy of each file, by basename. */
function onServer(owner: string): Map<string, { sha256: string; data: Buffer; labels: string[] }> {
  return new Map(server.files(owner).map((f) => [f.basename, f]))
}

function expectExact(owner: string, files: string[]): void {
  const stored = onServer(owner)
  expect([...stored.keys()].sort()).toEqual(files.map((f) => path.basename(f)).sort())
  for (const f of files) {
    const data = fs.readFileSync(f)
    const s = stored.get(path.basename(f))!
    expect(s.data.equals(data), path.basename(f)).toBe(true)
    expect(s.sha256).toBe(sha256(data))
  }
}

const since = (n: number): string[] =>
  server.requests.slice(n).map((r) => `${r.method} ${r.path} ${r.status}`)

describe('upload', () => {
  it('sends the anaconda-client 1.14 sequence and the server holds the exact bytes', async () => {
    const owner = newOrg()
    const [file] = await wheels([
      { name: 'Demo_Pkg', version: '1.2.0.dev0+git20240101.abc123', sizeBytes: 300_000 }
    ])
    const start = server.requests.length
    const r = await uploadAll([file], opts(owner, { labels: ['dev'] }))
    expect(r.failures).toEqual([])
    const base = path.basename(file).replace(/\+/g, '%2B')
    const seq = since(start).map((l) => l.replace(/\/s3\/upload\/\S+/, '/s3/upload/ID'))
    // anaconda-client's five reads, sent together (none needs another's answer), then its writes in order.
    expect(seq.slice(0, 5).sort()).toEqual([
      `GET /dist/${owner}/Demo_Pkg/1.2.0.dev0%2Bgit20240101.abc123/${base} 404`,
      `GET /package/${owner}/Demo_Pkg 404`,
      `GET /release/${owner}/Demo_Pkg/1.2.0.dev0%2Bgit20240101.abc123 404`,
      `GET /user/${owner} 200`,
      'HEAD / 200'
    ])
    expect(seq.slice(5)).toEqual([
      `POST /package/${owner}/Demo_Pkg 200`,
      `POST /release/${owner}/Demo_Pkg/1.2.0.dev0%2Bgit20240101.abc123 200`,
      `POST /stage/${owner}/Demo_Pkg/1.2.0.dev0%2Bgit20240101.abc123/${base} 200`,
      'POST /s3/upload/ID 201',
      `POST /commit/${owner}/Demo_Pkg/1.2.0.dev0%2Bgit20240101.abc123/${base} 200`
    ])
    expectExact(owner, [file])
    expect(onServer(owner).get(path.basename(file))!.labels).toEqual(['dev'])
    // The reported URL downloads the same bytes.
    expect(r.outcomes[0].status).toBe('uploaded')
    const got = Buffer.from(await (await fetch(r.outcomes[0].url!)).arrayBuffer())
    expect(got.equals(fs.readFileSync(file))).toBe(true)
  })

  it('uploads several wheels concurrently, each once', async () => {
    const owner = newOrg()
    const files = await wheels(
      [
        'cp311-cp311-manylinux_2_28_x86_64',
        'cp312-cp312-manylinux_2_28_x86_64',
        'cp312-cp312-win_amd64',
        'py3-none-any',
        'cp313-cp313-macosx_11_0_arm64'
      ].map((tag) => ({ name: 'dipy', version: '1.10.0', tag, sizeBytes: 100_000 }))
    )
    const start = server.requests.length
    const r = await uploadAll(files, opts(owner))
    expect(r.failures).toEqual([])
    expectExact(owner, files)
    expect(since(start).filter((l) => l.startsWith('POST /commit/'))).toHaveLength(files.length)
  })
})

describe('if-exists', () => {
  const spec = { name: 'dipy', version: '1.9.0', tag: 'cp312-cp312-manylinux_2_28_x86_64' }
  async function published(owner: string): Promise<{ old: string; next: string }> {
    const [old] = await wheels([{ ...spec, summary: 'old build' }])
    const [next] = await wheels([{ ...spec, summary: 'new build' }])
    expect(sha256(fs.readFileSync(old))).not.toBe(sha256(fs.readFileSync(next)))
    expect((await uploadAll([old], opts(owner))).failures).toEqual([])
    return { old, next }
  }

  it('fail: refuses, names the file and the fix, changes nothing', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    const start = server.requests.length
    const r = await uploadAll([next], opts(owner, { ifExists: 'fail' }))
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0].message).toMatch(/already exists on org\d+ .*Set if-exists: replace .* or skip/)
    expect(since(start).filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
    expectExact(owner, [old])
  })

  it('skip: keeps the published file', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    const r = await uploadAll([next], opts(owner, { ifExists: 'skip' }))
    expect(r.outcomes.map((o) => o.status)).toEqual(['skipped'])
    expectExact(owner, [old])
  })

  it('replace: the new file replaces the old; the same file again is left alone', async () => {
    const owner = newOrg()
    const { next } = await published(owner)
    const r = await uploadAll([next], opts(owner, { ifExists: 'replace' }))
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => o.status)).toEqual(['replaced'])
    expectExact(owner, [next])
    const start = server.requests.length
    const again = await uploadAll([next], opts(owner, { ifExists: 'replace' }))
    expect(again.outcomes.map((o) => o.status)).toEqual(['unchanged'])
    expect(since(start).filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
  })

  it('replace whose upload fails on S3 puts the old wheel back, downloadable with its old sha256', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    // Every S3 POST of the new file fails (2 attempts × 2 rounds); the restore's go through.
    let s3Posts = 0
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (m, p) => p.startsWith('/s3/') && ++s3Posts <= 4 })
    const start = server.requests.length
    try {
      const r = await uploadAll(
        [next],
        opts(owner, { ifExists: 'replace', rounds: 2, http: { attempts: 2 } })
      )
      expect(r.failures).toHaveLength(1)
      expect(r.failures[0].message).toMatch(
        /^Replacing .* failed: POST \/s3\/upload\/\S+ → 503: SlowDown: .*The previous file \(sha256 [0-9a-f]{64}\) was put back\.$/
      )
    } finally {
      server.setFaults(undefined)
    }
    const seq = since(start)
    expect(seq.filter((l) => l.startsWith('DELETE /dist/'))).toHaveLength(1)
    expect(seq.filter((l) => /^POST \/s3\/\S+ 503$/.test(l))).toHaveLength(4)
    expectExact(owner, [old])
    const stored = server.files(owner)[0]
    const url = `${server.url}/download/${owner}/dipy/1.9.0/${stored.basename}`
    const got = Buffer.from(await (await fetch(url)).arrayBuffer())
    expect(sha256(got)).toBe(sha256(fs.readFileSync(old)))
  })
})

describe('under faults', () => {
  it.each(['5xx', 'drop', 'delay'] as const)(
    'a third of requests failing by %s: 6 wheels each arrive exactly once with the right sha256',
    async (kind) => {
      const owner = newOrg()
      const files = await wheels(
        Array.from({ length: 6 }, (_, i) => ({
          name: 'dipy',
          version: `1.11.0.dev${i % 2}`,
          tag: `cp31${i}-cp31${i}-linux_x86_64`,
          sizeBytes: 150_000
        }))
      )
      // The same upload without faults, for the request count.
      const clean = server.requests.length
      expect((await uploadAll(files, opts(newOrg()))).failures).toEqual([])
      const baseline = server.requests.length - clean
      // delay: longer than the client's timeout, so each delayed request times out (and is answered later).
      server.setFaults({ rate: 0.3, kinds: [kind], delayMs: 400, seed: 1234 })
      const start = server.requests.length
      let r
      try {
        r = await uploadAll(
          files,
          opts(owner, { http: { attempts: 8, timeoutMs: 250, transferTimeoutMs: 250 } })
        )
      } finally {
        server.setFaults(undefined)
      }
      expect(r.failures).toEqual([])
      expectExact(owner, files)
      const seq = since(start)
      // The faults did happen.
      if (kind === '5xx') expect(seq.filter((l) => / 503$/.test(l)).length).toBeGreaterThan(3)
      if (kind === 'drop') expect(seq.filter((l) => / -1$/.test(l)).length).toBeGreaterThan(3)
      expect(seq.length).toBeGreaterThan(baseline + 3)
      // Each file was committed once per successful commit: one stored copy each, nothing duplicated.
      expect(server.files(owner)).toHaveLength(6)
      const faulted = seq.filter((l) => / (503|-1)$/.test(l)).length
      console.log(
        `fault injection ${kind} at 30%: ${seq.length} requests (${baseline} without faults), ` +
          `${kind === 'delay' ? 'timed out and retried' : `${faulted} failed`}; 6 of 6 wheels stored once, sha256 exact`
      )
    }
  )
})

describe('auth', () => {
  it.each([
    ['no token', undefined, /→ 401: Authorization header was not given\. Check the token/],
    ['a wrong token', 'tokWrong9', /→ 401: Authorization token is no longer valid\. Check the token/],
    [
      'a read-only token',
      READ_ONLY,
      /→ 401: Authentication token does not have the sufficient scope .* expected: api:write\. Check the token/
    ]
  ])('%s: a clear 401 message, no file, no token in it', async (_, token, why) => {
    const owner = newOrg()
    const [file] = await wheels([{ name: 'dipy', version: '2.0.0' }])
    const run = uploadAll([file], opts(owner, { token, http: { authHint: 'Check the token input.' } }))
    const result = await run.then(
      (r) => r.failures.map((f) => f.message).join('\n'),
      (e: Error) => e.message
    )
    expect(result).toMatch(why)
    if (token) expect(result).not.toContain(token)
    expect(server.files(owner)).toEqual([])
  })
})

describe('keep-versions', () => {
  it('removes versions beyond the newest N after the upload, never the one just uploaded', async () => {
    const owner = newOrg()
    for (const v of ['1.0.dev1', '1.0.dev2', '1.0.dev3', '1.0.dev4']) {
      const r = await uploadAll(await wheels([{ name: 'dipy', version: v }]), opts(owner))
      expect(r.failures).toEqual([])
    }
    const start = server.requests.length
    const r = await uploadAll(
      await wheels([{ name: 'dipy', version: '1.0.dev5' }]),
      opts(owner, { keepVersions: 2 })
    )
    expect(r.cleanup[0].removed).toEqual(['1.0.dev1', '1.0.dev2', '1.0.dev3'])
    expect(since(start).filter((l) => l.startsWith('DELETE '))).toEqual(
      ['1.0.dev1', '1.0.dev2', '1.0.dev3'].map((v) => `DELETE /release/${owner}/dipy/${v} 201`)
    )
    expect(
      server
        .files(owner)
        .map((f) => f.version)
        .sort()
    ).toEqual(['1.0.dev4', '1.0.dev5'])
  })
})

describe('dry run', () => {
  it('reads, reports what it would upload, replace and remove, and sends no write request', async () => {
    const owner = newOrg()
    for (const v of ['3.0.dev1', '3.0.dev2', '3.0.dev3']) {
      await uploadAll(await wheels([{ name: 'dipy', version: v }]), opts(owner))
    }
    const before = server.files(owner).map((f) => `${f.basename} ${f.sha256}`)
    const files = await wheels([
      { name: 'dipy', version: '3.0.dev3', summary: 'rebuilt' },
      { name: 'dipy', version: '3.0.dev4' }
    ])
    const start = server.requests.length
    const r = await uploadAll(files, opts(owner, { dryRun: true, ifExists: 'replace', keepVersions: 2 }))
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => `${o.basename} ${o.status}`)).toEqual([
      'dipy-3.0.dev3-py3-none-any.whl would replace',
      'dipy-3.0.dev4-py3-none-any.whl would upload'
    ])
    expect(r.cleanup[0].plan.remove).toEqual(['3.0.dev1', '3.0.dev2'])
    expect(r.cleanup[0].removed).toEqual([])
    const sent = since(start)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
    expect(server.files(owner).map((f) => `${f.basename} ${f.sha256}`)).toEqual(before)
  })
})
