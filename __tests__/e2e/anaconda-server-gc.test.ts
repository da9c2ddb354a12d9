/** The fake anaconda.org's garbage collection (§1.2, observed in anaconda-client #702) and `+` in versions (§1.6). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { call, uploadFile } from '../servers/anaconda/protocol-client.js'

const OWNER = 'scipy-wheels-nightly'
const W = 'tokWrite3'
let server: AnacondaServer

beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [W]: { login: 'alice', scopes: ['api:read', 'api:write'] } }
  })
})
afterAll(() => server?.close())

const api = (method: string, p: string, opts: { token?: string; json?: unknown } = {}) =>
  call(server.url, method, p, opts)

describe('garbage collection and versions with +', () => {
  it('accepts %2B and a raw + in versions, and never reads + as a space', async () => {
    await uploadFile(server.url, W, OWNER, {
      name: 'plus',
      version: '1.0+g1',
      basename: 'plus-1.0+g1-py3-none-any.whl',
      data: Buffer.from('a')
    })
    for (const v of ['1.0+g1', '1.0%2Bg1']) {
      const rel = await api('GET', `/release/${OWNER}/plus/${v}`)
      expect(rel.status, v).toBe(200)
      expect(rel.json?.version).toBe('1.0+g1')
      expect((await api('GET', `/dist/${OWNER}/plus/${v}/plus-${v}-py3-none-any.whl`)).status, v).toBe(200)
    }
    expect((await api('GET', `/release/${OWNER}/plus/1.0%20g1`)).status).toBe(404)
  })

  it('deletes the release with its last dist, and the package with its last file', async () => {
    const up = (version: string, tag: string) =>
      uploadFile(server.url, W, OWNER, {
        name: 'gc',
        version,
        basename: `gc-${version}-${tag}.whl`,
        data: Buffer.from(tag)
      })
    await up('1.0', 'py3-none-any')
    await up('1.0', 'cp312-cp312-linux_x86_64')
    await up('2.0', 'py3-none-any')
    const pkg = (await api('GET', `/package/${OWNER}/gc`)).json!
    expect((pkg.releases as Array<{ version: string }>).map((r) => r.version)).toEqual(['1.0', '2.0'])
    const del = await api('DELETE', `/dist/${OWNER}/gc/1.0/gc-1.0-py3-none-any.whl`, { token: W })
    expect([del.status, del.json?.basename]).toEqual([200, 'gc-1.0-py3-none-any.whl'])
    expect((await api('GET', `/release/${OWNER}/gc/1.0`)).status).toBe(200)
    expect(
      (await api('DELETE', `/dist/${OWNER}/gc/1.0/gc-1.0-cp312-cp312-linux_x86_64.whl`, { token: W })).status
    ).toBe(200)
    const gone = await api('GET', `/release/${OWNER}/gc/1.0`)
    expect([gone.status, gone.json?.error]).toEqual([404, "release version='1.0' does not exist"])
    expect((await api('GET', `/package/${OWNER}/gc`)).json?.versions).toEqual(['2.0'])
    expect((await api('DELETE', `/dist/${OWNER}/gc/2.0/gc-2.0-py3-none-any.whl`, { token: W })).status).toBe(
      200
    )
    expect((await api('GET', `/package/${OWNER}/gc`)).status).toBe(404)
  })

  it('DELETE release and DELETE package answer 201', async () => {
    await uploadFile(server.url, W, OWNER, {
      name: 'rm',
      version: '1.0',
      basename: 'rm-1.0-py3-none-any.whl',
      data: Buffer.from('r')
    })
    await uploadFile(server.url, W, OWNER, {
      name: 'rm',
      version: '2.0',
      basename: 'rm-2.0-py3-none-any.whl',
      data: Buffer.from('s')
    })
    expect((await api('DELETE', `/release/${OWNER}/rm/1.0`, { token: W })).status).toBe(201)
    expect(
      server
        .files(OWNER)
        .filter((f) => f.name === 'rm')
        .map((f) => f.version)
    ).toEqual(['2.0'])
    expect((await api('DELETE', `/package/${OWNER}/rm`, { token: W })).status).toBe(201)
    expect(server.files(OWNER).filter((f) => f.name === 'rm')).toEqual([])
    expect((await api('DELETE', `/package/${OWNER}/rm`, { token: W })).status).toBe(404)
  })
})

describe('release metadata and files by id', () => {
  it('PATCH /release updates public_attrs; DELETE /dist/OWNER/NAME/VERSION/-/ID removes a file by id', async () => {
    const committed = await uploadFile(server.url, W, OWNER, {
      name: 'meta',
      version: '1.0',
      basename: 'meta-1.0-py3-none-any.whl',
      data: Buffer.from('m')
    })
    const patch = await api('PATCH', `/release/${OWNER}/meta/1.0`, {
      token: W,
      json: { public_attrs: { description: 'new text' } }
    })
    expect(patch.status).toBe(200)
    const release = (await api('GET', `/release/${OWNER}/meta/1.0`)).json!
    expect(release.public_attrs).toMatchObject({ description: 'new text', version: '1.0' })
    expect((release.distributions as Array<{ upload_time: string }>)[0].upload_time).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/
    )
    const del = await api('DELETE', `/dist/${OWNER}/meta/1.0/-/${committed.id}`, { token: W })
    expect([del.status, del.json?.basename]).toEqual([200, 'meta-1.0-py3-none-any.whl'])
    expect(server.files(OWNER).filter((f) => f.name === 'meta')).toEqual([])
  })
})
