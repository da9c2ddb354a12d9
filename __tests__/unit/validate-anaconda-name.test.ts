import { describe, expect, it } from 'vitest'
import { anacondaLabel, anacondaOwner } from '../../src/validate/anaconda-name.js'

describe('anaconda.org names', () => {
  it.each(['scipy-wheels-nightly', 'multibuild-wheels-staging', 'main', 'dev', 'rc_1', 'a', 'Gcc7.x'])(
    'accepts %s',
    (name) => {
      expect(anacondaOwner('nightly-channel', name)).toBe(name)
      expect(anacondaLabel('labels', name)).toBe(name)
    }
  )

  it.each([
    'main/../x',
    '../admin',
    'a/b',
    'a b',
    'a..b',
    '-x',
    'x-',
    '.x',
    'a%2Fb',
    'a\nb',
    'é',
    'x'.repeat(101),
    ''
  ])('refuses %j for owners and labels, naming the input', (name) => {
    expect(() => anacondaOwner('staging-channel', name)).toThrow(/^Input 'staging-channel': /)
    expect(() => anacondaLabel('labels', name)).toThrow(/^Input 'labels': /)
  })
})
