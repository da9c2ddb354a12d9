import { describe, expect, it } from 'vitest'
import { evaluateMarker, parseRequirement, satisfies } from '../../src/python/requirement.js'
import {
  formatTargetProblems,
  indexVersions,
  pipCouldNotAsk,
  pipNotFound,
  planSdistQuery,
  planWheelQuery,
  problemFor,
  reportedWheels,
  targetRequirements
} from '../../src/python/target-check.js'
import { macosPlatforms } from '../../src/platforms/macos-target.js'
import { windowsMarkers } from '../../src/platforms/windows-job.js'

// Expected lists printed by packaging (pip 24's vendored copy): tags.cpython_tags + tags.compatible_tags
// tags.mac_platforms((11, 0), 'arm64').
const PACKAGING_MAC_11_ARM64 =
  'macosx_11_0_arm64 macosx_11_0_universal2 macosx_10_16_universal2 macosx_10_15_universal2 macosx_10_14_universal2 macosx_10_13_universal2 macosx_10_12_universal2 macosx_10_11_universal2 macosx_10_10_universal2 macosx_10_9_universal2 macosx_10_8_universal2 macosx_10_7_universal2 macosx_10_6_universal2 macosx_10_5_universal2 macosx_10_4_universal2'

describe('the platform tags of a target', () => {
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

describe("pip's questions for a target", () => {
  const win32 = { version: '3.12', platforms: ['win32'] }
  const TARGET = ['--platform', 'win32', '--python-version', '3.12', '--implementation', 'cp']
  const ABIS = ['--abi', 'cp312', '--abi', 'abi3', '--abi', 'none']

  it('a wheel of each requirement for the tags, resolved without installing or building anything', () => {
    expect(planWheelQuery('C:\\py\\python.exe', win32, ['numpy>=2.0', 'scipy>=1.8.0'])).toEqual({
      command: 'C:\\py\\python.exe',
      args: [
        ...['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--no-deps'],
        ...[
          '--only-binary',
          ':all:',
          '--disable-pip-version-check',
          '--no-input',
          '--quiet',
          '--report',
          '-'
        ],
        ...TARGET,
        ...ABIS,
        '--',
        'numpy>=2.0',
        'scipy>=1.8.0'
      ]
    })
  })

  it('every macOS platform the target accepts is given', () => {
    const args = planWheelQuery('python3', { version: '3.13', platforms: macosPlatforms('11.0', 'arm64') }, [
      'numpy'
    ]).args
    expect(args.filter((_, i) => args[i - 1] === '--platform')).toEqual(PACKAGING_MAC_11_ARM64.split(' '))
  })

  it('the sdists of a project, for the same Python', () => {
    expect(planSdistQuery('python', win32, 'scipy').args).toEqual([
      ...[
        '-m',
        'pip',
        'index',
        'versions',
        '--no-binary',
        ':all:',
        '--disable-pip-version-check',
        '--no-input'
      ],
      ...TARGET,
      ...ABIS,
      '--',
      'scipy'
    ])
  })
})

describe("pip's answers", () => {
  it('the wheels of a --report', () => {
    const report = JSON.stringify({
      version: '1',
      install: [
        { download_info: { url: 'https://files.example/p/numpy-2.3.0-cp312-cp312-win32.whl#sha256=ab' } },
        { download_info: { url: 'file:///srv/meson_python-0.18.0-py3-none-any.whl' } }
      ]
    })
    expect(reportedWheels(report)).toEqual([
      'numpy-2.3.0-cp312-cp312-win32.whl',
      'meson_python-0.18.0-py3-none-any.whl'
    ])
    expect(reportedWheels('not json')).toEqual([])
  })

  it('what pip could not find, as pip 26 prints it', () => {
    const err =
      'ERROR: Could not find a version that satisfies the requirement scipy>=1.8 (from versions: none)\n' +
      'ERROR: No matching distribution found for scipy>=1.8\n'
    expect(pipNotFound(err)).toEqual(['scipy>=1.8'])
    expect(pipCouldNotAsk(err)).toBe(false)
  })

  it('an index pip could not read is not an answer', () => {
    const err =
      "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError(...)': /simple/scipy/\n" +
      'ERROR: No matching distribution found for scipy'
    expect(pipCouldNotAsk(err)).toBe(true)
  })

  it('the versions pip index versions lists', () => {
    expect(indexVersions('scipy (1.18.1)\nAvailable versions: 1.18.1, 1.18.0, 1.9.3\n')).toEqual([
      '1.18.1',
      '1.18.0',
      '1.9.3'
    ])
    expect(indexVersions('')).toEqual([])
  })
})

describe('fail early for a target', () => {
  const markers = windowsMarkers('3.12', 'AMD64')

  it('keeps the requirements whose markers fit the target, and gives pip each without its marker', () => {
    const reqs = targetRequirements(
      ['numpy>=2.0', 'wheel; sys_platform != "win32"', 'tomli; python_version < "3.13"'],
      ['h5py'],
      markers
    )
    expect(reqs.map((r) => [r.kind, r.pipText])).toEqual([
      ['build', 'numpy>=2.0'],
      ['build', 'tomli'],
      ['test', 'h5py']
    ])
  })

  it('names the tag, and whether pip would compile an sdist of a matching version instead', () => {
    const [scipy, h5py] = targetRequirements(['scipy>=1.8.0'], ['h5py<3'], markers)
    expect(problemFor(scipy, 'cp312-cp312-win32', ['1.18.1', '1.5.4'])).toEqual({
      kind: 'build',
      requirement: 'scipy>=1.8.0',
      why: 'pip finds no wheel for cp312-cp312-win32; only an sdist (1.18.1), which pip would compile from source'
    })
    expect(problemFor(h5py, 'cp312-cp312-win32', ['3.16.0']).why).toBe(
      'pip finds no wheel for cp312-cp312-win32; no sdist either'
    )
    const message = formatTargetProblems([problemFor(scipy, 'cp312-cp312-win32', [])], 'cp312-cp312-win32')
    expect(message).toMatch(/^Cannot build for cp312-cp312-win32: 1 requirement has no wheel for it\./)
    expect(message).toContain('Nothing was compiled.')
  })
})
