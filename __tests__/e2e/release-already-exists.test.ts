/**
 * The release's "already exists" answer, against a real pypiserver: a file that appears on the index
 * between the release's reading of it and the file's POST (another run, a hand upload). The index answers
 * the POST "already exists" (pypiserver: 409), and the release reads the index's sha256 of that name:
 * - the same bytes: the file counts as skipped, the release goes on;
 * - other bytes: an error naming the file and both sha256; the release stops there: the files uploaded
 *   before it stay (PyPI takes nothing back), none after it is sent.
 * The race is made by a proxy in front of the index's read side that leaves the file out of the project
 * page until its POST has reached the index; the upload side is the stub in front of pypiserver.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { exec } from '../harness/pip-venv.js'
import { VENV_BIN } from '../harness/pypiserver.js'
import { explain, names, PYPI_TOKEN, releaseSuite, VERSION } from '../harness/release-suite.js'
import { makeWheel } from '../harness/wheel-factory.js'
import type { OidcStub } from '../servers/oidc.js'

const s = releaseSuite({ prefix: 'dup', orgs: 4 })

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

/**
 * A proxy to `upstream` that drops `hidden` from GET /simple/dipy/ (PEP 691 JSON or PEP 503 HTML) until
 * the stub has seen that file's upload POST.
 */
async function hidingIndex(
  upstream: string,
  stub: OidcStub,
  hidden: string
): Promise<{ url: string; reads: string[]; close(): Promise<void> }> {
  const reads: string[] = []
  const posted = (): boolean =>
    stub.forms.some((form) => form.some(([k, v]) => k === 'content' && v === hidden))
  const up = new URL(upstream)
  const server = http.createServer((req, res) => {
    const hide = req.method === 'GET' && /^\/simple\/dipy\/?$/.test(req.url ?? '') && !posted()
    reads.push(`${req.method} ${req.url} ${hide ? 'hiding' : 'as is'}`)
    const proxied = http.request(
      { host: up.hostname, port: up.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        if (!hide) {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          return
        }
        const chunks: Buffer[] = []
        answer.on('data', (c: Buffer) => chunks.push(c))
        answer.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          const type = String(answer.headers['content-type'] ?? '')
          let body: string
          if (type.includes('json')) {
            const page = JSON.parse(text) as { files: Array<{ filename: string }> }
            body = JSON.stringify({ ...page, files: page.files.filter((f) => f.filename !== hidden) })
          } else {
            body = text
              .split('\n')
              .filter((line) => !line.includes(`>${hidden}<`))
              .join('\n')
          }
          expect(body, 'the proxy hides nothing: the page format changed').not.toContain(hidden)
          const headers = { ...answer.headers }
          delete headers['content-length']
          res.writeHead(answer.statusCode ?? 502, headers).end(body)
        })
      }
    )
    proxied.on('error', () => res.writeHead(502).end())
    req.pipe(proxied)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r())
        server.closeAllConnections()
      })
  }
}

/** Uploads `file` to pypiserver with twine, as another run or a maintainer would. */
async function twineUpload(file: string): Promise<void> {
  const r = await exec(
    path.join(VENV_BIN, 'twine'),
    ['upload', '--non-interactive', '--disable-progress-bar', '--repository-url', s.pypi!.url, file],
    {
      env: {
        PATH: process.env.PATH,
        HOME: s.tmp,
        TWINE_USERNAME: '__token__',
        TWINE_PASSWORD: PYPI_TOKEN
      }
    }
  )
  expect(r.code, r.output).toBe(0)
}

/** The wheels in the order the release sends them (by name), then the sdist. */
const uploadOrder = (): string[] => [
  ...names(s.files.filter((f) => f.endsWith('.whl'))),
  ...names(s.files.filter((f) => !f.endsWith('.whl')))
]

describe('"already exists" from the index during the upload', () => {
  it('other bytes under the name: an error naming the file and both sha256; nothing after it is sent', async () => {
    const owner = await s.setup()
    const order = uploadOrder()
    const victim = order[1] // one uploaded before it, two after it
    // v1: the same name, other bytes (another module text), uploaded before the release.
    const v1dir = fs.mkdtempSync(path.join(s.tmp, 'v1-'))
    const v1 = await makeWheel(v1dir, {
      name: 'dipy',
      version: VERSION,
      tag: victim.replace(/^dipy-[^-]+-/, '').replace(/\.whl$/, ''),
      module: 'TAG = "an earlier build"\n'
    })
    expect(path.basename(v1)).toBe(victim)
    const staged = fs.readFileSync(s.files.find((f) => path.basename(f) === victim)!)
    const v1Sha = sha256(fs.readFileSync(v1))
    expect(v1Sha).not.toBe(sha256(staged))
    await twineUpload(v1)
    const index = await hidingIndex(s.stub!.url, s.stub!, victim)
    try {
      const run = await s.release(owner, { 'pypi-index-url': `${index.url}/simple/` })
      expect(run.exitCode).not.toBe(0)
      // The race happened: the first read did not list it, a read after its POST did.
      expect(index.reads[0]).toMatch(/^GET \/simple\/dipy\/ hiding$/)
      expect(index.reads.at(-1)).toMatch(/ as is$/)
      const error = run.log.split('\n').find((l) => l.startsWith('::error::')) ?? ''
      expect(error).toContain(victim)
      expect(error).toContain(`holds sha256 ${v1Sha}`)
      expect(error).toContain(`this file's sha256 is ${sha256(staged)}`)
      expect(JSON.parse(run.outputs.uploaded)).toEqual([order[0]])
      expect(JSON.parse(run.outputs.skipped)).toEqual([])
      expect(JSON.parse(run.outputs.missing).sort()).toEqual(order.slice(1).sort())
      // The victim's POST was the last: nothing after it was sent.
      expect(s.posts()).toBe(2)
      expect(s.pypi!.files()).toEqual([order[0], victim].sort())
      // The index still holds v1, untouched.
      expect(fs.readFileSync(path.join(s.pypi!.dir, victim)).equals(fs.readFileSync(v1))).toBe(true)
    } finally {
      await index.close()
    }
  })

  it('the same bytes under the name: counted as skipped, the rest uploaded', async () => {
    const owner = await s.setup()
    const order = uploadOrder()
    const victim = order[1]
    await twineUpload(s.files.find((f) => path.basename(f) === victim)!)
    const index = await hidingIndex(s.stub!.url, s.stub!, victim)
    try {
      const run = await s.release(owner, { 'pypi-index-url': `${index.url}/simple/` })
      expect(run.exitCode, explain(run)).toBe(0)
      expect(index.reads[0]).toMatch(/^GET \/simple\/dipy\/ hiding$/)
      expect(JSON.parse(run.outputs.skipped)).toEqual([victim])
      expect(JSON.parse(run.outputs.uploaded)).toEqual(order.filter((n) => n !== victim))
      expect(s.posts()).toBe(order.length) // the victim's POST was answered "already exists"
      s.expectOnIndex(s.files)
    } finally {
      await index.close()
    }
  })
})
