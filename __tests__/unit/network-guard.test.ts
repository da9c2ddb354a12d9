/** The unit setup's network guard: only this machine is reachable from a unit test. */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import net from 'node:net'
import { describe, expect, it } from 'vitest'

describe('the unit network guard', () => {
  it('refuses a connection to another host, by name or by address', () => {
    expect(() => net.connect(443, 'pypi.invalid')).toThrow(/must not reach the network .*pypi\.invalid:443/)
    expect(() => net.connect({ host: '192.0.2.1', port: 80 })).toThrow(/must not reach the network/)
  })

  it('refuses fetch to another host (undici connects through net)', async () => {
    const err = await fetch('http://192.0.2.1:80/').catch((e: unknown) => e)
    expect(String((err as Error & { cause?: unknown }).cause)).toMatch(/must not reach the network/)
  })

  it('lets a test talk to its own server on 127.0.0.1', async () => {
    const server = http.createServer((_, res) => res.end('ok'))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    try {
      const port = (server.address() as AddressInfo).port
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok')
    } finally {
      server.close()
    }
  })
})
