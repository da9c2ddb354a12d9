/**
 * Our anaconda.org client against the fake server: exact bytes on the server, the §1.2 request sequence,
 * fault injection, auth errors. (if-exists and the replace: anaconda-upload-if-exists; keep-versions and
 * dry run: anaconda-upload-dry-run.)
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { uploadAll } from '../../src/publish/anaconda/batch.js'
import { anacondaUploadSuite, READ_ONLY } from '../harness/anaconda-upload-suite.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const suite = anacondaUploadSuite()
const { newOrg, wheels, opts, onServer, expectExact, since } = suite
let server: AnacondaServer
beforeAll(() => {
  server = suite.server
})

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
