/**
 * The release's staging reader against a stub that answers as anaconda.org does in the cases the test
 * server does not produce: records of old uploads whose sha256 is the string "None", a protocol-relative
 * download_url, a download answered by a redirect to storage (which must not see the API token), and two
 * records of one name.
 */
import { createHash } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { downloadStaged, listStaged } from '../../src/release/staging.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const DATA = Buffer.from('the staged bytes of an old upload')
const md5 = createHash('md5').update(DATA).digest('hex')
const TOKEN = 'stagingReadToken1'
let server: http.Server
let base = ''
const seen: Array<{ path: string; auth?: string }> = []
let records: Array<Record<string, unknown>> = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization })
    if (req.url === '/release/owner/dipy/1.0') {
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ distributions: records }))
    } else if (req.url === '/download/owner/dipy/1.0/dipy-1.0.tar.gz') {
      res.writeHead(302, { Location: `${base}/storage/blob?sig=1` }).end()
    } else if (req.url === '/storage/blob?sig=1') {
      res.writeHead(200).end(DATA)
    } else res.writeHead(404).end('{}')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const record = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  basename: 'dipy-1.0.tar.gz',
  version: '1.0',
  size: DATA.length,
  md5,
  sha256: 'None',
  labels: ['main'],
  upload_time: '2019-01-01 00:00:00+00:00',
  download_url: `//${base.slice('http://'.length)}/download/owner/dipy/1.0/dipy-1.0.tar.gz`,
  ...over
})

const opts = () => ({
  apiUrl: base,
  token: TOKEN,
  owner: 'owner',
  pkg: 'dipy',
  version: '1.0',
  labels: ['main']
})

describe('staging records', () => {
  it('an old record without sha256: checked by md5; the redirect to storage is followed without the token', async () => {
    records = [record(), record({ basename: 'dipy-1.0-py3-none-any.whl', labels: ['dev'] })]
    const [rec, ...rest] = await listStaged(opts())
    expect(rest).toEqual([]) // the dev-labelled record is not listed
    expect(rec.sha256).toBeUndefined()
    expect(rec.downloadUrl).toBe(`${base}/download/owner/dipy/1.0/dipy-1.0.tar.gz`)
    const file = await downloadStaged(rec, { apiUrl: base, token: TOKEN })
    expect(file.data.equals(DATA)).toBe(true)
    expect(seen.find((q) => q.path.startsWith('/download/'))?.auth).toBe(`token ${TOKEN}`)
    expect(seen.find((q) => q.path.startsWith('/storage/'))?.auth).toBeUndefined()
  })

  it('an md5 that does not match stops it', async () => {
    records = [record({ md5: '0'.repeat(32) })]
    const [rec] = await listStaged(opts())
    await expect(downloadStaged(rec, { apiUrl: base })).rejects.toThrow(
      `dipy-1.0.tar.gz downloaded from the staging channel does not match: md5 ${md5}, the channel records ${'0'.repeat(32)}`
    )
  })

  it('two records of one name are refused', async () => {
    records = [record(), record({ upload_time: '2020-01-01 00:00:00+00:00' })]
    await expect(listStaged(opts())).rejects.toThrow(/lists dipy-1\.0\.tar\.gz more than once/)
  })
})
