/**
 * The fake anaconda.org driven over HTTP with fetch: the §1.2 upload sequence, conflicts, S3 checks,
 * auth, garbage collection and `+` in versions (as anaconda-client 1.14 uses them).
 */
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import {
  call,
  md5Base64,
  multipartBody,
  s3Post,
  sha256Hex,
  uploadFile
} from '../servers/anaconda/protocol-client.js'

const OWNER = 'scientific-python-nightly-wheels'
const W = 'tokWrite1'
const R = 'tokRead1'
const UPLOAD_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/

let server: AnacondaServer
let tmp: string
let wheel: { name: string; version: string; basename: string; data: Buffer }

beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: {
      [W]: { login: 'alice', scopes: ['api:read', 'api:write'] },
      [R]: { login: 'bob', scopes: ['api:read'] },
      tokOther1: { login: 'carol', scopes: ['api:read', 'api:write'], owners: ['carol'] }
    }
  })
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-anaconda-'))
  const file = await makeWheel(tmp, { name: 'demo', version: '1.2.0.dev0+git20240101.abc123' })
  wheel = {
    name: 'demo',
    version: '1.2.0.dev0+git20240101.abc123',
    basename: path.basename(file),
    data: await fs.readFile(file)
  }
})
afterAll(async () => {
  await server?.close()
  await fs.rm(tmp, { recursive: true, force: true })
})

const api = (method: string, p: string, opts: { token?: string; json?: unknown } = {}) =>
  call(server.url, method, p, opts)
const enc = encodeURIComponent

