/**
 * PyPI's own rules, before the first POST (issue 19): a staged set holding one file per rule (platform
 * tags, Metadata-Version, classifiers, License-Expression, License-File in a wheel and an sdist, e-mail,
 * Project-URL labels, Dynamic, entry_points.txt) is refused with every file and rule named and nothing
 * sent to the real pypiserver; files PyPI takes that the earlier checks refused go up, with the form
 * fields per Metadata-Version as twine sends them. Expected rules and messages come from
 * pypi/warehouse (forklift/legacy.py, forklift/metadata.py, utils/wheel.py) and packaging's metadata spec.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'
import { startPypiServer, VENV_BIN, type PypiServer } from '../harness/pypiserver.js'
import { stage } from '../harness/release-fixture.js'
import { tarGz } from '../harness/sdist-factory.js'
import { makeWheel, type WheelSpec } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'

const STAGE_TOKEN = 'stageWrite1'
const PYPI_TOKEN = 'pypi-AgEtestonlytoken'
const V = '1.0.0'
const DI = `dipy-${V}.dist-info`

let anaconda: AnacondaServer
let tmp: string
let pypi: PypiServer | undefined
let stub: OidcStub | undefined
let orgs = 0

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 6 }, (_, i) => `rules${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rules-e2e-'))
})
afterEach(async () => {
  await stub?.close()
  await pypi?.close()
  stub = pypi = undefined
})
afterAll(async () => {
  await anaconda?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const meta = (version: string, lines: string[]): string =>
  [
    `Metadata-Version: ${version}`,
    'Name: dipy',
    `Version: ${V}`,
    'Summary: s',
    ...lines,
    '',
    'Body.',
    ''
  ].join('\n')

/** A wheel with its own build tag (so every file name differs). */
let build = 0
async function wheel(spec: Partial<WheelSpec>): Promise<string> {
  return makeWheel(path.join(tmp, `w${++build}`), {
    name: 'dipy',
    version: V,
    tag: 'py3-none-any',
    build: String(build),
    ...spec
  })
}

async function sdist(pkgInfo: string, extra: Array<[string, string]> = []): Promise<string> {
  const dir = fs.mkdtempSync(path.join(tmp, 'sd-'))
  const file = path.join(dir, `dipy-${V}.tar.gz`)
  fs.writeFileSync(file, tarGz([[`dipy-${V}/PKG-INFO`, pkgInfo], ...extra]))
  return file
}

