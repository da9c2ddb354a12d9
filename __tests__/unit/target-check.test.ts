import { describe, expect, it } from 'vitest'
import { evaluateMarker, parseRequirement, satisfies } from '../../src/python/requirement.js'
import {
  checkTarget,
  formatTargetProblems,
  parseSimpleHtml,
  parseSimpleJson,
  wheelFor,
  windowsMarkers,
  type FetchPage
} from '../../src/python/target-check.js'
import {
  compatibleTags,
  macosPlatforms,
  manylinuxPlatforms,
  parseWheelFilename
} from '../../src/python/wheel-tags.js'

// Expected lists printed by packaging (pip 24's vendored copy): tags.cpython_tags + tags.compatible_tags
// for (3, 12) on win32, and tags.mac_platforms((11, 0), 'arm64').
const PACKAGING_CP312_WIN32 =
  'cp312-cp312-win32 cp312-abi3-win32 cp312-none-win32 cp311-abi3-win32 cp310-abi3-win32 cp39-abi3-win32 cp38-abi3-win32 cp37-abi3-win32 cp36-abi3-win32 cp35-abi3-win32 cp34-abi3-win32 cp33-abi3-win32 cp32-abi3-win32 py312-none-win32 py3-none-win32 py311-none-win32 py310-none-win32 py39-none-win32 py38-none-win32 py37-none-win32 py36-none-win32 py35-none-win32 py34-none-win32 py33-none-win32 py32-none-win32 py31-none-win32 py30-none-win32 cp312-none-any py312-none-any py3-none-any py311-none-any py310-none-any py39-none-any py38-none-any py37-none-any py36-none-any py35-none-any py34-none-any py33-none-any py32-none-any py31-none-any py30-none-any'
const PACKAGING_MAC_11_ARM64 =
  'macosx_11_0_arm64 macosx_11_0_universal2 macosx_10_16_universal2 macosx_10_15_universal2 macosx_10_14_universal2 macosx_10_13_universal2 macosx_10_12_universal2 macosx_10_11_universal2 macosx_10_10_universal2 macosx_10_9_universal2 macosx_10_8_universal2 macosx_10_7_universal2 macosx_10_6_universal2 macosx_10_5_universal2 macosx_10_4_universal2'

describe('PEP 425 tags of a target', () => {
  it('lists what packaging lists for CPython 3.12 on win32, in the same order', () => {
    expect(compatibleTags({ version: '3.12', platforms: ['win32'] }).join(' ')).toBe(PACKAGING_CP312_WIN32)
  })

  it('lists the macOS platforms packaging lists', () => {
    expect(macosPlatforms('11.0', 'arm64').join(' ')).toBe(PACKAGING_MAC_11_ARM64)
    const x86 = macosPlatforms('11.0', 'x86_64')
    expect(x86).toHaveLength(84)
    expect(x86.slice(0, 7)).toEqual([
      'macosx_11_0_x86_64',
      'macosx_11_0_intel',
      'macosx_11_0_fat64',
      'macosx_11_0_fat32',
      'macosx_11_0_universal2',
      'macosx_11_0_universal',
      'macosx_10_16_x86_64'
    ])
    expect(macosPlatforms('10.13', 'x86_64')[0]).toBe('macosx_10_13_x86_64')
    expect(macosPlatforms('10.13', 'x86_64').at(-1)).toBe('macosx_10_4_universal')
  })

  it('lists manylinux down to the oldest glibc with the legacy aliases', () => {
    expect(manylinuxPlatforms(28, 'aarch64').slice(-3)).toEqual([
      'manylinux_2_17_aarch64',
      'manylinux2014_aarch64',
      'linux_aarch64'
    ])
    expect(manylinuxPlatforms(17, 'x86_64')).toContain('manylinux1_x86_64')
  })

  it('expands compressed tag sets of a wheel file name', () => {
    expect(parseWheelFilename('six-1.16.0-py2.py3-none-any.whl')?.tags).toEqual([
      'py2-none-any',
      'py3-none-any'
    ])
    expect(parseWheelFilename('numpy-2.3.0-1-cp312-cp312-win32.whl')).toEqual({
      name: 'numpy',
      version: '2.3.0',
      tags: ['cp312-cp312-win32']
    })
    expect(parseWheelFilename('scipy-1.17.1.tar.gz')).toBeUndefined()
  })
})

describe('requirements', () => {
  it('parses names, specifiers and markers', () => {
    expect(parseRequirement('SciPy>=1.8.0, <2 ; python_version >= "3.11"')).toEqual({
      text: 'SciPy>=1.8.0, <2 ; python_version >= "3.11"',
      name: 'scipy',
      specifiers: [
        { op: '>=', version: '1.8.0' },
        { op: '<', version: '2' }
      ],
      marker: 'python_version >= "3.11"'
    })
    expect(parseRequirement('meson_python')?.name).toBe('meson-python')
    expect(parseRequirement('pkg @ https://example.invalid/pkg.whl')).toBeUndefined()
  })

  it('compares versions as PEP 440 releases', () => {
    const r = parseRequirement('numpy>=2.0.0,!=2.1.*,<2.5')!
    expect(satisfies('2.0.0', r)).toBe(true)
    expect(satisfies('2.1.3', r)).toBe(false)
    expect(satisfies('2.10.0', r)).toBe(false)
    expect(satisfies('1.26.4', r)).toBe(false)
    expect(satisfies('2.3.0rc1', r)).toBe(false)
    expect(satisfies('2.2.0', parseRequirement('numpy~=2.2')!)).toBe(true)
    expect(satisfies('3.0.0', parseRequirement('numpy~=2.2')!)).toBe(false)
  })

  it('evaluates markers for the target', () => {
    const win32 = windowsMarkers('3.12', 'AMD64')
    expect(evaluateMarker('sys_platform == "win32"', win32)).toBe(true)
    expect(evaluateMarker("sys_platform != 'win32' and python_version >= '3.8'", win32)).toBe(false)
    expect(
      evaluateMarker("(os_name == 'posix' or python_version < '3.10') or platform_system == 'Windows'", win32)
    ).toBe(true)
    expect(evaluateMarker("python_version >= '3.13'", win32)).toBe(false)
    expect(evaluateMarker("extra == 'test'", win32)).toBe(true)
  })
})