describe('upload sequence', () => {
  it('HEAD /, user, dist 404, package, release, stage, S3, commit: the stored file is exact', async () => {
    const start = server.requests.length
    expect((await api('HEAD', '/')).status).toBe(200)
    expect((await api('GET', `/user/${OWNER}`, { token: W })).json).toMatchObject({
      login: OWNER,
      user_type: 'org'
    })
    const distPath = `/dist/${OWNER}/${wheel.name}/${wheel.version}/${wheel.basename}`
    expect((await api('GET', distPath, { token: W })).status).toBe(404)
    const committed = await uploadFile(server.url, W, OWNER, wheel)
    expect(committed.url).toBe(`${server.url}/${OWNER}/demo`)

    const stored = server.files(OWNER)
    expect(stored).toHaveLength(1)
    expect(stored[0]).toMatchObject({
      name: 'demo',
      version: wheel.version,
      basename: wheel.basename,
      labels: ['main']
    })
    expect(stored[0].data.equals(wheel.data)).toBe(true)
    expect(stored[0].sha256).toBe(sha256Hex(wheel.data))
    expect(stored[0].size).toBe(wheel.data.length)
    expect(stored[0].upload_time).toMatch(UPLOAD_TIME)

    const seq = server.requests
      .slice(start)
      .map((r) => `${r.method} ${r.path.replace(/\/s3\/upload\/\w+/, '/s3/upload/ID')} ${r.status}`)
    const tail = `${OWNER}/demo/${enc(wheel.version)}/${enc(wheel.basename)}`
    expect(seq).toEqual([
      'HEAD / 200',
      `GET /user/${OWNER} 200`,
      `GET ${distPath} 404`,
      `GET /package/${OWNER}/demo 404`,
      `POST /package/${OWNER}/demo 200`,
      `GET /release/${OWNER}/demo/${enc(wheel.version)} 404`,
      `POST /release/${OWNER}/demo/${enc(wheel.version)} 200`,
      `POST /stage/${tail} 200`,
      'POST /s3/upload/ID 201',
      `POST /commit/${tail} 200`
    ])

    const dist = (await api('GET', distPath)).json!
    expect(dist).toMatchObject({
      basename: wheel.basename,
      sha256: sha256Hex(wheel.data),
      size: wheel.data.length,
      labels: ['main']
    })
    expect(dist.attrs).toMatchObject({ packagetype: 'bdist_wheel', build_no: 0 })
    const download = await fetch(String(dist.download_url))
    expect(Buffer.from(await download.arrayBuffer()).equals(wheel.data)).toBe(true)

    const pkg = (await api('GET', `/package/${OWNER}/demo`)).json!
    expect(pkg).toMatchObject({
      name: 'demo',
      public: true,
      owner: { login: OWNER },
      package_types: ['pypi'],
      latest_version: wheel.version
    })
    expect(pkg.versions).toEqual([wheel.version])
    expect(pkg.files).toEqual([
      expect.objectContaining({ basename: wheel.basename, version: wheel.version, labels: ['main'] })
    ])
    const listing = (await api('GET', `/packages/${OWNER}`)).json as unknown as Array<Record<string, unknown>>
    expect(listing.map((p) => p.full_name)).toEqual([`${OWNER}/demo`])
  })

  it('stage answers 409 for an existing basename and 404 when the release is missing', async () => {
    const tail = `${OWNER}/demo/${enc(wheel.version)}/${enc(wheel.basename)}`
    const payload = {
      distribution_type: 'pypi',
      attrs: {},
      channels: ['main'],
      sha256: sha256Hex(wheel.data)
    }
    const conflict = await api('POST', `/stage/${tail}`, { token: W, json: payload })
    expect(conflict.status).toBe(409)
    expect(String(conflict.json?.error)).toContain('already exists')
    const missing = await api('POST', `/stage/${OWNER}/demo/9.9/demo-9.9-py3-none-any.whl`, {
      token: W,
      json: payload
    })
    expect(missing.status).toBe(404)
    expect(missing.json?.error).toBe("release version='9.9' does not exist")
  })

  it('stage validates distribution_type, sha256 and channels', async () => {
    await api('POST', `/release/${OWNER}/demo/2.0`, { token: W, json: { version: '2.0' } })
    const p = `/stage/${OWNER}/demo/2.0/demo-2.0-py3-none-any.whl`
    const good = { distribution_type: 'pypi', attrs: {}, channels: [], sha256: 'a'.repeat(64) }
    for (const bad of [{ distribution_type: 'conda' }, { sha256: 'xyz' }, { channels: 'main' }]) {
      const res = await api('POST', p, { token: W, json: { ...good, ...bad } })
      expect(res.status, JSON.stringify(bad)).toBe(400)
      expect(typeof res.json?.error).toBe('string')
    }
    const ok = await api('POST', p, { token: W, json: good })
    expect(ok.status).toBe(200)
    expect(ok.json?.post_url).toBe(`${server.url}/s3/upload/${ok.json?.dist_id}`)
    expect(Object.values(ok.json?.form_data as object).every((v) => typeof v === 'string')).toBe(true)
  })
})

