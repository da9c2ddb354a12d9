/**
 * The release's pure parts: versions, the expected set, PyPI's file rules, the index pages, the upload's
 * form fields. Expected values are written out by hand from the specs (PEP 440, 503, 691, the upload API).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync, zipSync, type Zippable } from 'fflate'
import { afterAll, describe, expect, it } from 'vitest'
import { checkFile } from '../../src/release/checks.js'
import { checkComplete, completenessProblems, slotMatrix } from '../../src/release/expected.js'
import { checkUrl } from '../../src/release/inputs.js'
import { canonicalVersion } from '../../src/release/names.js'
import { parseSimpleHtml, parseSimpleJson } from '../../src/release/pypi-index.js'
import { rstDescriptions } from '../../src/release/render-check.js'
import { describeAge, releaseAge } from '../../src/release/release-age.js'
import { formFields } from '../../src/release/upload.js'
import { parseCoreMetadata } from '../../src/publish/anaconda/metadata.js'
import { makeSdist } from '../harness/sdist-factory.js'
import { makeWheel } from '../harness/wheel-factory.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rules-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe('versions', () => {
  it.each([
    ['1.12.1', '1.12.1'],
    ['1.0.0RC1', '1.0.0rc1'],
    ['01.02', '1.2'],
    ['1.0-1', '1.0.post1'],
    ['2.0.alpha.3', '2.0a3'],
    ['1.0.post1.dev2', '1.0.post1.dev2'],
    ['v1.3', '1.3']
  ])('%s is %s', (given, canonical) => expect(canonicalVersion(given)).toBe(canonical))

  it.each(['1.0+local', 'one', '1..0', ''])('%s is refused', (v) =>
    expect(canonicalVersion(v)).toBeUndefined()
  )
})

describe('the expected set', () => {
  it('flags a missing slot, a slot matched twice, an extra file and a foreign version', () => {
    const c = checkComplete(
      [
        'dipy-1.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl',
        'dipy-1.0-cp312-cp312-win_amd64.whl',
        'dipy-1.0-cp312-cp312-win_arm64.whl',
        'dipy-1.1-cp313-cp313-macosx_11_0_arm64.whl'
      ],
      ['dipy-*-cp312-cp312-manylinux*_x86_64.whl', 'dipy-*-cp312-cp312-win_*.whl', 'dipy-*.tar.gz'],
      'dipy',
      '1.0'
    )
    expect(c.ok).toBe(false)
    expect(completenessProblems(c)).toEqual([
      'dipy-*-cp312-cp312-win_*.whl matches 2 files: dipy-1.0-cp312-cp312-win_amd64.whl, dipy-1.0-cp312-cp312-win_arm64.whl',
      'no staged file matches dipy-*.tar.gz',
      'dipy-1.1-cp313-cp313-macosx_11_0_arm64.whl is staged but not expected',
      'dipy-1.1-cp313-cp313-macosx_11_0_arm64.whl is not a file of this project and version'
    ])
    expect(slotMatrix(c)).toEqual([
      ['platform', 'cp312', 'source'],
      ['manylinux*_x86_64', '✓', ''],
      ['win_*', '✗ 2 files', ''],
      ['sdist', '', '✗ missing'],
      ['dipy-1.1-cp313-cp313-macosx_11_0_arm64.whl', '✗ not expected', '']
    ])
  })
})

describe("PyPI's file rules", () => {
  it('accepts a well-formed wheel and sdist', async () => {
    const wheel = await makeWheel(tmp, { name: 'dipy', version: '1.0', tag: 'cp312-cp312-win_amd64' })
    expect(checkFile(path.basename(wheel), fs.readFileSync(wheel)).problems).toEqual([])
    const sdist = await makeSdist(tmp, 'dipy', '1.0')
    const c = checkFile(path.basename(sdist), fs.readFileSync(sdist))
    expect(c.problems).toEqual([])
    expect(c.pyversion).toBe('source')
  })

  /** A wheel of the factory with one entry changed after RECORD was written. */
  async function altered(name: string, edit: (files: Record<string, Uint8Array>) => void): Promise<string[]> {
    const wheel = await makeWheel(path.join(tmp, name), {
      name: 'dipy',
      version: '1.0',
      tag: 'cp312-cp312-win_amd64'
    })
    const files = unzipSync(fs.readFileSync(wheel))
    edit(files)
    const z: Zippable = {}
    for (const [k, v] of Object.entries(files)) z[k] = [v, { level: 0 }]
    return checkFile(path.basename(wheel), zipSync(z)).problems
  }
  const meta = 'dipy-1.0.dist-info/METADATA'
  const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s))

  it('a file that does not match RECORD', async () => {
    expect(await altered('a', (f) => (f['dipy/__init__.py'] = text('changed = 1\n')))).toEqual([
      'dipy/__init__.py does not match its RECORD hash',
      'dipy/__init__.py does not match its RECORD size'
    ])
  })

  it('Metadata-Version 2.0 and a version unlike the file name (License next to License-Expression: the Python check)', async () => {
    const problems = await altered('b', (f) => {
      f[meta] = text(
        'Metadata-Version: 2.0\nName: dipy\nVersion: 1.1\nLicense: BSD\nLicense-Expression: BSD-3-Clause\n\n'
      )
    })
    expect(problems.join('\n')).toMatch(/Metadata-Version 2\.0 is not one PyPI accepts/)
    expect(problems.join('\n')).toMatch(/METADATA Version 1\.1 does not match the file name's 1\.0/)
  })

  it('WHEEL tags unlike the file name', async () => {
    const problems = await altered('c', (f) => {
      f['dipy-1.0.dist-info/WHEEL'] = text('Wheel-Version: 1.0\nTag: cp311-cp311-win_amd64\n')
    })
    expect(problems.join('\n')).toContain(
      'WHEEL lists the tags cp311-cp311-win_amd64, the file name says cp312-cp312-win_amd64'
    )
  })
})

