import { describe, expect, it } from 'vitest'
import { apiToken } from '../../src/validate/token.js'

const SECRET = 'ab-Cd_12.xyZ'

describe('apiToken', () => {
  it('accepts empty (not given) and printable tokens', () => {
    expect(apiToken('nightly-token', '')).toBe('')
    expect(apiToken('nightly-token', SECRET)).toBe(SECRET)
    expect(apiToken('nightly-token', 'pypi-AgEIcHlwaS5vcmc=~!')).toBe('pypi-AgEIcHlwaS5vcmc=~!')
  })

  it.each([
    [`${SECRET}\nX-Injected: 1`, 'control character', 13],
    [`${SECRET}\r`, 'control character', 13],
    [`${SECRET} more`, 'a space', 13],
    [`${SECRET}\t`, 'control character', 13],
    [`é${SECRET}`, 'non-ASCII', 1],
    [`${SECRET}\x7f`, 'control character', 13]
  ])('refuses %j without showing it', (value, kind, position) => {
    let msg = ''
    try {
      apiToken('staging-token', value)
    } catch (err) {
      msg = (err as Error).message
    }
    expect(msg).toMatch(/^Input 'staging-token': /)
    expect(msg).toContain(kind)
    expect(msg).toContain(`position ${position}`)
    expect(msg).not.toContain(SECRET)
  })

  it('refuses an absurdly long token', () => {
    expect(() => apiToken('nightly-token', 'a'.repeat(4097))).toThrow(/at most 4096/)
  })
})
