import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { multipartBody } from '../../src/publish/anaconda/client.js'
import { parseMultipartBuffer } from '../servers/anaconda/multipart.js'
import {
  AnacondaHttpError,
  Http,
  apiPath,
  isTransient,
  serverMessageOf
} from '../../src/publish/anaconda/http.js'

describe('apiPath', () => {
  it('percent-encodes every segment: + as %2B, / and spaces too', () => {
    expect(
      apiPath(
        'stage',
        'scipy-wheels-nightly',
        'dipy',
        '1.10.0.dev0+git1.abc',
        'dipy-1.10.0.dev0+git1.abc-cp312-cp312-win_amd64.whl'
      )
    ).toBe(
      '/stage/scipy-wheels-nightly/dipy/1.10.0.dev0%2Bgit1.abc/dipy-1.10.0.dev0%2Bgit1.abc-cp312-cp312-win_amd64.whl'
    )
    expect(apiPath('dist', 'o', 'a/b c', '1')).toBe('/dist/o/a%2Fb%20c/1')
  })
})

describe('serverMessageOf', () => {
  it('takes the JSON error, the S3 XML code and message, or the text', () => {
    expect(serverMessageOf(Buffer.from('{"error": "release version=\'1\' does not exist"}'))).toBe(
      "release version='1' does not exist"
    )
    expect(
      serverMessageOf(Buffer.from('<Error><Code>InvalidDigest</Code><Message>bad md5</Message></Error>'))
    ).toBe('InvalidDigest: bad md5 The Content-MD5 or checksum value is not valid.')
    expect(serverMessageOf(Buffer.from(''))).toBeUndefined()
    expect(serverMessageOf(Buffer.from('oops'))).toBe('oops')
  })
})

describe('Http: error mapping and retries', () => {
  const calls: Array<{ url: string; init: RequestInit }> = []
  let answers: Array<() => Response | Promise<Response>>
  beforeEach(() => {
    calls.length = 0
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      calls.push({ url, init })
      const next = answers.shift()
      if (!next) throw new Error('test bug: no answer left')
      return next()
    })
  })
  afterEach(() => vi.unstubAllGlobals())

  const http = (): Http =>
    new Http({
      apiUrl: 'http://api.test/',
      token: 'sekrit-token',
      attempts: 3,
      baseDelayMs: 1,
      authHint: 'Check nightly-token.'
    })
  const json = (status: number, body: unknown) => () =>
    new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
  const dropped = () => () => {
    throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })
  }
  const timeout = () => () => {
    throw new DOMException('The operation was aborted due to timeout', 'TimeoutError')
  }

  it('sends the §1.1 headers to the API', async () => {
    answers = [json(200, { login: 'x' })]
    await http().api('GET', apiPath('user', 'x'))
    expect(calls[0].url).toBe('http://api.test/user/x')
    expect(calls[0].init.headers).toMatchObject({
      Authorization: 'token sekrit-token',
      'x-binstar-api-version': '1.14.1',
      'Content-Type': 'application/json',
      Accept: 'application/json'
    })
    expect((calls[0].init.headers as Record<string, string>)['User-Agent']).toMatch(/^dipy-wheels-action\//)
  })

  it('retries connection errors, timeouts and 5xx, then succeeds', async () => {
    answers = [dropped(), timeout(), json(200, { ok: 1 })]
    const trace = { transient: 0 }
    const res = await http().api('GET', '/x', undefined, { trace })
    expect(res.json()).toEqual({ ok: 1 })
    expect(calls).toHaveLength(3)
    expect(trace.transient).toBe(2)
    answers = [json(503, { error: 'down' }), json(502, {}), json(200, {})]
    await http().api('GET', '/x')
    expect(calls).toHaveLength(6)
  })

  it('a host name that does not resolve is final at once and named (ENOTFOUND, EAI_AGAIN)', async () => {
    // What Node's fetch throws when getaddrinfo fails: the socket's error as the cause.
    const unresolved = (code: string) => () => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`getaddrinfo ${code} api.test`), { code, hostname: 'api.test' })
      })
    }
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      calls.length = 0
      answers = [unresolved(code), json(200, {}), json(200, {})]
      const err = await http()
        .api('GET', '/user')
        .catch((e: unknown) => e)
      expect(err).toBeInstanceOf(AnacondaHttpError)
      expect(isTransient(err)).toBe(false)
      expect((err as Error).message).toBe(
        `GET /user: the host name api.test does not resolve (${code}). Check the host in the URL and ` +
          "this machine's DNS (network connection, proxy)."
      )
      expect(calls).toHaveLength(1)
    }
  })

  it('gives up after the attempts with a transient error naming the request', async () => {
    answers = [json(503, { error: 'down' }), json(503, { error: 'down' }), json(503, { error: 'still down' })]
    const err = await http()
      .api('POST', '/commit/o/n/1/f.whl', {})
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AnacondaHttpError)
    expect(isTransient(err)).toBe(true)
    expect((err as Error).message).toBe('POST /commit/o/n/1/f.whl → 503: still down')
    expect(calls).toHaveLength(3)
  })

  it('a 4xx is final, with the server text and, for 401, the hint; never the token', async () => {
    answers = [
      json(401, {
        error:
          'Authentication token does not have the sufficient scope to perform this action expected: api:write'
      })
    ]
    const err = (await http()
      .api('POST', '/package/o/n', {})
      .catch((e: unknown) => e)) as AnacondaHttpError
    expect(calls).toHaveLength(1)
    expect(isTransient(err)).toBe(false)
    expect(err.status).toBe(401)
    expect(err.message).toBe(
      'POST /package/o/n → 401: Authentication token does not have the sufficient scope to perform this action expected: api:write. Check nightly-token.'
    )
    expect(err.message).not.toContain('sekrit')
    answers = [json(404, { error: 'nope' })]
    await expect(http().api('GET', '/x')).rejects.toThrow('GET /x → 404: nope')
  })

  it('returns allowed statuses instead of throwing', async () => {
    answers = [json(404, { error: 'absent' })]
    expect((await http().api('GET', '/dist/a', undefined, { allow: [200, 404] })).status).toBe(404)
  })
})

describe('multipartBody', () => {
  it('form_data in order, then Content-Length, Content-MD5, and the file part last with the exact bytes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-mp-'))
    const file = path.join(dir, 'a-1-py3-none-any.whl')
    const data = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45])
    fs.writeFileSync(file, data)
    const { body, contentType } = await multipartBody(
      { key: 'k/1', policy: 'p', success_action_status: '201' },
      { path: file, basename: 'a-1-py3-none-any.whl', size: data.length, md5Base64: 'MD5==' }
    )
    const bytes = Buffer.concat([body.head, fs.readFileSync(body.file), body.tail])
    // Read back by the fake S3 endpoint's own parser (RFC 7578), not rebuilt with the client's template.
    const parts = parseMultipartBuffer(bytes, contentType)
    expect(parts.map((p) => [p.name, p.filename, p.name === 'file' ? p.data : p.data.toString()])).toEqual([
      ['key', undefined, 'k/1'],
      ['policy', undefined, 'p'],
      ['success_action_status', undefined, '201'],
      ['Content-Length', undefined, '8'],
      ['Content-MD5', undefined, 'MD5=='],
      ['file', 'a-1-py3-none-any.whl', data]
    ])
    expect(contentType).toMatch(/^multipart\/form-data; boundary=\S+$/)
    expect(body.file).toBe(file)
    expect(body.head.length + body.fileSize + body.tail.length).toBe(bytes.length)
    fs.rmSync(dir, { recursive: true, force: true })
  })
})
