/**
 * The set-up the anaconda-upload end-to-end files share: the anaconda.org test server with a write and a
 * read-only token and 20 organisations (one per test), a temp directory, and helpers over them. Call
 * `anacondaUploadSuite()` at the top of a test file: it registers the hooks that start the server and
 * remove what it made; `suite.server` is there from the first test on.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import type { BatchOptions } from '../../src/publish/anaconda/batch.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { makeWheel, type WheelSpec } from './wheel-factory.js'

export const W = 'tokWrite1'
export const READ_ONLY = 'tokRead1'
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')

export interface AnacondaUploadSuite {
  readonly server: AnacondaServer
  readonly tmp: string
  /** A fresh organisation per test, so tests do not see each other's files. */
  newOrg(): string
  wheels(specs: WheelSpec[], dir?: string): Promise<string[]>
  opts(owner: string, over?: Partial<BatchOptions>): BatchOptions
  /** The server's copy of each file, by basename. */
  onServer(owner: string): Map<string, { sha256: string; data: Buffer; labels: string[] }>
  expectExact(owner: string, files: string[]): void
  /** The requests since the n-th, as "METHOD path status". */
  since(n: number): string[]
}

export function anacondaUploadSuite(): AnacondaUploadSuite {
  let server: AnacondaServer | undefined
  let tmp = ''
  let orgCount = 0
  beforeAll(async () => {
    server = await startAnacondaServer({
      tokens: {
        [W]: { login: 'uploader', scopes: ['api:read', 'api:write'] },
        [READ_ONLY]: { login: 'reader', scopes: ['api:read'] }
      },
      orgs: Array.from({ length: 20 }, (_, i) => `org${i}`)
    })
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-upload-'))
  })
  afterAll(async () => {
    await server?.close()
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  const suite: AnacondaUploadSuite = {
    get server() {
      return server!
    },
    get tmp() {
      return tmp
    },
    newOrg: () => `org${orgCount++}`,
    wheels: (specs, dir = fs.mkdtempSync(path.join(tmp, 'w-'))) =>
      Promise.all(specs.map((s) => makeWheel(dir, s))),
    opts: (owner, over = {}) => ({
      apiUrl: server!.url,
      token: W,
      owner,
      labels: ['main'],
      ifExists: 'fail',
      dryRun: false,
      keepVersions: 0,
      keepDir: path.join(tmp, 'keep'),
      http: { attempts: 6, timeoutMs: 5000 },
      ...over
    }),
    onServer: (owner) => new Map(server!.files(owner).map((f) => [f.basename, f])),
    expectExact(owner, files) {
      const stored = suite.onServer(owner)
      expect([...stored.keys()].sort()).toEqual(files.map((f) => path.basename(f)).sort())
      for (const f of files) {
        const data = fs.readFileSync(f)
        const s = stored.get(path.basename(f))!
        expect(s.data.equals(data), path.basename(f)).toBe(true)
        expect(s.sha256).toBe(sha256(data))
      }
    },
    since: (n) => server!.requests.slice(n).map((r) => `${r.method} ${r.path} ${r.status}`)
  }
  return suite
}