describe('index pages', () => {
  it('PEP 503 HTML with #sha256= (as pypiserver serves it)', () => {
    const html =
      '<html><body><h1>Links for dipy</h1>\n' +
      '<a href="../../packages/dipy-1.0-py3-none-any.whl#sha256=ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789">dipy-1.0-py3-none-any.whl</a><br>\n' +
      '<a href="../../packages/dipy-1.0.tar.gz">dipy-1.0.tar.gz</a><br>\n</body></html>'
    expect(parseSimpleHtml(html)).toEqual([
      {
        filename: 'dipy-1.0-py3-none-any.whl',
        sha256: 'abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789'
      },
      { filename: 'dipy-1.0.tar.gz' }
    ])
  })

  it('PEP 691 JSON', () => {
    const body = {
      meta: { 'api-version': '1.1' },
      name: 'dipy',
      files: [
        {
          filename: 'dipy-1.0.tar.gz',
          url: 'https://files.example/dipy-1.0.tar.gz',
          hashes: { sha256: 'AA'.repeat(32) },
          'upload-time': '2026-01-02T03:04:05.000000Z'
        }
      ]
    }
    expect(parseSimpleJson(body)).toEqual([
      { filename: 'dipy-1.0.tar.gz', sha256: 'aa'.repeat(32), uploadTime: '2026-01-02T03:04:05.000000Z' }
    ])
  })
})

describe('upload form fields', () => {
  it('follow the upload API: lower case, - → _, multiple-use fields plural, then the upload fields', () => {
    const m = parseCoreMetadata(
      'Metadata-Version: 2.4\nName: dipy\nVersion: 1.0\nLicense-Expression: BSD-3-Clause\nLicense-File: LICENSE\n' +
        'Classifier: A\nClassifier: B\nRequires-Dist: numpy>=1.22\nProject-URL: Home, https://dipy.org\n\nLong text.\n'
    )
    const fields = formFields({
      basename: 'dipy-1.0-cp312-cp312-win_amd64.whl',
      kind: 'wheel',
      pyversion: 'cp312',
      sha256: 'ab'.repeat(32),
      data: Buffer.alloc(0),
      meta: m
    })
    expect(fields).toEqual([
      ['metadata_version', '2.4'],
      ['name', 'dipy'],
      ['version', '1.0'],
      ['license_expression', 'BSD-3-Clause'],
      ['license_file', 'LICENSE'],
      ['classifiers', 'A'],
      ['classifiers', 'B'],
      ['requires_dist', 'numpy>=1.22'],
      ['project_urls', 'Home, https://dipy.org'],
      ['description', 'Long text.\n'],
      ['pyversion', 'cp312'],
      ['filetype', 'bdist_wheel'],
      ['sha256_digest', 'ab'.repeat(32)],
      [':action', 'file_upload'],
      ['protocol_version', '1']
    ])
  })
})

