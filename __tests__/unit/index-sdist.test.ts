/**
 * The real-dipy harness's sdist fetch against a local package index: the Simple API page (JSON or HTML)
 * names the file and its sha256; the file is checked, cached by sha256, and never fetched twice.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { indexSdist, parseProjectPage } from '../harness/index-sdist.js'

const SDIST = Buffer.from('not really a tarball, but bytes with a known sha256\n')
// sha256 of SDIST, computed with `printf 'not really a tarball, but bytes with a known sha256\n' | sha256sum`.
const SDIST_SHA = '3e66bd97a25649c41b9cb6cacd148535ab289159de72f3352908c90b178f5d36'
const WRONG_SHA = '8f1b1c5c2d1e2f9f1a7b2f0d1c6e3f4a1e1d0b9c8a7f6e5d4c3b2a1908f7e6d5'

let server: http.Server
let base: string
let tmp: string
let page: { type: string; body: string } = { type: 'application/json', body: '{}' }
const hits: string[] = []
const savedIndex = process.env.PIP_INDEX_URL

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-index-sdist-'))
  server = http.createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`)
    if (req.url === '/simple/tiny-pkg/') {
      res.writeHead(200, { 'Content-Type': page.type }).end(page.body)
    } else if (req.url === '/files/tiny_pkg-1.0.tar.gz') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' }).end(SDIST)
    } else res.writeHead(404).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  process.env.PIP_INDEX_URL = `${base}/simple/`
})
afterAll(async () => {
  if (savedIndex === undefined) delete process.env.PIP_INDEX_URL
  else process.env.PIP_INDEX_URL = savedIndex
  await new Promise((r) => server.close(r))
  fs.rmSync(tmp, { recursive: true, force: true })
})
afterEach(() => {
  hits.length = 0
})

const json = (sha: string): { type: string; body: string } => ({
  type: 'application/vnd.pypi.simple.v1+json',
  body: JSON.stringify({
    meta: { 'api-version': '1.0' },
    name: 'tiny-pkg',
    files: [
      { filename: 'tiny_pkg-1.0-py3-none-any.whl', url: '/files/x.whl', hashes: { sha256: '0'.repeat(64) } },
      { filename: 'tiny_pkg-1.0.tar.gz', url: '../../files/tiny_pkg-1.0.tar.gz', hashes: { sha256: sha } }
    ]
  })
})

describe('indexSdist', () => {
  it('downloads the sdist the JSON page names, checks its sha256 and caches it by sha256', async () => {
    const real = SDIST_SHA
    page = json(real)
    const cache = path.join(tmp, 'json')
    const got = await indexSdist('tiny-pkg', '1.0', cache)
    expect(got).toBe(path.join(cache, real, 'tiny_pkg-1.0.tar.gz'))
    expect(fs.readFileSync(got).equals(SDIST)).toBe(true)
    expect(hits).toEqual(['GET /simple/tiny-pkg/', 'GET /files/tiny_pkg-1.0.tar.gz'])
    hits.length = 0
    expect(await indexSdist('tiny_pkg', '1.0', cache)).toBe(got)
    expect(hits).toEqual(['GET /simple/tiny-pkg/'])
  })

  it('refuses a file whose sha256 is not the one the index lists, and keeps nothing', async () => {
    page = json(WRONG_SHA)
    const cache = path.join(tmp, 'bad')
    await expect(indexSdist('tiny-pkg', '1.0', cache)).rejects.toThrow(
      /tiny_pkg-1\.0\.tar\.gz downloaded with sha256 [0-9a-f]{64}, the index says 8f1b1c5c/
    )
    expect(fs.existsSync(cache)).toBe(false)
  })

  it('reads an HTML page (PEP 503) with #sha256= fragments', async () => {
    const real = SDIST_SHA
    page = {
      type: 'text/html',
      body: `<html><body><a href="/files/tiny_pkg-1.0.tar.gz#sha256=${real}">tiny_pkg-1.0.tar.gz</a></body></html>`
    }
    const got = await indexSdist('tiny-pkg', '1.0', path.join(tmp, 'html'))
    expect(fs.readFileSync(got).equals(SDIST)).toBe(true)
  })

  it('says which page does not list the version', async () => {
    page = json('1'.repeat(64))
    await expect(indexSdist('tiny-pkg', '2.0', path.join(tmp, 'none'))).rejects.toThrow(
      `${base}/simple/tiny-pkg/ lists no sdist of tiny-pkg 2.0`
    )
  })
})

describe('parseProjectPage', () => {
  it('makes relative URLs absolute against the page', () => {
    const files = parseProjectPage(
      json('a'.repeat(64)).body,
      'application/vnd.pypi.simple.v1+json',
      `${base}/simple/tiny-pkg/`
    )
    expect(files.map((f) => f.url)).toEqual([`${base}/files/x.whl`, `${base}/files/tiny_pkg-1.0.tar.gz`])
  })
})
