/**
 * `command: release` through the bundle: the anaconda.org test server holds the staged set, a real
 * pypiserver (behind the Trusted Publishing stub, which passes every other request on and counts them)
 * receives it. The files on pypiserver are byte-identical to the staged ones and pip installs the right one.
 * (Trusted Publishing: release-trusted-publishing; inputs and the CLI: release-inputs-cli; the set-up:
 * harness/release-suite.ts.)
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { beforeAll, describe, expect, it } from 'vitest'
import { exec } from '../harness/pip-venv.js'
import { VENV_BIN } from '../harness/pypiserver.js'
import { stage } from '../harness/release-fixture.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { start as startArtifactService } from '../servers/artifact.js'
import { explain, names, releaseSuite, STAGE_TOKEN, VERSION } from '../harness/release-suite.js'
import type { PypiServer } from '../harness/pypiserver.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'
import type { OidcStub } from '../servers/oidc.js'

const s = releaseSuite({ prefix: 'rel', orgs: 24 })
const { release, posts, expectOnIndex } = s
let anaconda: AnacondaServer
let tmp: string
let files: string[]
let pypi: PypiServer | undefined
let stub: OidcStub | undefined
beforeAll(() => {
  ;({ anaconda, tmp, files } = s)
})

/** A fresh channel holding `which` of the files, and a fresh pypiserver behind the stub. */
async function setup(which = files, password?: string): Promise<string> {
  const owner = await s.setup(which, password)
  ;({ pypi, stub } = s)
  return owner
}

