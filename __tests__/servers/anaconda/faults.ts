/** Fault injection for the fake anaconda.org server: 5xx answers, dropped connections, delays. */
import type { IncomingMessage, ServerResponse } from 'node:http'

export type FaultKind = '5xx' | 'drop' | 'delay'

export interface FaultConfig {
  /** 0..1 probability per eligible request. */
  rate: number
  /** drop = destroy the socket without answering; delay = wait delayMs then answer normally. */
  kinds: FaultKind[]
  delayMs?: number
  /** Deterministic PRNG when given. */
  seed?: number
  /** Which requests are eligible (default: all except HEAD /). */
  match?: (method: string, path: string) => boolean
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const defaultMatch = (method: string, path: string): boolean => !(method === 'HEAD' && path === '/')

export class FaultInjector {
  private config: FaultConfig | undefined
  private random: () => number = Math.random

  constructor(config?: FaultConfig) {
    this.set(config)
  }

  set(config: FaultConfig | undefined): void {
    if (config) {
      if (!(config.rate >= 0 && config.rate <= 1))
        throw new Error(`fault rate must be in [0, 1]: ${config.rate}`)
      if (config.kinds.length === 0 && config.rate > 0) throw new Error('fault kinds must not be empty')
    }
    this.config = config
    this.random = config?.seed !== undefined ? mulberry32(config.seed) : Math.random
  }

  /** Decides the fault (if any) for one request; draws from the PRNG only for eligible requests. */
  pick(method: string, path: string): { kind: FaultKind; delayMs: number } | undefined {
    const c = this.config
    if (!c || c.rate <= 0) return undefined
    if (!(c.match ?? defaultMatch)(method, path)) return undefined
    const hit = this.random() < c.rate
    const which = this.random()
    if (!hit) return undefined
    const kind = c.kinds[Math.min(c.kinds.length - 1, Math.floor(which * c.kinds.length))]
    return { kind, delayMs: c.delayMs ?? 1000 }
  }
}

/** Destroys the connection without answering; for requests with a body, after part of it arrived. */
export function dropConnection(req: IncomingMessage, res: ServerResponse): void {
  const hasBody =
    Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined
  const kill = (): void => {
    res.socket?.destroy()
    req.socket.destroy()
  }
  if (!hasBody) return kill()
  req.once('data', kill)
  req.once('end', kill)
}
