import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import { endpointUrl, isLoopbackHost } from '../../src/validate/url.js'

const refusal = (value: string): string => {
  try {
    endpointUrl('anaconda-url', value)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return (err as Error).message
  }
  throw new Error(`accepted ${JSON.stringify(value)}`)
}

describe('endpointUrl', () => {
  it.each([
    ['https://api.anaconda.org', 'https://api.anaconda.org'],
    ['https://api.anaconda.org/', 'https://api.anaconda.org'],
    ['https://example.org/api/', 'https://example.org/api'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://localhost:9/x/', 'http://localhost:9/x'],
    ['http://[::1]:5000', 'http://[::1]:5000']
  ])('accepts %s', (value, expected) => expect(endpointUrl('anaconda-url', value)).toBe(expected))

  it.each([
    ['http://api.anaconda.org', 'plain http to another machine'],
    ['http://10.0.0.1', 'plain http to another machine'],
    ['http://127.0.0.1.evil.example', 'plain http to another machine'],
    ['file:///etc/passwd', 'scheme file is not allowed'],
    ['ftp://example.org', 'scheme ftp is not allowed'],
    ['api.anaconda.org', 'is not a URL'],
    ['', 'empty'],
    ['https://user:secretpw@example.org', 'user name or password'],
    ['https://example.org/?x=1', 'query or fragment'],
    ['https://example.org/#frag', 'query or fragment'],
    ['https://example.org/\nHost: x', 'control character'],
    ['https://exa mple.org', 'whitespace']
  ])('refuses %j (%s), naming the input', (value, why) => {
    const msg = refusal(value)
    expect(msg).toMatch(/^Input 'anaconda-url': /)
    expect(msg).toContain(why)
    expect(msg).not.toContain('secretpw')
  })

  it('knows loopback hosts', () => {
    expect(['localhost', '127.0.0.1', '127.9.9.9', '[::1]', 'a.localhost'].map(isLoopbackHost)).toEqual([
      true,
      true,
      true,
      true,
      true
    ])
    expect(['example.org', '128.0.0.1', '127.0.0.1.nip.io', '[::2]'].map(isLoopbackHost)).toEqual([
      false,
      false,
      false,
      false
    ])
  })

  it('accepts a query only when asked (download URLs)', () => {
    expect(endpointUrl('dependencies', 'https://h/dl?f=z.tgz', { allowQuery: true })).toBe('https://h/dl')
  })
})

describe('the loopback boundary (RFC 6761 §6.3: localhost and names under .localhost)', () => {
  it.each([
    ['http://localhost', 'http://localhost'],
    ['http://api.localhost:8080', 'http://api.localhost:8080'],
    ['http://a.b.localhost', 'http://a.b.localhost']
  ])('accepts http to %s', (value, expected) => expect(endpointUrl('anaconda-url', value)).toBe(expected))

  it.each([
    'http://notlocalhost',
    'http://localhost.evil.example',
    'http://evil-localhost',
    'http://xlocalhost:80',
    'http://localhost-1.example',
    'http://128.0.0.1'
  ])('refuses http to %s (not a loopback name)', (value) =>
    expect(refusal(value)).toMatch(/plain http to another machine/)
  )
})
