import { describe, expect, it } from 'vitest'
import { artifactNameInput } from '../../src/validate/artifact-name.js'

describe('artifact-name', () => {
  it('accepts names upload-artifact accepts, and empty (the default name)', () => {
    expect(artifactNameInput('artifact-name', 'wheels-linux-x86_64')).toBe('wheels-linux-x86_64')
    expect(artifactNameInput('artifact-name', 'a.b c')).toBe('a.b c')
    expect(artifactNameInput('artifact-name', '')).toBe('')
  })

  it.each([
    ['..', 'only dots'],
    ['.', 'only dots'],
    ['../x', '/ (slash)'],
    ['a\\b', 'backslash'],
    ['a:b', ':'],
    ['a\x00b', 'control character'],
    ['a\x1bb', 'control character'],
    ['x'.repeat(257), 'longer than 256']
  ])('refuses %j (%s)', (value, why) => {
    let msg = ''
    try {
      artifactNameInput('artifact-name', value)
    } catch (err) {
      msg = (err as Error).message
    }
    expect(msg).toMatch(/^Input 'artifact-name': /)
    expect(msg).toContain(why)
  })
})