describe('descriptions twine check renders', () => {
  it('no content type or text/x-rst: rendered once per text; markdown and plain text: not', () => {
    const f = (basename: string, text: string) => ({ basename, meta: parseCoreMetadata(text) })
    const got = rstDescriptions([
      f('a.whl', 'Name: a\n\nSame text.\n'),
      f('b.whl', 'Name: a\nDescription-Content-Type: text/x-rst; charset=UTF-8\n\nSame text.\n'),
      f('c.whl', 'Name: a\nDescription-Content-Type: text/markdown\n\n# Markdown\n'),
      f('d.whl', 'Name: a\nDescription-Content-Type: text/plain\n\nplain\n'),
      f('e.whl', 'Name: a\n\n')
    ])
    expect([...got]).toEqual([['Same text.\n', ['a.whl', 'b.whl']]])
  })
})

describe('the 14-day rule', () => {
  const now = Date.parse('2026-12-02T00:00:00Z')
  const f = (filename: string, uploadTime?: string) => ({ filename, ...(uploadTime ? { uploadTime } : {}) })

  it("dates the release by the oldest upload of any of the version's files, staged or not", () => {
    // The sdist went up from a maintainer's machine 20 days ago; no wheel is on the index yet.
    const age = releaseAge(
      [
        f('dipy-1.0.zip', '2026-11-12T08:00:00Z'),
        f('dipy-0.9-cp312-cp312-win_amd64.whl', '2025-01-01T00:00:00Z'),
        f('dipy-1.0-cp312-cp312-win_amd64.whl', '2026-11-30T10:00:00Z')
      ],
      'dipy',
      '1.0',
      now
    )
    expect(age).toEqual({
      files: 2,
      created: '2026-11-12T08:00:00.000Z',
      closesAt: '2026-11-26T08:00:00.000Z',
      closed: true
    })
    expect(describeAge(age, now)).toContain('closed to new files at 2026-11-26T08:00:00.000Z')
  })

  it('says how many days remain while it is open', () => {
    const age = releaseAge([f('dipy-1.0.tar.gz', '2026-11-30T18:00:00Z')], 'dipy', '1.0', now)
    expect(age.closed).toBe(false)
    // opened 1 day 6 h before now: 12 days 18 h remain
    expect(describeAge(age, now)).toContain(
      '12 day(s) 18 h remain to add files (until 2026-12-14T18:00:00.000Z)'
    )
  })

  it('no file of the version yet, or no upload times (pypiserver): open, and the log says which', () => {
    const none = releaseAge([f('dipy-0.9.tar.gz', '2020-01-01T00:00:00Z')], 'dipy', '1.0', now)
    expect(none).toEqual({ files: 0, closed: false })
    expect(describeAge(none, now)).toContain('no file of this version yet')
    const untimed = releaseAge([f('dipy-1.0.tar.gz')], 'dipy', '1.0', now)
    expect(untimed).toEqual({ files: 1, closed: false })
    expect(describeAge(untimed, now)).toContain('gives no upload times')
  })
})

describe('URLs', () => {
  it('https anywhere, http only to this machine, no credentials', () => {
    expect(checkUrl('pypi-url', 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080/')
    expect(() => checkUrl('pypi-url', 'http://index.example/')).toThrow(
      /http:\/\/index\.example is plain http to another machine: .* Use https:\/\/index\.example\./
    )
    expect(() => checkUrl('pypi-url', 'https://u:p@index.example/')).toThrow(/holds a user name or password/)
  })
})
