import { createHash } from 'node:crypto'
import { zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import {
  dependenciesOf,
  inspectWheel,
  parseCoreMetadata,
  parseRequirement,
  stageBody,
  wheelFileAttrs
} from '../../src/publish/anaconda/metadata.js'

const METADATA = [
  'Metadata-Version: 2.1',
  'Name: PyWavelets',
  'Version: 1.2.0.dev0+git20240101.abc123',
  'Summary: Wavelet transforms in Python',
  'Home-page: https://example.org/pywt',
  'License: MIT',
  'Requires-Dist: numpy (>=1.22.4,<3.0)',
  'Requires-Dist: Scipy_Extra.Tools>=1.8',
  "Requires-Dist: pytest>=7 ; extra == 'test'",
  'Requires-Dist: tqdm; python_version < "3.10"',
  'Requires-Dist: h5py[full]',
  '',
  'Long description',
  'second line',
  '',
  ''
].join('\n')

function wheelBytes(files: Record<string, string>): Buffer {
  return Buffer.from(zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)]))))
}

describe('parseCoreMetadata', () => {
  it('reads headers in order, folded lines and the body', () => {
    const m = parseCoreMetadata('Name: a\nDescription: one\n        two\nName: b\n\nbody\n')
    expect(m.headers).toEqual([
      ['Name', 'a'],
      ['Description', 'one\ntwo'],
      ['Name', 'b']
    ])
    expect(m.body).toBe('body\n')
  })
})

describe('parseRequirement', () => {
  it.each([
    [
      'numpy (>=1.22.4,<3.0)',
      'numpy',
      [
        ['>=', '1.22.4'],
        ['<', '3.0']
      ],
      ''
    ],
    ['Scipy_Extra.Tools>=1.8', 'scipy-extra-tools', [['>=', '1.8']], ''],
    ['h5py[full] ~=3.1 ; os_name == "nt"', 'h5py', [['~=', '3.1']], 'os_name == "nt"'],
    ['plain', 'plain', [], '']
  ])('%s', (req, name, specs, marker) => {
    expect(parseRequirement(req)).toEqual({ name, specs, marker })
  })
})

describe('wheelFileAttrs', () => {
  it('5 parts: build_no 0; abi none → null', () => {
    expect(wheelFileAttrs('dipy-1.9.0-py3-none-any.whl')).toEqual({
      build_no: 0,
      python_version: 'py3',
      abi: null,
      packagetype: 'bdist_wheel'
    })
  })
  it('6 parts: the build tag as a string', () => {
    expect(wheelFileAttrs('dipy-1.9.0-1-cp312-cp312-manylinux_2_28_x86_64.whl')).toEqual({
      build_no: '1',
      python_version: 'cp312',
      abi: 'cp312',
      packagetype: 'bdist_wheel'
    })
  })
  it('refuses other shapes', () => {
    expect(() => wheelFileAttrs('dipy-1.9.0.whl')).toThrow(/Bad wheel package name/)
    expect(() => wheelFileAttrs('dipy-1.9.0.tar.gz')).toThrow(/not a wheel/)
  })
})

describe('inspectWheel', () => {
  const basename = 'pywavelets-1.2.0.dev0+git20240101.abc123-cp312-cp312-manylinux_2_28_x86_64.whl'
  const bytes = wheelBytes({
    'pywt/__init__.py': '',
    'pywavelets-1.2.0.dev0+git20240101.abc123.dist-info/METADATA': METADATA,
    'pywt/sub.dist-info/METADATA': 'Name: wrong\nVersion: 0\n'
  })
  const w = inspectWheel(`/tmp/x/${basename}`, bytes)

  it('takes Name and Version verbatim and builds the package and release bodies of §1.3', () => {
    expect([w.name, w.version, w.basename, w.size]).toEqual([
      'PyWavelets',
      '1.2.0.dev0+git20240101.abc123',
      basename,
      bytes.length
    ])
    expect(w.packageBody).toEqual({
      public: true,
      publish: false,
      public_attrs: {
        name: 'PyWavelets',
        summary: 'Wavelet transforms in Python',
        license: { name: 'MIT', url: null, family: null },
        package_types: ['pypi']
      }
    })
    expect(w.releaseBody).toEqual({
      requirements: [],
      announce: null,
      description: 'Long description\nsecond line',
      version: '1.2.0.dev0+git20240101.abc123',
      home_page: 'https://example.org/pywt'
    })
  })

  it('builds the stage body: attrs from the file name, sorted dependencies, labels, sha256', () => {
    const body = stageBody(w, ['dev', 'main'])
    expect(Object.keys(body)).toEqual([
      'distribution_type',
      'description',
      'attrs',
      'dependencies',
      'channels',
      'sha256'
    ])
    expect(body).toEqual({
      distribution_type: 'pypi',
      description: null,
      attrs: { build_no: 0, python_version: 'cp312', abi: 'cp312', packagetype: 'bdist_wheel' },
      dependencies: {
        has_dep_errors: false,
        depends: [
          { name: 'h5py', specs: [] },
          {
            name: 'numpy',
            specs: [
              ['>=', '1.22.4'],
              ['<', '3.0']
            ]
          },
          { name: 'scipy-extra-tools', specs: [['>=', '1.8']] }
        ],
        extras: [{ name: 'test', depends: [{ name: 'pytest', specs: [['>=', '7']] }] }],
        environments: [{ name: 'python_version < "3.10"', depends: [{ name: 'tqdm', specs: [] }] }]
      },
      channels: ['dev', 'main'],
      sha256: createHash('sha256').update(bytes).digest('hex')
    })
    expect(w.md5Base64).toBe(createHash('md5').update(bytes).digest('base64'))
  })

  it('treats UNKNOWN as missing and falls back to the name for a missing summary', () => {
    const m = parseCoreMetadata('Name: x\nVersion: 1\nSummary: UNKNOWN\nLicense: UNKNOWN\n')
    expect(dependenciesOf(m)).toEqual({ has_dep_errors: false, depends: [], extras: [], environments: [] })
    const x = inspectWheel(
      'x-1-py3-none-any.whl',
      wheelBytes({ 'x-1.dist-info/METADATA': 'Name: x\nVersion: 1\nSummary: UNKNOWN\n' })
    )
    expect(x.packageBody).toMatchObject({ public_attrs: { summary: 'x', license: { name: null } } })
  })

  it('refuses a file that is not a wheel, or has no METADATA', () => {
    expect(() => inspectWheel('x-1-py3-none-any.whl', Buffer.from('not a zip'))).toThrow(/not a valid wheel/)
    expect(() => inspectWheel('x-1-py3-none-any.whl', wheelBytes({ 'x/__init__.py': '' }))).toThrow(
      /no \*\.dist-info\/METADATA/
    )
  })
})
