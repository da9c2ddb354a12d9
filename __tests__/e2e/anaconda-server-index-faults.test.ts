/** The fake anaconda.org's PEP 503 index per owner and label, and its configurable fault injection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startAnacondaServer, type AnacondaServer, type FaultConfig } from '../servers/anaconda/index.js'
import { call, s3Post, sha256Hex, uploadFile } from '../servers/anaconda/protocol-client.js'

const OWNER = 'multibuild-wheels-staging'
const W = 'tokWrite2'
let server: AnacondaServer

beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [W]: { login: 'alice', scopes: ['api:read', 'api:write'] } }
  })
})
afterAll(() => server?.close())

const anchors = (html: string): Array<{ href: string; text: string }> =>
  [...html.matchAll(/<a href="([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ href: m[1], text: m[2] }))

describe('simple index', () => {
  const main = {
    name: 'My_Pkg.Name',
    version: '1.0+g1',
    basename: 'my_pkg_name-1.0+g1-py3-none-any.whl',
    data: Buffer.from('main bytes')
  }
  const nightly = {
    name: 'onlynightly',
    version: '2.0',
    basename: 'onlynightly-2.0-py3-none-any.whl',
    data: Buffer.from('n'),
    labels: ['nightly']
  }

  beforeAll(async () => {
    await uploadFile(server.url, W, OWNER, main)
    await uploadFile(server.url, W, OWNER, nightly)
  })

  it('lists projects with main-labelled files under /OWNER/simple/ and other labels under /label/L/simple/', async () => {
    const root = await fetch(`${server.simpleUrl(OWNER)}/`)
    expect(root.status).toBe(200)
    expect(root.headers.get('content-type')).toMatch(/^text\/html/)
    expect(anchors(await root.text()).map((a) => a.text)).toEqual(['my-pkg-name'])
    expect(server.simpleUrl(OWNER, 'nightly')).toBe(`${server.url}/${OWNER}/label/nightly/simple`)
    const labelled = await (await fetch(`${server.simpleUrl(OWNER, 'nightly')}/`)).text()
    expect(anchors(labelled).map((a) => a.text)).toEqual(['onlynightly'])
    expect((await fetch(`${server.simpleUrl(OWNER)}/onlynightly/`)).status).toBe(404)
  })

  it('has project pages with #sha256 anchors whose links serve the exact bytes', async () => {
    const res = await fetch(`${server.simpleUrl(OWNER)}/my-pkg-name/`)
    const links = anchors(await res.text())
    expect(links.map((a) => a.text)).toEqual([main.basename])
    const url = new URL(links[0].href, res.url)
    expect(url.hash).toBe(`#sha256=${sha256Hex(main.data)}`)
    const file = await fetch(url)
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer()).equals(main.data)).toBe(true)
  })

  it('redirects a non-normalised project name to the PEP 503 name', async () => {
    const res = await fetch(`${server.simpleUrl(OWNER)}/My_Pkg.Name/`, { redirect: 'manual' })
    expect(res.status).toBe(301)
    expect(res.headers.get('location')).toBe(`/${OWNER}/simple/my-pkg-name/`)
  })

  it('hides private packages from anonymous readers', async () => {
    const json = { public: false, public_attrs: { name: 'secret', summary: 's', package_types: ['pypi'] } }
    expect((await call(server.url, 'POST', `/package/${OWNER}/secret`, { token: W, json })).status).toBe(200)
    await uploadFile(server.url, W, OWNER, {
      name: 'secret',
      version: '1.0',
      basename: 'secret-1.0-py3-none-any.whl',
      data: Buffer.from('s')
    })
    expect((await call(server.url, 'GET', `/package/${OWNER}/secret`)).status).toBe(404)
    expect((await call(server.url, 'GET', `/package/${OWNER}/secret`, { token: W })).status).toBe(200)
    expect(await (await fetch(`${server.simpleUrl(OWNER)}/`)).text()).not.toContain('secret')
    const privateIndex = await (await fetch(`${server.url}/t/${W}/${OWNER}/simple/`)).text()
    expect(anchors(privateIndex).map((a) => a.text)).toContain('secret')
  })
})

/** Sends n sequential GETs; returns per request the status, or -1 when the connection failed. */
async function hammer(path: string, n: number): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    try {
      const res = await fetch(server.url + path)
      await res.arrayBuffer()
      out.push(res.status)
    } catch {
      out.push(-1)
    }
  }
  return out
}

