/**
 * An emulated network link in front of the fake anaconda.org: a TCP relay on 127.0.0.1 that delays every
 * byte by half the round-trip time in each direction and carries each connection's bytes at a fixed rate
 * (per direction), so a request costs its round trip plus its bytes over the bandwidth, as on a real link.
 * A new connection first pays one round trip (the TCP handshake), so connection reuse shows.
 *
 * Everything the clients send goes through it (API calls, the S3 form POST, downloads): the server
 * answers with URLs of the relay.
 */
import * as net from 'node:net'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'

export interface LinkConfig {
  /** Round-trip time in milliseconds. */
  rttMs: number
  /** Bytes per second, per connection and direction. */
  bytesPerSecond: number
}

export interface Link {
  port: number
  close(): Promise<void>
}

/**
 * Forwards `from` to `to` through the link: a chunk leaves when the line has serialised it (one chunk after
 * the other at the link's rate, not before `readyAt`) and arrives half a round trip later. `to` ends after
 * the last chunk.
 */
function relay(from: net.Socket, to: net.Socket, link: LinkConfig, readyAt: number): void {
  const queue: Array<{ at: number; chunk?: Buffer }> = []
  let lineFree = readyAt
  let timer: NodeJS.Timeout | undefined
  const pump = (): void => {
    timer = undefined
    const now = performance.now()
    while (queue.length && queue[0].at <= now) {
      const { chunk } = queue.shift()!
      if (to.destroyed) continue
      if (chunk) to.write(chunk)
      else to.end()
    }
    if (queue.length) timer = setTimeout(pump, Math.max(0, queue[0].at - now))
  }
  const push = (chunk?: Buffer): void => {
    const now = performance.now()
    lineFree = Math.max(now, lineFree) + ((chunk?.length ?? 0) * 1000) / link.bytesPerSecond
    queue.push({ at: lineFree + link.rttMs / 2, chunk })
    if (!timer) pump()
  }
  from.on('data', (chunk: Buffer) => push(chunk))
  from.on('end', () => push())
}

/** Starts the relay to 127.0.0.1:`targetPort`. */
export async function startLink(targetPort: number, link: LinkConfig): Promise<Link> {
  if (!(link.rttMs >= 0) || !(link.bytesPerSecond > 0)) {
    throw new Error(`link: rttMs must be >= 0 and bytesPerSecond > 0 (got ${JSON.stringify(link)})`)
  }
  const sockets = new Set<net.Socket>()
  // Half-open: each direction ends on its own, after the bytes still on the way.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    const opened = performance.now()
    const upstream = net.connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.setNoDelay(true)
      let ended = false
      s.on('end', () => (ended = true))
      s.on('error', () => s.destroy())
      s.on('close', () => {
        sockets.delete(s)
        // A reset (closed without its end): the other side is reset too, as on a real link.
        if (!ended) {
          client.destroy()
          upstream.destroy()
        }
      })
    }
    // The client's first bytes could leave only after the handshake's round trip.
    relay(client, upstream, link, opened + link.rttMs)
    relay(upstream, client, link, opened)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}
