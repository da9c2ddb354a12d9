/**
 * Answers lost AFTER the server acted (the fake's own faults strike before it acts): a proxy in front of
 * the fake anaconda.org forwards a request, lets the server do it, then cuts the connection instead of
 * answering. Every step of the upload must be safe to repeat.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uploadAll, type BatchOptions } from '../../src/publish/anaconda/batch.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

interface LossyProxy {
  url: string
  /** Requests whose answer was cut, as "METHOD path". */
  cut: string[]
  close(): Promise<void>
}

/**
 * Forwards everything to `target` (URLs in answers rewritten to point back at the proxy, so the S3 POST
 * comes through it too); the first request matching each rule gets no answer, after `onCut` ran.
 */
async function lossyProxy(
  target: string,
  rules: Array<(method: string, p: string) => boolean>,
  onCut: (method: string, p: string) => Promise<void> = async () => {}
): Promise<LossyProxy> {
  const pending = [...rules]
  const cut: string[] = []
  let self = ''
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const method = req.method ?? 'GET'
      const p = req.url ?? '/'
      const up = http.request(
        new URL(p, target),
        { method, headers: { ...req.headers, host: new URL(target).host } },
        (answer) => {
          const body: Buffer[] = []
          answer.on('data', (c: Buffer) => body.push(c))
          answer.on('end', () => {
            const i = pending.findIndex((rule) => rule(method, p))
            if (i >= 0) {
              pending.splice(i, 1)
              cut.push(`${method} ${p.split('/').slice(0, 2).join('/')}`)
              void onCut(method, p).then(() => req.socket.destroy())
              return
            }
            let data = Buffer.concat(body)
            if (/json/.test(String(answer.headers['content-type']))) {
              data = Buffer.from(data.toString('utf8').split(target).join(self))
            }
            const headers = { ...answer.headers, 'content-length': String(data.length) }
            res.writeHead(answer.statusCode ?? 502, headers)
            res.end(data)
          })
        }
      )
      up.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: self,
    cut,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections()
        server.close(() => r())
      })
  }
}

let server: AnacondaServer
let tmp: string
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { tokW: { login: 'uploader', scopes: ['api:read', 'api:write'] } },
    orgs: ['lost1', 'lost2', 'lost3']
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-lost-'))
})
afterAll(async () => {
  await server?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

function opts(apiUrl: string, owner: string, over: Partial<BatchOptions> = {}): BatchOptions {
  return {
    apiUrl,
    token: 'tokW',
    owner,
    labels: ['main'],
    ifExists: 'replace',
    dryRun: false,
    keepVersions: 0,
    keepDir: path.join(tmp, 'keep'),
    http: { attempts: 4, timeoutMs: 5000 },
    ...over
  }
}

const post = (what: string) => (m: string, p: string) => m === 'POST' && p.startsWith(`/${what}/`)

describe('lost answers', () => {
  it('package, release, S3 and commit done but unanswered: the upload completes, the file is there once', async () => {
    const proxy = await lossyProxy(server.url, [post('package'), post('release'), post('s3'), post('commit')])
    try {
      const dir = fs.mkdtempSync(path.join(tmp, 'w-'))
      const file = await makeWheel(dir, { name: 'dipy', version: '1.0.dev1', sizeBytes: 50_000 })
      const r = await uploadAll([file], opts(proxy.url, 'lost1'))
      expect(r.failures).toEqual([])
      expect(proxy.cut).toEqual(['POST /package', 'POST /release', 'POST /s3', 'POST /commit'])
      const stored = server.files('lost1')
      expect(stored.map((f) => f.basename)).toEqual([path.basename(file)])
      expect(stored[0].sha256).toBe(sha256(fs.readFileSync(file)))
    } finally {
      await proxy.close()
    }
  })

  it('a replace whose DELETE and commit go unanswered still ends with the new file only', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'w-'))
    const old = await makeWheel(path.join(dir, 'a'), { name: 'dipy', version: '1.0.dev2', summary: 'old' })
    const next = await makeWheel(path.join(dir, 'b'), { name: 'dipy', version: '1.0.dev2', summary: 'new' })
    expect((await uploadAll([old], opts(server.url, 'lost2'))).failures).toEqual([])
    const proxy = await lossyProxy(server.url, [
      (m, p) => m === 'DELETE' && p.startsWith('/dist/'),
      post('commit')
    ])
    try {
      const r = await uploadAll([next], opts(proxy.url, 'lost2'))
      expect(r.failures).toEqual([])
      expect(r.outcomes.map((o) => o.status)).toEqual(['replaced'])
      expect(proxy.cut).toEqual(['DELETE /dist', 'POST /commit'])
      const stored = server.files('lost2')
      expect(stored).toHaveLength(1)
      expect(stored[0].sha256).toBe(sha256(fs.readFileSync(next)))
    } finally {
      await proxy.close()
    }
  })

  it('a stage answer lost while another upload of different content lands: refused, theirs kept', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'w-'))
    const mine = await makeWheel(path.join(dir, 'a'), { name: 'dipy', version: '1.0.dev3', summary: 'mine' })
    const theirs = await makeWheel(path.join(dir, 'b'), {
      name: 'dipy',
      version: '1.0.dev3',
      summary: 'theirs'
    })
    // While our stage's answer is held back (then lost), their upload goes straight to the server.
    const proxy = await lossyProxy(server.url, [post('stage')], async () => {
      expect((await uploadAll([theirs], opts(server.url, 'lost3', { ifExists: 'fail' }))).failures).toEqual(
        []
      )
    })
    try {
      const r = await uploadAll([mine], opts(proxy.url, 'lost3', { ifExists: 'fail' }))
      expect(proxy.cut).toEqual(['POST /stage'])
      expect(r.failures.map((f) => f.message)).toEqual([
        expect.stringMatching(
          /^dipy-1\.0\.dev3-py3-none-any\.whl appeared on lost3 with different content \(sha256 [0-9a-f]{64}\) while uploading/
        )
      ])
      expect(server.files('lost3').map((f) => f.sha256)).toEqual([sha256(fs.readFileSync(theirs))])
    } finally {
      await proxy.close()
    }
  })
})