describe('faults', () => {
  afterAll(() => server.setFaults(undefined))
  const count = (xs: number[], v: number): number => xs.filter((x) => x === v).length

  it('answers 503 with a JSON error at the configured rate, deterministically for a seed, never for HEAD /', async () => {
    const cfg: FaultConfig = { rate: 0.25, kinds: ['5xx'], seed: 7 }
    server.setFaults(cfg)
    const first = await hammer(`/user/${OWNER}`, 400)
    expect(count(first, 503)).toBeGreaterThan(60)
    expect(count(first, 503)).toBeLessThan(140)
    expect(count(first, 503) + count(first, 200)).toBe(400)
    server.setFaults(cfg)
    expect(await hammer(`/user/${OWNER}`, 400)).toEqual(first)
    server.setFaults({ rate: 1, kinds: ['5xx'] })
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200)
    const res = await fetch(`${server.url}/user/${OWNER}`)
    expect(res.status).toBe(503)
    expect(((await res.json()) as { error: string }).error).toMatch(/Service Unavailable/)
  })

  it('drops connections without an answer at the configured rate and logs them with status -1', async () => {
    server.setFaults({ rate: 0.2, kinds: ['drop'], seed: 11 })
    const start = server.requests.length
    const statuses = await hammer(`/package/${OWNER}/my_pkg.name`, 150)
    const dropped = count(statuses, -1)
    expect(dropped).toBeGreaterThan(12)
    expect(dropped).toBeLessThan(50)
    expect(count(statuses, 200)).toBe(150 - dropped)
    const logged = server.requests.slice(start)
    expect(logged).toHaveLength(150)
    expect(logged.filter((r) => r.status === -1)).toHaveLength(dropped)
  })

  it('delays answers by delayMs at the configured rate and then answers normally', async () => {
    server.setFaults({ rate: 0.5, kinds: ['delay'], delayMs: 80, seed: 3 })
    let slow = 0
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now()
      const res = await fetch(`${server.url}/user/${OWNER}`)
      expect(res.status).toBe(200)
      expect(((await res.json()) as { login: string }).login).toBe(OWNER)
      if (performance.now() - t0 >= 75) slow++
    }
    expect(slow).toBeGreaterThan(4)
    expect(slow).toBeLessThan(16)
  })

  it('limits faults to matching requests; an S3 upload dropped mid-body can be retried', async () => {
    server.setFaults({ rate: 1, kinds: ['drop'], match: (m, p) => m === 'POST' && p.startsWith('/s3/') })
    const data = Buffer.alloc(2 * 1024 * 1024, 7)
    const tail = `${OWNER}/onlynightly/2.0/onlynightly-2.0-cp312-cp312-linux_x86_64.whl`
    const json = { distribution_type: 'pypi', attrs: {}, channels: [], sha256: sha256Hex(data) }
    const staged = (await call(server.url, 'POST', `/stage/${tail}`, { token: W, json })).json!
    expect(staged.dist_id).toEqual(expect.any(String))
    const post = () =>
      s3Post(String(staged.post_url), staged.form_data as Record<string, string>, 'x.whl', data)
    await expect(post()).rejects.toThrow()
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', status: -1 })
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (m, p) => p.startsWith('/s3/') })
    const unavailable = await post()
    expect(unavailable.status).toBe(503)
    expect(unavailable.text).toMatch(/<Error><Code>SlowDown<\/Code>/)
    server.setFaults(undefined)
    expect((await post()).status).toBe(201)
    expect(
      (await call(server.url, 'POST', `/commit/${tail}`, { token: W, json: { dist_id: staged.dist_id } }))
        .status
    ).toBe(200)
    expect(
      server
        .files(OWNER)
        .find((f) => f.basename.endsWith('linux_x86_64.whl'))
        ?.data.equals(data)
    ).toBe(true)
  })
})
