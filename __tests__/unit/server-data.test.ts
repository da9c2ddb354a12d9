/** Names and JSON from a server, checked at the door (PEP 427/625 names, Warehouse's forbidden characters). */
import { describe, expect, it } from 'vitest'
import { globRegExp } from '../../src/release/names.js'
import { parseSimpleHtml, parseSimpleJson } from '../../src/release/pypi-index.js'
import { fileNameProblem, serverFileName } from '../../src/util/server-data.js'
import { Json } from '../../src/util/shape.js'

const VALID = 'relpkg-3.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'

describe('server file names', () => {
  it.each([
    VALID,
    'distribution-1.0-1-py27-none-any.whl', // PEP 427's example with a build tag
    'relpkg-3.1.0rc1-py3-none-any.whl',
    'relpkg-3.1.0.tar.gz',
    'relpkg-1!2.0+local-py3-none-any.whl'
  ])('accepts %s', (name) => {
    expect(fileNameProblem(name)).toBeUndefined()
  })

  it.each([
    [`relpkg-3.1.0-cp311-cp311-manylinux/../../${VALID}`, 'path separator'],
    [`..\\${VALID}`, 'path separator'],
    [`${VALID}\n::warning::x`, 'control character'],
    [`relpkg\x00-3.1.0.tar.gz`, 'control character'],
    [`relpkg\x1b[2J-3.1.0.tar.gz`, 'control character'],
    [`relpkg-3.1.0-${'x'.repeat(250)}-none-any.whl`, 'longer than 255'],
    ['relpkg-3.1.0.zip', 'neither a wheel'],
    ['-3.1.0.tar.gz', 'neither a wheel'],
    [null, 'null'],
    [42, 'number']
  ])('refuses %j (%s)', (name, why) => {
    expect(fileNameProblem(name)).toContain(why)
  })

  it('names the server and the record, with the name made inert', () => {
    expect(() =>
      serverFileName('anaconda.org at http://h', 'the record distributions[3]', 'a\n::warning::b')
    ).toThrow(
      /^anaconda\.org at http:\/\/h sent the record distributions\[3\] whose file name "a\\n::warning::b" holds a control character/
    )
  })
})

describe('expected globs', () => {
  it('never let * or ? match a path separator', () => {
    const re = globRegExp('relpkg-*-cp311-cp311-manylinux*.whl')
    expect(re.test(VALID)).toBe(true)
    expect(re.test(`relpkg-3.1.0-cp311-cp311-manylinux/../../${VALID}`)).toBe(false)
    expect(re.test(`relpkg-3.1.0-cp311-cp311-manylinux\\..\\${VALID}`)).toBe(false)
    expect(globRegExp('relpkg-3.1.?.tar.gz').test('relpkg-3.1./.tar.gz')).toBe(false)
    expect(globRegExp('relpkg-3.1.?.tar.gz').test('relpkg-3.1.0.tar.gz')).toBe(true)
  })
})

describe('JSON shapes', () => {
  const srv = 'anaconda.org at http://127.0.0.1:1'
  it('names the server and the field of a null or a wrong type', () => {
    const j = new Json({ distributions: [{ size: 1 }, null] }, srv)
    expect(() => j.get('distributions').items()[1].get('size')).toThrow(
      `${srv}: distributions[1] is null, expected an object`
    )
    expect(() => j.get('distributions').items()[0].get('basename').string()).toThrow(
      `${srv}: distributions[0].basename is undefined, expected a string`
    )
    expect(() => new Json({ size: '12' }, srv).get('size').count()).toThrow(
      'size is string, expected a non-negative integer'
    )
  })

  it('checks index entries (PEP 691 JSON and PEP 503 HTML)', () => {
    expect(() => parseSimpleJson({ files: [null] }, 'the index at h')).toThrow(
      'the index at h: files[0] is null'
    )
    expect(() =>
      parseSimpleJson({ files: [{ filename: `a/${VALID}`, hashes: {} }] }, 'the index at h')
    ).toThrow(/the index at h sent the file entry 0 whose file name .* path separator/)
    expect(() => parseSimpleHtml(`<a href="x%2F..%2F${VALID}#sha256=${'a'.repeat(64)}"></a>`, 'h')).toThrow(
      /path separator/
    )
    // An old file that is neither a wheel nor an sdist is left out, not an error.
    expect(parseSimpleJson({ files: [{ filename: 'relpkg-0.1.win32.exe', hashes: {} }] })).toEqual([])
  })
})
