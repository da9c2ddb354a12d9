/**
 * The fake anaconda.org behind its emulated link: a request costs at least its round trip, a new
 * connection one more (the handshake), bytes take their size over the bandwidth in either direction, and
 * every URL the server hands out (the S3 post_url, downloads) goes through the link too.
 */
import * as http from 'node:http'
import { performance } from 'node:perf_hooks'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { call, sha256Hex, uploadFile } from '../servers/anaconda/protocol-client.js'

const RTT = 120
const BYTES_PER_SECOND = 4 * 1024 * 1024
const TOKEN = 'tokLink1'
const OWNER = 'link-org'

let server: AnacondaServer
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [TOKEN]: { login: 'linker', scopes: ['api:read', 'api:write'] } },
    orgs: [OWNER],
    link: { rttMs: RTT, bytesPerSecond: BYTES_PER_SECOND }
  })
})
afterAll(async () => {
  await server?.close()
})

/** HEAD / over one kept-alive connection; the milliseconds of each request. */
async function heads(n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const times: number[] = []
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now()
      await new Promise<void>((resolve, reject) => {
        http
          .request(server.url, { method: 'HEAD', agent }, (res) => {
            res.resume()
            res.on('end', resolve)
          })
          .on('error', reject)
          .end()
      })
      times.push(performance.now() - t0)
    }
  } finally {
    agent.destroy()
  }
  return times
}

describe('emulated link', () => {
  it('a new connection costs the handshake and the request round trip; a kept-alive one only the request', async () => {
    const [first, second] = await heads(2)
    expect(first).toBeGreaterThanOrEqual(2 * RTT)
    expect(second).toBeGreaterThanOrEqual(RTT)
    expect(second).toBeLessThan(first)
  })

  it('the upload sequence pays a round trip per request and the file over the bandwidth; the bytes arrive exact', async () => {
    const data = randomBytes(1024 * 1024)
    const start = server.requests.length
    const t0 = performance.now()
    await uploadFile(server.url, TOKEN, OWNER, {
      name: 'linked',
      version: '1.0',
      basename: 'linked-1.0-py3-none-any.whl',
      data
    })
    const ms = performance.now() - t0
    const requests = server.requests.slice(start)
    // GET/POST package, GET/POST release, stage, S3, commit: one after the other.
    expect(requests.map((r) => `${r.method} ${r.path.split('/')[1]} ${r.status}`)).toEqual([
      'GET package 404',
      'POST package 200',
      'GET release 404',
      'POST release 200',
      'POST stage 200',
      'POST s3 201',
      'POST commit 200'
    ])
    expect(ms).toBeGreaterThanOrEqual(requests.length * RTT + (data.length / BYTES_PER_SECOND) * 1000)
    const stored = server.files(OWNER).find((f) => f.basename === 'linked-1.0-py3-none-any.whl')
    expect(stored?.sha256).toBe(sha256Hex(data))
  })

  it('hands out URLs through the link, and a download takes its bytes over the bandwidth', async () => {
    const dist = await call(server.url, 'GET', `/dist/${OWNER}/linked/1.0/linked-1.0-py3-none-any.whl`, {
      token: TOKEN
    })
    const url = String(dist.json?.download_url)
    expect(url.startsWith(`${server.url}/download/`)).toBe(true)
    const t0 = performance.now()
    const res = await fetch(url, { headers: { Authorization: `token ${TOKEN}` } })
    const body = Buffer.from(await res.arrayBuffer())
    const ms = performance.now() - t0
    expect(body.length).toBe(1024 * 1024)
    expect(ms).toBeGreaterThanOrEqual(RTT + (body.length / BYTES_PER_SECOND) * 1000)
  })
})
