/**
 * Archives before upload: member paths inside the root (as pip requires), no duplicates, bounded size and
 * compression ratio, and a directory that lies about sizes is caught while counting, never inflated whole.
 */
import { gzipSync, strToU8, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { gzipProblems, memberPathProblem, zipProblems } from '../../src/util/archive-check.js'

const small = (names: string[]): Uint8Array =>
  zipSync(Object.fromEntries(names.map((n) => [n, strToU8(`content of ${n}\n`)])))

describe('zip members', () => {
  it('a wheel of ordinary members passes', () => {
    expect(
      zipProblems(small(['pkg/__init__.py', 'pkg-1.0.dist-info/METADATA', 'pkg-1.0.dist-info/RECORD']))
    ).toEqual([])
  })

  it.each([
    ['../../x', 'leaves the archive root'],
    ['pkg/../../x', 'leaves the archive root'],
    ['/etc/passwd', 'is absolute'],
    ['C:/Windows/x.dll', 'drive letter'],
    ['pkg\\..\\..\\x', 'backslash'],
    ['pkg/\x1b[2Jx', 'control character']
  ])('refuses the member %j (%s)', (name, why) => {
    const problems = zipProblems(small(['pkg/__init__.py', name]))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain(why)
    expect(memberPathProblem(name)).toContain(why)
  })

  it('refuses a member twice (after normalisation)', () => {
    expect(zipProblems(small(['pkg/a.py', 'pkg//a.py']))).toEqual([
      'member "pkg//a.py" is in the archive twice'
    ])
  })

  it('refuses a compression bomb from its directory, without inflating it', () => {
    // The bomb: 100 MiB of zeros in about 100 KiB. Warehouse refuses past 64 MiB inflating > 50 times.
    const bomb = zipSync({ 'pkg/zeros.bin': [new Uint8Array(100 * 1024 * 1024), { level: 9 }] })
    expect(bomb.length).toBeLessThan(200_000)
    const problems = zipProblems(bomb)
    expect(problems.join('\n')).toMatch(
      /it inflates \d+ times as a whole .*more than 50 times past 67108864 bytes/
    )
  })

  it("passes what Warehouse passes: a member inflating 198 times in a small wheel (dipy's .npz), 32 MiB of zeros", () => {
    const npzLike = zipSync({
      'dipy/data/files/test_ui_text_block.npz': [new Uint8Array(1_470_196), { level: 9 }],
      'dipy/__init__.py': [new TextEncoder().encode('x = 1\n'), { level: 0 }]
    })
    expect(zipProblems(npzLike)).toEqual([])
    expect(
      zipProblems(zipSync({ 'pkg/zeros.bin': [new Uint8Array(32 * 1024 * 1024), { level: 9 }] }))
    ).toEqual([])
  })

  it('catches a directory that understates a member (counting as it inflates)', () => {
    const data = zipSync({ 'pkg/data.bin': [new Uint8Array(300_000).fill(7), { level: 9 }] })
    // Set the central directory's uncompressed size (APPNOTE 4.3.12, offset 24) to 1000.
    const b = new Uint8Array(data)
    let cd = b.length - 4
    while (!(b[cd] === 0x50 && b[cd + 1] === 0x4b && b[cd + 2] === 1 && b[cd + 3] === 2)) cd--
    new DataView(b.buffer).setUint32(cd + 24, 1000, true)
    expect(zipProblems(b)).toEqual([
      'member "pkg/data.bin": it inflates past the 1000 bytes its directory declares'
    ])
  })

  it('refuses what is not a zip', () => {
    expect(zipProblems(strToU8('not a zip at all, just text'))).toEqual([
      'it is not a zip (no end of central directory)'
    ])
  })
})

describe('gzip (sdist)', () => {
  it('passes an ordinary sdist and refuses a bomb', () => {
    expect(gzipProblems(gzipSync(strToU8('x'.repeat(10_000))))).toEqual([])
    expect(gzipProblems(gzipSync(new Uint8Array(100 * 1024 * 1024), { level: 9 }))[0]).toMatch(
      /inflates past/
    )
    expect(gzipProblems(gzipSync(new Uint8Array(32 * 1024 * 1024), { level: 9 }))).toEqual([])
  }, 60_000) // gzip of 100 MiB at level 9 in the test itself: seconds on a busy 2-core machine
})
