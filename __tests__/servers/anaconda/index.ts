/**
 * A protocol-faithful, in-memory anaconda.org for the tests (API, S3 form upload, PEP 503 index), following
 * the behaviour anaconda-client 1.14 relies on (binstar_client/__init__.py, utils/multipart_uploader.py). Binds 127.0.0.1 on a free port.
 *
 *   const server = await startAnacondaServer({ tokens: { tok123: { login: 'alice', scopes: ['api:write'] } } })
 *   // anaconda-client: BINSTAR_CONFIG_DIR=<d> with <d>/data/config.yaml = `url: ${server.url}`
 *   // pip: pip install --index-url ${server.simpleUrl('scientific-python-nightly-wheels')} dipy
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { handleApi } from './api.js'
import { Auth, type TokenGrant } from './auth.js'
import { dropConnection, FaultInjector, type FaultConfig } from './faults.js'
import { HttpError, pathSegments, sendError, sendJson } from './http.js'
import { handleS3Upload, S3Error, sendS3Error } from './s3.js'
import { startLink, type Link, type LinkConfig } from './link.js'
import { handleSimple } from './simple.js'
import { Store, type Dist } from './store.js'

export type { Scope, TokenGrant } from './auth.js'
export type { FaultConfig } from './faults.js'
export type { LinkConfig } from './link.js'

/** A committed file as the server holds it. */
export type StoredFile = Pick<
  Dist,
  'owner' | 'name' | 'version' | 'basename' | 'sha256' | 'md5' | 'size' | 'labels' | 'upload_time' | 'data'
>

export interface AnacondaServer {
  /** API base, http://127.0.0.1:PORT (the emulated link's port when there is one) */
  url: string
  port: number
  /** Every request, in arrival order; status is filled in when answered (-1 when dropped). */
  requests: Array<{ method: string; path: string; status: number }>
  files(owner?: string): StoredFile[]
  setFaults(f: FaultConfig | undefined): void
  addToken(token: string, grant: TokenGrant): void
  /** http://127.0.0.1:PORT/<owner>/simple or http://127.0.0.1:PORT/<owner>/label/<label>/simple */
  simpleUrl(owner: string, label?: string): string
  close(): Promise<void>
}

/** Organisations that exist on every fake server (plus the `orgs` option). */
export const DEFAULT_ORGS = [
  'scientific-python-nightly-wheels',
  'scipy-wheels-nightly',
  'multibuild-wheels-staging'
]

export interface AnacondaServerOptions {
  tokens?: Record<string, TokenGrant>
  faults?: FaultConfig
  orgs?: string[]
  /** Serve through an emulated network link (round-trip time, per-connection bandwidth): see link.ts. */
  link?: LinkConfig
}

export async function startAnacondaServer(opts: AnacondaServerOptions = {}): Promise<AnacondaServer> {
  const store = new Store()
  for (const org of [...DEFAULT_ORGS, ...(opts.orgs ?? [])]) store.addAccount(org, 'org')
  const auth = new Auth(store)
  for (const [token, grant] of Object.entries(opts.tokens ?? {})) auth.addToken(token, grant)
  const faults = new FaultInjector(opts.faults)
  const requests: AnacondaServer['requests'] = []
  let base = ''

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET'
    const rawPath = (req.url ?? '/').split('?')[0]
    const entry = { method, path: rawPath, status: 0 }
    requests.push(entry)
    res.on('finish', () => (entry.status = res.statusCode))
    res.on('close', () => {
      if (!res.writableFinished) entry.status = -1
    })
    const isS3 = rawPath.startsWith('/s3/')
    const fault = faults.pick(method, rawPath)
    if (fault?.kind === 'drop') {
      entry.status = -1
      dropConnection(req, res)
      return
    }
    if (fault?.kind === 'delay') await new Promise((r) => setTimeout(r, fault.delayMs))
    try {
      if (fault?.kind === '5xx') {
        req.resume()
        if (isS3) sendS3Error(res, 503, 'SlowDown', 'Please reduce your request rate. (injected fault)')
        else sendError(res, 503, 'Service Unavailable (injected fault)')
        return
      }
      if (rawPath === '/') {
        // HEAD gets GET's headers, Content-Length included (RFC 9110 §9.3.2; node sends no body), so a
        // client can keep the connection.
        sendJson(res, 200, { ok: 1, versions: { 'anaconda-server': 'fake' } })
        return
      }
      const segs = pathSegments(rawPath)
      if (isS3) {
        if (segs.length !== 3 || segs[1] !== 'upload')
          throw new S3Error(404, 'NoSuchKey', 'no such upload endpoint')
        await handleS3Upload(store, base, req, res, segs[2])
        return
      }
      if (await handleApi({ store, auth, base }, req, res, segs)) return
      if (handleSimple(store, auth, req, res, segs)) return
      throw new HttpError(404, `no route for ${method} ${rawPath}`)
    } catch (err) {
      if (res.headersSent) {
        res.destroy()
      } else if (err instanceof S3Error) {
        sendS3Error(res, err.status, err.code, err.message)
      } else if (err instanceof HttpError) {
        sendError(res, err.status, err.message)
      } else {
        sendError(res, 500, `internal error: ${err instanceof Error ? err.message : String(err)}`)
      }
      req.resume()
    }
  }

  const server = http.createServer((req, res) => void handle(req, res))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  let link: Link | undefined
  if (opts.link) {
    link = await startLink((server.address() as AddressInfo).port, opts.link)
    // An idle connection's close reaches the client half a round trip late, and a request sent meanwhile is
    // lost: idle connections are kept a minute (as load balancers do), not node's default 5 s.
    server.keepAliveTimeout = 60_000
  }
  // Every URL the server hands out (post_url, download redirects) goes through the link too.
  const port = link?.port ?? (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`

  return {
    url: base,
    port,
    requests,
    files: (owner) =>
      store.allDists(owner).map((d) => ({
        owner: d.owner,
        name: d.name,
        version: d.version,
        basename: d.basename,
        sha256: d.sha256,
        md5: d.md5,
        size: d.size,
        labels: [...d.labels],
        upload_time: d.upload_time,
        data: d.data
      })),
    setFaults: (f) => faults.set(f),
    addToken: (token, grant) => auth.addToken(token, grant),
    simpleUrl: (owner, label) =>
      label === undefined
        ? `${base}/${encodeURIComponent(owner)}/simple`
        : `${base}/${encodeURIComponent(owner)}/label/${encodeURIComponent(label)}/simple`,
    close: async () => {
      await link?.close()
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()))
        server.closeAllConnections()
      })
    }
  }
}
