/**
 * A configurable hostile server on 127.0.0.1: by default a transparent proxy in front of another test
 * server (the anaconda.org test server, a pypiserver), with rules that replace or alter chosen answers —
 * a rewritten listing, a body that never ends, a silence, an echo of the request's credentials. Records
 * what it saw (method, path, Authorization) and how many body bytes it managed to send.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Seen {
  method: string
  path: string
  auth?: string
  /** Body bytes this server wrote for the answer (what the client let through before it stopped). */
  sent: number
  /** performance.now() when the request arrived (the test's clock: this server runs in the test). */
  at: number
}

export interface Upstream {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export interface Ctx {
  req: http.IncomingMessage
  res: http.ServerResponse
  seen: Seen
  /** The request's body (read already). */
  body: Buffer
  /** The upstream's answer to this very request. */
  forward(): Promise<Upstream>
  /** Writes an answer and counts its bytes. */
  send(status: number, body: Buffer | string, headers?: http.OutgoingHttpHeaders): void
}

export type Rule = (ctx: Ctx) => boolean | Promise<boolean>

export interface Hostile {
  url: string
  host: string
  seen: Seen[]
  /** Rules tried in order before the default (forward, or 404 without an upstream); true = answered. */
  rules: Rule[]
  close(): Promise<void>
}

function count(res: http.ServerResponse, seen: Seen): void {
  const write = res.write.bind(res) as (c: unknown, ...r: unknown[]) => boolean
  res.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (chunk) seen.sent += Buffer.byteLength(chunk as Buffer)
    return write(chunk, ...rest)
  }) as typeof res.write
  const end = res.end.bind(res) as (c?: unknown, ...r: unknown[]) => http.ServerResponse
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    if (chunk && typeof chunk !== 'function') seen.sent += Buffer.byteLength(chunk as Buffer)
    return end(chunk, ...rest)
  }) as typeof res.end
}

/**
 * `upstream`: the server to pass requests on to; its own URL in a JSON or HTML answer (a listing's
 * download_url) is replaced by this server's, so the client keeps talking to the proxy.
 */
export async function startHostile(upstream?: string): Promise<Hostile> {
  const seen: Seen[] = []
  const rules: Rule[] = []
  const sockets = new Set<import('node:net').Socket>()
  let self = ''
  const server = http.createServer(async (req, res) => {
    const entry: Seen = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      auth: req.headers.authorization,
      sent: 0,
      at: performance.now()
    }
    seen.push(entry)
    count(res, entry)
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const body = Buffer.concat(chunks)
    const forward = (): Promise<Upstream> =>
      new Promise((resolve, reject) => {
        if (!upstream) return reject(new Error('no upstream'))
        const u = new URL(req.url ?? '/', upstream)
        const headers = { ...req.headers, host: u.host }
        const up = http.request(u, { method: req.method, headers }, (r) => {
          const parts: Buffer[] = []
          r.on('data', (c: Buffer) => parts.push(c))
          r.on('end', () => {
            let b = Buffer.concat(parts)
            if (/json|html/.test(String(r.headers['content-type'])) && upstream) {
              b = Buffer.from(b.toString('utf8').split(upstream.replace(/\/$/, '')).join(self))
            }
            resolve({ status: r.statusCode ?? 0, headers: r.headers, body: b })
          })
          r.on('error', reject)
        })
        up.on('error', reject)
        up.end(body)
      })
    const send = (status: number, b: Buffer | string, headers: http.OutgoingHttpHeaders = {}): void => {
      res.writeHead(status, { 'Content-Length': Buffer.byteLength(b), ...headers })
      res.end(b)
    }
    const ctx: Ctx = { req, res, seen: entry, body, forward, send }
    try {
      for (const rule of rules) if (await rule(ctx)) return
      if (!upstream) return send(404, '{"error": "not here"}', { 'Content-Type': 'application/json' })
      const r = await forward()
      const headers = { ...r.headers }
      delete headers['transfer-encoding']
      headers['content-length'] = String(r.body.length)
      res.writeHead(r.status, headers)
      res.end(r.body)
    } catch (err) {
      if (!res.headersSent) send(500, String(err))
      else res.destroy()
    }
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  self = `http://127.0.0.1:${port}`
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    rules,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy()
        server.close(() => r())
      })
  }
}

/** A rule for one method and path (a string prefix or a RegExp). */
export function at(method: string, path: string | RegExp, answer: (ctx: Ctx) => void | Promise<void>): Rule {
  return async (ctx) => {
    const p = ctx.req.url ?? '/'
    const hit = typeof path === 'string' ? p.startsWith(path) : path.test(p)
    if (ctx.req.method !== method || !hit) return false
    await answer(ctx)
    return true
  }
}

/** An answer that never ends: `chunk` bytes every few milliseconds until the client goes. */
export function endless(ctx: Ctx, chunk = 64 * 1024): void {
  ctx.res.writeHead(200, { 'Content-Type': 'application/octet-stream' })
  const block = Buffer.alloc(chunk, 0x41)
  const timer = setInterval(() => {
    if (ctx.res.destroyed || ctx.res.writableEnded) return clearInterval(timer)
    ctx.res.write(block)
  }, 2)
  ctx.res.on('close', () => clearInterval(timer))
}

/** No answer at all, until the client gives up. */
export function silent(ctx: Ctx): void {
  ctx.res.on('close', () => undefined)
}