async function release(files: string[], over: Record<string, string> = {}) {
  const owner = `rules${orgs++}`
  await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', V, files)
  pypi = await startPypiServer({ user: '__token__', password: PYPI_TOKEN })
  stub = await startOidcStub({ upstream: pypi.url, mintedToken: 'unused' })
  return runAction({
    inputs: {
      command: 'release',
      version: V,
      expected: files.map((f) => path.basename(f)).join('\n'),
      'staging-channel': owner,
      'anaconda-url': anaconda.url,
      'pypi-url': `${stub.url}/`,
      'pypi-index-url': `${stub.url}/simple/`,
      'pypi-token': PYPI_TOKEN,
      ...over
    },
    // The test venv holds requirements/release.txt's pins: the release uses it instead of making one.
    env: { DIPY_WHEELS_RETRY_BASE_MS: '5', PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}` }
  })
}

const posts = (): number => stub!.requests.filter((r) => r === 'POST /').length

describe("PyPI's rules before the first POST", () => {
  it('a set with one file per rule: every file and rule named, nothing sent', async () => {
    const cases: Array<[string, string]> = []
    const add = (file: string, rule: string): void => void cases.push([file, rule])
    add(
      await wheel({ tag: 'cp312-cp312-macosx_11_3_arm64' }),
      'the platform tag macosx_11_3_arm64 is not one PyPI accepts'
    )
    add(
      await wheel({ tag: 'cp312-cp312-musllinux_1_2_ppc64' }),
      'the platform tag musllinux_1_2_ppc64 is not one PyPI accepts'
    )
    add(await wheel({ metadata: meta('2.0', []) }), 'Metadata-Version 2.0 is not one PyPI accepts')
    add(
      await wheel({ metadata: meta('2.4', ['Classifier: Programming Language :: Cobol :: 3']) }),
      "classifier: 'Programming Language :: Cobol :: 3' is not a trove classifier (trove-classifiers)"
    )
    add(
      await wheel({ metadata: meta('2.4', ['License-Expression: BSD-3-Clause OR Nonsense-1.0']) }),
      "license-expression: 'BSD-3-Clause OR Nonsense-1.0' is invalid for 'license-expression'"
    )
    add(
      await wheel({ metadata: meta('2.1', ['License-Expression: BSD-3-Clause']) }),
      'license-expression: license-expression introduced in metadata version 2.4, not 2.1 (packaging.metadata)'
    )
    add(
      await wheel({
        metadata: meta('2.4', ['License-Expression: BSD-3-Clause', 'License-File: LICENSE.txt'])
      }),
      `License-File LICENSE.txt is not at ${DI}/licenses/LICENSE.txt`
    )
    add(
      await wheel({ metadata: meta('2.4', ['Import-Name: dipy']) }),
      'import-name: import-name introduced in metadata version 2.5, not 2.4 (packaging.metadata)'
    )
    add(
      await wheel({ metadata: meta('2.4', ['Author-email: DIPY <dipy at python.org>']) }),
      "author-email: 'dipy at python.org' is not a valid e-mail address"
    )
    add(
      await wheel({
        metadata: meta('2.4', ['Project-URL: The documentation of this project, https://dipy.org'])
      }),
      "project-url: the label 'The documentation of this project' is longer than 32 characters"
    )
    add(
      await wheel({ metadata: meta('2.4', ['Home-page: javascript:alert(1)']) }),
      "home-page: 'javascript:alert(1)' is not a valid http(s) URL (rfc3986)"
    )
    add(
      await wheel({ metadata: meta('2.4', ['Dynamic: Version']) }),
      "dynamic: 'version' is not allowed as a dynamic field (packaging.metadata)"
    )
    add(
      await wheel({ metadata: meta('2.4', ['License: BSD', 'License-Expression: BSD-3-Clause']) }),
      'license: License next to License-Expression, which PyPI refuses'
    )
    add(
      await wheel({
        extraFiles: { [`${DI}/entry_points.txt`]: '[console_scripts]\n../dipy_fit = dipy.cli:run\n' }
      }),
      "entry_points.txt: [console_scripts] name '../dipy_fit' is not letters, digits, _ . -"
    )
    add(
      await sdist(meta('2.4', ['License-Expression: BSD-3-Clause', 'License-File: LICENSE'])),
      `License-File LICENSE is not at dipy-${V}/LICENSE`
    )
    const run = await release(cases.map(([f]) => f))
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('PyPI would refuse these files; nothing was uploaded')
    for (const [file, rule] of cases) {
      expect(problemsOf(run.log, path.basename(file)), run.log.slice(-4000)).toContainEqual(
        expect.stringContaining(rule)
      )
    }
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
  })

  it('files PyPI takes go up: linux_armv7l, fat3, License-File below 2.4, RECORD.jws, Import-Name in 2.5', async () => {
    const files = [
      await wheel({ tag: 'cp312-cp312-linux_armv7l' }),
      await wheel({ tag: 'cp312-cp312-macosx_10_9_fat3' }),
      await wheel({ tag: 'cp312-cp312-macosx_11_0_i386' }),
      // setuptools wrote License-File into 2.1 metadata: twine drops it, so PyPI never looks for it.
      await wheel({ metadata: meta('2.1', ['License-File: LICENSE']) }),
      await wheel({
        metadata: meta('2.5', [
          'License-Expression: BSD-3-Clause',
          'License-File: LICENSE',
          'Import-Name: dipy'
        ]),
        extraFiles: { [`${DI}/licenses/LICENSE`]: 'BSD-3-Clause\n' },
        unrecorded: { [`${DI}/RECORD.jws`]: '{}' }
      }),
      await sdist(meta('2.4', ['License-Expression: BSD-3-Clause', 'License-File: LICENSE']), [
        [`dipy-${V}/LICENSE`, 'BSD-3-Clause\n']
      ])
    ]
    const run = await release(files)
    expect(run.exitCode, run.log.slice(-4000)).toBe(0)
    expect(pypi!.files()).toEqual(files.map((f) => path.basename(f)).sort())
    const form = (file: string): Array<[string, string]> =>
      stub!.forms.find((f) => f.some(([k, v]) => k === 'content' && v === path.basename(file)))!
    const keys = (file: string): string[] => form(file).map(([k]) => k)
    expect(keys(files[3])).not.toContain('license_file')
    expect(form(files[4])).toEqual(
      expect.arrayContaining([
        ['license_file', 'LICENSE'],
        ['import_name', 'dipy'],
        ['metadata_version', '2.5']
      ])
    )
  })
})

describe('the form fields', () => {
  // twine's own fields for a file (pypa/twine: PackageFile.metadata_dictionary, then the list of tuples the
  // upload POST sends), from the twine of the test venv; blake2_256_digest is the one field not sent here.
  const TWINE = [
    'import json, sys',
    'from twine.package import PackageFile',
    'from twine.repository import Repository',
    'p = PackageFile.from_filename(sys.argv[1], None)',
    'fields = Repository._convert_metadata_to_list_of_tuples(p.metadata_dictionary())',
    'print(json.dumps([[k, v] for k, v in fields if k != "blake2_256_digest"]))'
  ].join('\n')

  it.each([
    [
      '2.1 with a License-File setuptools wrote',
      meta('2.1', ['License-File: LICENSE', 'Keywords: mri,diffusion ,dti'])
    ],
    [
      '2.4 with classifiers, Project-URLs and requirements',
      meta('2.4', [
        'License-Expression: BSD-3-Clause',
        'License-File: LICENSE',
        'Classifier: Programming Language :: Python :: 3',
        'Classifier: Topic :: Scientific/Engineering',
        'Requires-Dist: numpy>=1.22',
        'Requires-Dist: fury; extra == "viz"',
        'Provides-Extra: viz',
        'Project-URL: homepage,https://dipy.org',
        'Project-URL: source, https://github.com/dipy/dipy'
      ])
    ]
  ])('are those twine sends: %s', async (_, text) => {
    const file = await wheel({ metadata: text, extraFiles: { [`${DI}/licenses/LICENSE`]: 'BSD\n' } })
    const run = await release([file])
    expect(run.exitCode, run.log.slice(-3000)).toBe(0)
    const { execFileSync } = await import('node:child_process')
    const twine = JSON.parse(
      execFileSync(path.join(VENV_BIN, 'python'), ['-c', TWINE, file], { encoding: 'utf8' })
    )
    const ours = stub!.forms[0].filter(([k]) => !['content', ':action', 'protocol_version'].includes(k))
    const sorted = (l: string[][]): string[] => l.map((kv) => JSON.stringify(kv)).sort()
    expect(sorted(ours)).toEqual(sorted(twine))
  })
})

/** The problems the error lists under one file: its indented lines after `  <file>:` (%0A: a new line). */
function problemsOf(log: string, file: string): string[] {
  const lines = log.replace(/%0A/g, '\n').split('\n')
  const at = lines.findIndex((l) => l.endsWith(`  ${file}:`))
  if (at < 0) return []
  const out: string[] = []
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('    ')) break
    out.push(l.trim())
  }
  return out
}
