/**
 * Foreign text through inert(): the runner's parser (actions/runner ActionCommand.cs, modelled here from its
 * documented rules) finds no command in any line, and no terminal control byte survives.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { inert, inertLines, terminalSafe } from '../../src/util/inert.js'

/** The runner's view of output: lines split at \n, \r, \r\n; `::` after leading white space; `##[` anywhere. */
function runnerCommands(output: string): string[] {
  const found: string[] = []
  for (const line of output.split(/\r\n|\r|\n/)) {
    if (/^\s*::[A-Za-z-]+( [^:]*)?::/.test(line)) found.push(line)
    else if (/##\[[^\]]*\]/.test(line)) found.push(line)
  }
  return found
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/

const ATTACKS = [
  '::warning::injected',
  '::add-mask::hide-everything',
  'name\n::warning title=x::injected',
  'name\r::stop-commands::tok',
  'name\r\n  ::error file=a,line=1::injected',
  '\t::notice::injected',
  '\u00a0::warning::injected',
  '\u2028::warning::after a line separator',
  '\x85::warning::after NEL',
  '##[warning]legacy',
  'body text ##[set-output name=a]b',
  'x\n##[add-mask]y',
  '503 Service Unavailable\n::warning::from a body',
  'ok\x00nul\x1b[31mred\x1b]0;title\x07\x9b2J'
]

describe('inert', () => {
  it.each(ATTACKS)('leaves no command and no control byte: %j', (attack) => {
    for (const prefix of ['', 'relpkg: ', 'line one\n', 'x\r']) {
      const out = prefix + inert(attack)
      expect(runnerCommands(out)).toEqual([])
      expect(CONTROL.test(inert(attack))).toBe(false)
    }
  })

  it('keeps the text readable', () => {
    expect(inert('a\nb')).toBe('a\\nb')
    expect(inert('::warning::x')).toBe(':\\:warning::x')
    expect(inert('see ##[group]x')).toBe('see ##\\[group]x')
    expect(inert('\x1b[31m')).toBe('\\e[31m')
    expect(inert('relpkg-1.0-py3-none-any.whl')).toBe('relpkg-1.0-py3-none-any.whl')
    expect(inert('tab\tkept')).toBe('tab\tkept')
  })

  it('bounds the length and says how much was cut', () => {
    const out = inert('x'.repeat(5000), 100)
    expect(out).toBe(`${'x'.repeat(100)}… (4900 more characters)`)
  })

  it('holds for any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom('', 'p: ', '\n', '\r\n '), (s, p) => {
        const out = inert(s, 200)
        expect(CONTROL.test(out)).toBe(false)
        expect(runnerCommands(p + out)).toEqual([])
        expect([...out].length).toBeLessThanOrEqual(200 * 6 + 40)
      }),
      { numRuns: 2000 }
    )
  })
})

describe('inertLines', () => {
  it('keeps lines apart and defuses each', () => {
    const out = inertLines('first\r::warning::a\n  ::error::b\u2028##[x]c')
    expect(out.split('\n')).toHaveLength(4)
    expect(runnerCommands(out)).toEqual([])
  })
  it('bounds the number of lines', () => {
    expect(inertLines('a\n'.repeat(50), 3).split('\n')).toEqual(['a', 'a', 'a', '… (48 more lines)'])
  })
})

describe('terminalSafe', () => {
  it('keeps newlines and tabs, makes other control bytes visible', () => {
    expect(terminalSafe('a\tb\r\nc\x1b[2Jd\x00\re')).toBe('a\tb\r\nc\\e[2Jd\\0\\re')
  })
})
