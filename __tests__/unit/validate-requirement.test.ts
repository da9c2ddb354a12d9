import { describe, expect, it } from 'vitest'
import { configSettings } from '../../src/validate/config-settings.js'
import { requirementList } from '../../src/validate/requirement.js'

describe('test-requires', () => {
  it('accepts requirement specifiers, split on whitespace', () => {
    expect(
      requirementList('test-requires', 'pytest  scipy>=1.10\nnumpy>=1.26,<3 pytest-cov[toml]==5.*')
    ).toEqual(['pytest', 'scipy>=1.10', 'numpy>=1.26,<3', 'pytest-cov[toml]==5.*'])
    expect(requirementList('test-requires', 'pytest, numpy')).toEqual(['pytest', 'numpy'])
    expect(requirementList('test-requires', '')).toEqual([])
  })

  it.each([
    ['--index-url=https://evil.example/simple', 'pip option'],
    ['-r', 'pip option'],
    ['-e.', 'pip option'],
    ['./local/pkg', 'not a requirement'],
    ['https://evil.example/x.whl', 'not a requirement'],
    ['pkg@https://evil.example/x.whl', 'not a requirement'],
    ['pkg;python_version<"3"', 'not a requirement'],
    ['$(touch /tmp/x)', 'not a requirement']
  ])('refuses %j (%s)', (value, why) => {
    expect(() => requirementList('test-requires', `pytest ${value}`)).toThrow(
      new RegExp(`^Input 'test-requires': .*${why}`)
    )
  })
})

describe('config-settings', () => {
  it('keeps key=value items', () => {
    expect(configSettings('config-settings', 'compile-args=-v, setup-args=-Dblas=openblas')).toEqual([
      'compile-args=-v',
      'setup-args=-Dblas=openblas'
    ])
    expect(configSettings('config-settings', 'builddir=')).toEqual(['builddir='])
  })

  it.each([
    ['=value', 'an empty key'],
    ['novalue', 'is not key=value'],
    ['-Cfoo=1', "cannot begin with '-'"],
    ['a b=1', 'is not key=value'],
    ['k=\x1b[31m', 'control character']
  ])('refuses %j (%s)', (value, why) => {
    expect(() => configSettings('config-settings', value)).toThrow(
      new RegExp(`^Input 'config-settings': .*${why.replace(/[[\]]/g, '\\$&')}`)
    )
  })
})