describe('release through the bundle', () => {
  it('uploads the complete set byte-identical, sdist last, and pip installs the right wheel', async () => {
    const owner = await setup()
    const artifacts = await startArtifactService()
    const run = await release(owner, {}, artifacts.env).finally(() => artifacts.close())
    expect(run.exitCode, explain(run)).toBe(0)
    expectOnIndex(files)
    expect(JSON.parse(run.outputs.uploaded)).toEqual(
      names(files).sort((a, b) => Number(a.endsWith('.gz')) - Number(b.endsWith('.gz')))
    )
    expect(JSON.parse(run.outputs.skipped)).toEqual([])
    expect(JSON.parse(run.outputs.missing)).toEqual([])
    // The sdist went up last.
    const order = [...run.log.matchAll(/^uploaded (\S+)/gm)].map((m) => m[1])
    expect(order.at(-1)).toBe('dipy-1.0.0.tar.gz')
    expect(run.summary).toContain('cp311-cp311-manylinux_2_28_x86_64')
    // SHA256SUMS in the sha256sum format, checked by sha256sum itself.
    const sums = path.join(run.temp, 'release', 'SHA256SUMS')
    const check = await exec('sha256sum', ['--check', sums], { cwd: path.join(tmp, 'dist') })
    expect(check.code, check.output).toBe(0)
    // ... and the same file as the run's artifact.
    const artifact = artifacts.artifacts.get(`sha256sums-dipy-${VERSION}`)
    expect(artifact?.finalized).toBe(true)
    const zipped = unzipSync(new Uint8Array(artifact!.zip))
    expect(Object.keys(zipped)).toEqual(['SHA256SUMS'])
    expect(Buffer.from(zipped.SHA256SUMS).equals(fs.readFileSync(sums))).toBe(true)
    // pip, from pypiserver, picks the cp311 manylinux wheel on this host.
    const target = path.join(run.root, 'site')
    const pip = await exec(
      path.join(VENV_BIN, 'python'),
      [
        '-m',
        'pip',
        'install',
        '--no-deps',
        '--no-cache-dir',
        '--disable-pip-version-check',
        '--index-url',
        `${pypi!.simpleUrl}/`,
        '--target',
        target,
        `dipy==${VERSION}`
      ],
      { env: { PATH: process.env.PATH, PIP_CONFIG_FILE: '/dev/null', HOME: run.root } }
    )
    expect(pip.code, pip.output).toBe(0)
    expect(fs.readFileSync(path.join(target, 'dipy', '__init__.py'), 'utf8')).toContain(
      'TAG = "cp311-cp311-manylinux_2_28_x86_64"'
    )

    // A second run finds everything there and sends nothing.
    const before = posts()
    const again = await release(owner)
    expect(again.exitCode, explain(again)).toBe(0)
    expect(posts()).toBe(before)
    expect(JSON.parse(again.outputs.skipped)).toEqual(
      names(files).sort((a, b) => Number(a.endsWith('.gz')) - Number(b.endsWith('.gz')))
    )
  })

  it('stops before any upload when a platform is missing, and prints the slot matrix', async () => {
    const owner = await setup(files.filter((f) => !f.includes('win_amd64')))
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(/no staged file matches dipy-\*-cp311-cp311-win_amd64\.whl/)
    expect(run.log).toMatch(/win_amd64\s+✗ missing/)
    expect(JSON.parse(run.outputs.missing)).toEqual(['dipy-*-cp311-cp311-win_amd64.whl'])
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
  })

  it('stops before any upload when a staged file does not match its sha256', async () => {
    const owner = await setup()
    const victim = anaconda.files(owner).find((f) => f.basename.includes('cp312'))!
    victim.data[victim.data.length - 30] ^= 0xff // the server's copy, not its record
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain(`${victim.basename} downloaded from the staging channel does not match: sha256`)
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
  })

  it('resumes an interrupted release: the files already there are skipped, the rest uploaded', async () => {
    const owner = await setup()
    const there = files.filter((f) => f.includes('cp311'))
    for (const f of there) fs.copyFileSync(f, path.join(pypi!.dir, path.basename(f)))
    const run = await release(owner)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(JSON.parse(run.outputs.skipped)).toEqual(names(there))
    expect(JSON.parse(run.outputs.uploaded).sort()).toEqual(names(files.filter((f) => !there.includes(f))))
    expect(posts()).toBe(files.length - there.length)
    expectOnIndex(files)
  })

  it('a lost answer (503 after the file was stored): the index is read again and the file counts as uploaded', async () => {
    const owner = await setup()
    stub!.loseAnswers(2)
    const run = await release(owner)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(run.log).toMatch(/reading the index before trying again/)
    expect(posts()).toBe(files.length) // no file was sent twice
    expect(JSON.parse(run.outputs.uploaded)).toHaveLength(files.length)
    expectOnIndex(files)
  })

  it('lists the channel again while an expected file has not shown up yet', async () => {
    const late = files.find((f) => f.includes('win_amd64'))!
    const owner = await setup(files.filter((f) => f !== late))
    const from = anaconda.requests.length // the staging above read the release too
    const listed = (): boolean =>
      anaconda.requests
        .slice(from)
        .some((q) => q.method === 'GET' && q.path === `/release/${owner}/dipy/${VERSION}`)
    const running = release(owner, {}, { DIPY_WHEELS_RETRY_BASE_MS: '3000' })
    while (!listed()) await new Promise((r) => setTimeout(r, 20))
    await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', VERSION, [late])
    const run = await running
    expect(run.exitCode, explain(run)).toBe(0)
    expect(run.log).toMatch(/some expected ones are missing; listing again/)
    expectOnIndex(files)
  })

  it('a redirect from the upload URL is an error, not followed', async () => {
    const owner = await setup()
    const run = await release(owner, { 'pypi-url': `${stub!.url}/moved/` })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('the upload URL answered a redirect (301)')
    expect(posts()).toBe(0) // nothing reached the index behind the redirect
    expect(pypi!.files()).toEqual([])
  })

  it('refuses when the index holds different bytes under a staged name', async () => {
    const owner = await setup()
    const other = path.join(pypi!.dir, path.basename(files[0]))
    fs.writeFileSync(other, Buffer.concat([fs.readFileSync(files[0]), Buffer.from('x')]))
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('The index already holds other bytes under these names')
    expect(run.log).toContain(path.basename(files[0]))
    expect(posts()).toBe(0)
  })

  it('dry run: the plan and the Trusted Publishing probe (audience and OIDC token, no mint), no POST', async () => {
    const owner = await setup()
    const run = await release(owner, { 'dry-run': 'true', 'pypi-token': '' }, stub!.env)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(posts()).toBe(0)
    // The index's audience, the OIDC token for it, and one for Sigstore (attestations are on: nothing signed).
    expect(stub!.requests.filter((r) => /oidc/.test(r))).toEqual([
      'GET /_/oidc/audience',
      'GET /oidc/token',
      'GET /oidc/token'
    ])
    expect(run.log).toContain('no upload token was minted (dry run)')
    expect(run.log).toContain('4 file(s) would be attested (dry run: nothing signed)')
    expect(JSON.parse(run.outputs.missing)).toEqual(
      names(files).sort((a, b) => Number(a.endsWith('.gz')) - Number(b.endsWith('.gz')))
    )
    expect(run.log).toMatch(/upload\s+dipy-1\.0\.0\.tar\.gz/)
    expect(run.summary).toContain('dry run')
    expect(pypi!.files()).toEqual([])
  })
})

describe('descriptions (twine check)', () => {
  it('a description that does not render as reStructuredText stops the release before any upload', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'bad-rst-'))
    const bad = await makeWheel(dir, {
      name: 'dipy',
      version: VERSION,
      tag: 'py3-none-any',
      description: 'Title\n=====\n\n.. no-such-directive::\n'
    })
    const owner = await setup([bad])
    const run = await release(owner, { expected: 'dipy-*-py3-none-any.whl' })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain(`${path.basename(bad)}: the description does not render as reStructuredText`)
    expect(run.log).toContain('Unknown directive type "no-such-directive"')
    expect(posts()).toBe(0)
  })

  it("without the pinned checkers in the runner's Python, a venv of the release's own gets them (from PyPI)", async () => {
    const owner = await setup()
    const run = await release(owner, { 'dry-run': 'true' }, { PATH: process.env.PATH ?? '' })
    expect(run.exitCode, explain(run)).toBe(0)
    expect(run.log).toMatch(
      /Installing the release's checkers \(packaging==26\.2 .*readme_renderer==46\.0.*\) into .*release-check-venv/
    )
    expect(run.log).toMatch(
      /Checked 4 file\(s\) against PyPI's rules \(metadata with .*release-check-venv.*\): ok/
    )
    expect(run.log).toContain('Rendered 1 description(s) with readme_renderer: ok')
  }, 400_000) // a venv and a pip install from PyPI: over a minute on a busy 2-core machine
})