describe('S3 form POST and commit', () => {
  const data = Buffer.from('not really a wheel, but bytes are bytes\n'.repeat(50))
  const tail = `${OWNER}/demo/2.0/demo-2.0-py3-none-any.whl`
  const stage = async (sha256 = sha256Hex(data)) => {
    const json = { distribution_type: 'pypi', attrs: {}, channels: ['nightly'], sha256 }
    return (await api('POST', `/stage/${tail}`, { token: W, json })).json as {
      post_url: string
      form_data: Record<string, string>
      dist_id: string
    }
  }

  it('rejects a wrong Content-MD5 with 400 BadDigest XML, a wrong length with 400 XML, and commit before upload', async () => {
    const s = await stage()
    const badMd5 = await s3Post(s.post_url, s.form_data, 'demo-2.0-py3-none-any.whl', data, {
      md5: md5Base64(Buffer.from('other'))
    })
    expect(badMd5.status).toBe(400)
    expect(badMd5.text).toMatch(/<Error><Code>BadDigest<\/Code>/)
    const badLength = await s3Post(s.post_url, s.form_data, 'demo-2.0-py3-none-any.whl', data, {
      length: String(data.length + 1)
    })
    expect(badLength.status).toBe(400)
    expect(badLength.text).toMatch(/<Error><Code>IncompleteBody<\/Code>/)
    const early = await api('POST', `/commit/${tail}`, { token: W, json: { dist_id: s.dist_id } })
    expect(early.status).toBe(400)
    expect(server.files(OWNER).map((f) => f.basename)).not.toContain('demo-2.0-py3-none-any.whl')
  })

  it('needs the file part last and the policy fields unchanged', async () => {
    const s = await stage()
    const fileFirst = multipartBody([], { filename: 'x.whl', data })
    const trailing = Buffer.concat([
      fileFirst.body.subarray(
        0,
        fileFirst.body.length - `--${fileFirst.contentType.split('=')[1]}--\r\n`.length
      ),
      multipartBody([['Content-MD5', md5Base64(data)]], undefined, fileFirst.contentType.split('=')[1]).body
    ])
    const notLast = await fetch(s.post_url, {
      method: 'POST',
      headers: { 'Content-Type': fileFirst.contentType },
      body: trailing
    })
    expect(notLast.status).toBe(400)
    expect(await notLast.text()).toMatch(/<Code>InvalidArgument<\/Code>/)
    const tampered = await s3Post(s.post_url, { ...s.form_data, key: 'elsewhere' }, 'x.whl', data)
    expect(tampered.status).toBe(403)
    expect(tampered.text).toMatch(/<Code>AccessDenied<\/Code>/)
  })

  it('refuses a commit whose uploaded bytes do not match the staged sha256', async () => {
    const s = await stage(sha256Hex(Buffer.from('different bytes')))
    expect((await s3Post(s.post_url, s.form_data, 'demo-2.0-py3-none-any.whl', data)).status).toBe(201)
    const res = await api('POST', `/commit/${tail}`, { token: W, json: { dist_id: s.dist_id } })
    expect(res.status).toBe(400)
    expect(String(res.json?.error)).toContain('sha256')
  })

  it('commits with the requested labels', async () => {
    const s = await stage()
    expect((await s3Post(s.post_url, s.form_data, 'demo-2.0-py3-none-any.whl', data)).status).toBe(201)
    expect((await api('POST', `/commit/${tail}`, { token: W, json: { dist_id: s.dist_id } })).status).toBe(
      200
    )
    const f = server.files(OWNER).find((x) => x.basename === 'demo-2.0-py3-none-any.whl')
    expect(f?.labels).toEqual(['nightly'])
    expect(f?.data.equals(data)).toBe(true)
  })
})

describe('auth', () => {
  const p = `/package/${OWNER}/authpkg`
  const json = { public: true, public_attrs: { name: 'authpkg', summary: 's', package_types: ['pypi'] } }

  it('answers 401 with the real messages: no header, unknown token, read-only token, other owner', async () => {
    const none = await api('POST', p, { json })
    expect([none.status, none.json?.error]).toEqual([401, 'Authorization header was not given'])
    const unknown = await api('POST', p, { token: 'nope', json })
    expect([unknown.status, unknown.json?.error]).toEqual([401, 'Authorization token is no longer valid'])
    const readOnly = await api('POST', p, { token: R, json })
    expect(readOnly.status).toBe(401)
    expect(readOnly.json?.error).toBe(
      'Authentication token does not have the sufficient scope to perform this action expected: api:write'
    )
    expect((await api('POST', p, { token: 'tokOther1', json })).status).toBe(401)
    expect((await api('GET', p)).status).toBe(404) // nothing was created
    expect(
      (await api('DELETE', `/dist/${OWNER}/demo/${wheel.version}/${wheel.basename}`, { token: R })).status
    ).toBe(401)
  })

  it('serves users and anonymous reads', async () => {
    expect((await api('GET', '/user', { token: R })).json).toMatchObject({ login: 'bob', user_type: 'user' })
    expect((await api('GET', '/user')).status).toBe(401)
    const unknown = await api('GET', '/user/nobody-here')
    expect(unknown.status).toBe(404)
    expect(typeof unknown.json?.error).toBe('string')
    expect((await api('GET', `/user/${OWNER}`)).json?.created_at).toMatch(UPLOAD_TIME)
    expect((await api('GET', `/release/${OWNER}/demo/${wheel.version}`)).status).toBe(200)
    expect((await api('GET', `/package/${OWNER}/demo`)).status).toBe(200)
  })
})
