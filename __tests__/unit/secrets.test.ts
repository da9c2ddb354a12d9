/** A credential is masked in each form it travels in: raw, HTTP Basic (RFC 7617) and URL-encoded. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PlainLog } from '../../src/cli/plain-log.js'
import { maskCredential } from '../../src/util/secrets.js'

afterEach(() => vi.restoreAllMocks())

function masked(token: string): PlainLog {
  const writes: string[] = []
  vi.spyOn(process.stdout, 'write').mockImplementation((c: unknown) => {
    writes.push(String(c))
    return true
  })
  maskCredential(token)
  vi.restoreAllMocks()
  const log = new PlainLog()
  log.push(writes.join(''))
  return log
}

describe('maskCredential', () => {
  const token = 'pypi-AgEIcHlwaS5vcmc+k/e=y'
  it.each([
    ['the raw token', token],
    ['Basic base64(__token__:token)', btoa(`__token__:${token}`)],
    ['the URL-encoded token', 'pypi-AgEIcHlwaS5vcmc%2Bk%2Fe%3Dy']
  ])('hides %s in whatever a server echoes', (_, form) => {
    const log = masked(token)
    const out = log.push(`403 Forbidden: you sent Authorization: Basic ${form} to /legacy/\n`)
    expect(out).toBe('403 Forbidden: you sent Authorization: Basic *** to /legacy/\n')
  })
})