describe('index pages', () => {
  it('reads PEP 691 JSON, yanked files marked', () => {
    expect(
      parseSimpleJson(
        '{"meta":{"api-version":"1.1"},"name":"h5py","files":[{"filename":"h5py-3.16.0.tar.gz","url":"x","hashes":{}},{"filename":"h5py-3.15.0-cp312-cp312-win_amd64.whl","url":"y","hashes":{},"yanked":"broken"}]}'
      )
    ).toEqual([
      { filename: 'h5py-3.16.0.tar.gz', yanked: false },
      { filename: 'h5py-3.15.0-cp312-cp312-win_amd64.whl', yanked: true }
    ])
  })

  it('reads PEP 503 HTML', () => {
    const html =
      '<!DOCTYPE html><html><body><h1>Links for scipy</h1>\n' +
      '<a href="/packages/scipy-1.17.1-cp312-cp312-win_amd64.whl#sha256=ab" data-requires-python="&gt;=3.11">scipy-1.17.1-cp312-cp312-win_amd64.whl</a><br/>\n' +
      '<a href="../../packages/scipy-1.17.1.tar.gz#sha256=cd" data-yanked="">scipy-1.17.1.tar.gz</a><br/></body></html>'
    expect(parseSimpleHtml(html)).toEqual([
      { filename: 'scipy-1.17.1-cp312-cp312-win_amd64.whl', yanked: false },
      { filename: 'scipy-1.17.1.tar.gz', yanked: true }
    ])
  })
})

describe('fail early for a target', () => {
  const win32 = { version: '3.12', platforms: ['win32'] }
  const files = (names: string[]) => names.map((filename) => ({ filename, yanked: false }))

  it('finds an abi3 or pure wheel for the target', () => {
    const cython = files(['cython-3.1.2-cp39-abi3-win32.whl', 'cython-3.1.2.tar.gz'])
    expect(wheelFor(parseRequirement('cython>=3.0')!, cython, win32)).toEqual({
      ok: true,
      wheel: 'cython-3.1.2-cp39-abi3-win32.whl'
    })
    expect(
      wheelFor(parseRequirement('meson-python')!, files(['meson_python-0.18.0-py3-none-any.whl']), win32).ok
    ).toBe(true)
  })

  it('names a requirement with wheels only for other targets, and its sdist', async () => {
    const index: Record<string, string[]> = {
      scipy: [
        'scipy-1.17.1-cp312-cp312-win_amd64.whl',
        'scipy-1.17.1-cp312-cp312-win_arm64.whl',
        'scipy-1.17.1.tar.gz'
      ],
      numpy: ['numpy-2.3.0-cp312-cp312-win32.whl'],
      h5py: ['h5py-3.16.0-cp312-cp312-win_amd64.whl'],
      pytest: ['pytest-8.4.0-py3-none-any.whl']
    }
    const asked: string[] = []
    const fetchPage: FetchPage = async (url) => {
      asked.push(url)
      const name = /\/([^/]+)\/$/.exec(url)![1]
      if (!index[name]) return { status: 404, contentType: 'text/html', body: 'not found' }
      const body = JSON.stringify({
        files: index[name].map((filename) => ({ filename, url: filename, hashes: {} }))
      })
      return { status: 200, contentType: 'application/vnd.pypi.simple.v1+json', body }
    }
    const problems = await checkTarget({
      indexUrl: 'https://index.invalid/simple/',
      target: win32,
      markers: windowsMarkers('3.12', 'AMD64'),
      buildRequires: ['numpy>=2.0', 'scipy>=1.8.0', 'wheel; sys_platform != "win32"'],
      testRequires: ['h5py', 'pytest', 'nosuchproject'],
      fetchPage
    })
    expect(asked).toEqual([
      'https://index.invalid/simple/numpy/',
      'https://index.invalid/simple/scipy/',
      'https://index.invalid/simple/h5py/',
      'https://index.invalid/simple/pytest/',
      'https://index.invalid/simple/nosuchproject/'
    ])
    expect(problems).toEqual([
      {
        kind: 'build',
        requirement: 'scipy>=1.8.0',
        why: 'no wheel for cp312-…-win32 (2 wheels of matching versions, all for other targets, e.g. scipy-1.17.1-cp312-cp312-win_amd64.whl); only sdists (1.17.1), which pip would compile from source'
      },
      {
        kind: 'test',
        requirement: 'h5py',
        why: 'no wheel for cp312-…-win32 (1 wheel of matching versions, all for other targets, e.g. h5py-3.16.0-cp312-cp312-win_amd64.whl); no sdist either'
      },
      { kind: 'test', requirement: 'nosuchproject', why: 'the index has no project nosuchproject' }
    ])
    const message = formatTargetProblems(problems, 'cp312-cp312-win32')
    expect(message).toMatch(/^Cannot build for cp312-cp312-win32: 3 requirements have no wheel for it\./)
    expect(message).toContain('- build requirement scipy>=1.8.0: ')
    expect(message).toContain('Nothing was compiled.')
  })
})
