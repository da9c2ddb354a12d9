/**
 * `command: release` through the bundle: the anaconda.org test server holds the staged set, a real
 * pypiserver (behind the Trusted Publishing stub, which passes every other request on and counts them)
 * receives it. The files on pypiserver are byte-identical to the staged ones and pip installs the right one.
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES, runAction, type ActionRun } from '../harness/action.js'
import { exec } from '../harness/pip-venv.js'
import { startPypiServer, VENV_BIN, type PypiServer } from '../harness/pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { start as startArtifactService } from '../servers/artifact.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'

const STAGE_TOKEN = 'stageWrite1'
const PYPI_TOKEN = 'pypi-AgEtestonlytoken'
const MINTED = 'pypi-mintedShortLivedToken'
const VERSION = '1.0.0'

let anaconda: AnacondaServer
let tmp: string
let files: string[]
let orgs = 0
let pypi: PypiServer | undefined
let stub: OidcStub | undefined

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 32 }, (_, i) => `rel${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-release-'))
  files = await makeReleaseFiles(path.join(tmp, 'dist'), 'dipy', VERSION)
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

/** A fresh channel holding `which` of the files, and a fresh pypiserver behind the stub. */
async function setup(which = files, password = PYPI_TOKEN): Promise<string> {
  const owner = `rel${orgs++}`
  await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', VERSION, which)
  pypi = await startPypiServer({ user: '__token__', password })
  stub = await startOidcStub({ upstream: pypi.url, mintedToken: MINTED })
  return owner
}

function inputs(owner: string, over: Record<string, string> = {}): Record<string, string> {
  return {
    command: 'release',
    version: VERSION,
    expected: expectedGlobs('dipy'),
    'staging-channel': owner,
    'anaconda-url': anaconda.url,
    'pypi-url': `${stub!.url}/`,
    'pypi-index-url': `${stub!.url}/simple/`,
    'pypi-token': PYPI_TOKEN,
    ...over
  }
}

/** The python3 of .venv-test (twine brought readme_renderer) first on PATH: Python with the renderer. */
const WITH_RENDERER = `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`

const release = (owner: string, over: Record<string, string> = {}, env: Record<string, string> = {}) =>
  runAction({
    inputs: inputs(owner, over),
    env: { DIPY_WHEELS_RETRY_BASE_MS: '5', PATH: WITH_RENDERER, ...env }
  })

const posts = (): number => stub!.requests.filter((r) => r === 'POST /').length
const names = (list: string[]): string[] => list.map((f) => path.basename(f)).sort()

function expectOnIndex(list: string[]): void {
  expect(pypi!.files()).toEqual(names(list))
  for (const f of list) {
    expect(fs.readFileSync(path.join(pypi!.dir, path.basename(f))).equals(fs.readFileSync(f))).toBe(true)
  }
}

/** The log less the ::add-mask:: commands (the runner consumes them and masks the value everywhere). */
const unmasked = (log: string): string => log.replace(/^::add-mask::.*$/gm, '')

const explain = (run: ActionRun): string => run.log.slice(-3000)

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

describe('Trusted Publishing', () => {
  // Attestations (on by default with Trusted Publishing) are release-attestations.test.ts's.
  it('exchanges the runner OIDC token and uploads with the minted token', async () => {
    const owner = await setup(files, MINTED)
    const run = await release(owner, { 'pypi-token': '', attestations: 'false' }, stub!.env)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(stub!.requests.filter((r) => /oidc/.test(r))).toEqual([
      'GET /_/oidc/audience',
      'GET /oidc/token',
      'POST /_/oidc/mint-token'
    ])
    expectOnIndex(files)
    expect(unmasked(run.log)).not.toContain(MINTED)
  })

  it('mints again, with a fresh OIDC token, when the token runs low', async () => {
    const owner = await setup(files, MINTED)
    stub!.setLifetime(60) // under the five-minute margin: every upload mints first
    const run = await release(owner, { 'pypi-token': '', attestations: 'false' }, stub!.env)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(stub!.requests.filter((r) => r === 'POST /_/oidc/mint-token').length).toBe(files.length + 1)
  })

  it.each([
    ['audience 403', (s: OidcStub) => s.setAudienceStatus(403), /Trusted Publishing disabled \(403/],
    ['audience 404', (s: OidcStub) => s.setAudienceStatus(404), /does not offer it \(404/],
    [
      'no publisher',
      (s: OidcStub) => s.setMintMode('invalid-publisher'),
      /invalid-publisher: valid token, but no corresponding publisher[\s\S]*job_workflow_ref: dipy\/dipy-wheels/
    ],
    ['not JSON', (s: OidcStub) => s.setMintMode('not-json'), /502 Bad Gateway with no JSON/]
  ])('%s: a clear error, no POST', async (_, arrange, message) => {
    const owner = await setup(files, MINTED)
    arrange(stub!)
    const run = await release(owner, { 'pypi-token': '' }, stub!.env)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(message)
    expect(posts()).toBe(0)
  })

  it.each([
    [
      'a mint endpoint that never answers',
      'silent' as const,
      /mint-token could not be reached: .*(nothing arrived|time ran out)/
    ],
    [
      'a mint answer that never ends',
      'endless' as const,
      /mint-token could not be reached: .*(larger than expected|time ran out)/
    ],
    [
      'errors that are not a list',
      'errors-object' as const,
      /the index refused the token request \(422: Token request failed\)/
    ]
  ])('%s: a clear error within its bound, no POST', async (_, mode, message) => {
    const owner = await setup(files, MINTED)
    stub!.setMintMode(mode)
    const started = performance.now()
    // The bounds scaled by 0.05: 1.5 s for the headers and between chunks, 6 s for the exchange.
    const run = await release(owner, { 'pypi-token': '' }, { ...stub!.env, DIPY_WHEELS_TIME_SCALE: '0.05' })
    const seconds = (performance.now() - started) / 1000
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(message)
    expect(posts()).toBe(0)
    expect(seconds).toBeLessThan(30)
  })

  it('without id-token: write, says so', async () => {
    const owner = await setup(files, MINTED)
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('id-token: write')
    expect(posts()).toBe(0)
  })
})

describe('inputs', () => {
  it.each([
    [{ 'pypi-url': 'http://example.test/' }, "Input 'pypi-url'"],
    [{ version: '1.0.0+local' }, "Input 'version'"],
    [{ 'pypi-token': 'pypi-a b' }, "Input 'pypi-token'"],
    [{ attestations: 'true', 'pypi-token': 'pypi-AgEtestonlytoken' }, "Input 'attestations'"],
    [{ attestations: 'maybe' }, "Input 'attestations'"],
    [{ expected: 'dipy-*.whl;rm' }, "Input 'expected'"]
  ])('%o is refused before any request', async (over, message) => {
    const before = anaconda.requests.length
    const run = await runAction({
      inputs: {
        command: 'release',
        version: VERSION,
        'pypi-url': 'http://127.0.0.1:9/',
        'pypi-index-url': 'http://127.0.0.1:9/simple',
        'anaconda-url': anaconda.url,
        ...over
      }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain(message)
    expect(anaconda.requests.length).toBe(before)
  })
})

describe('the CLI', () => {
  it('node dist/cli.js release VERSION runs the same release', async () => {
    const owner = await setup()
    // The token comes from the environment, never from the command line.
    const args = Object.entries(inputs(owner)).flatMap(([k, v]) =>
      ['command', 'version', 'pypi-token'].includes(k) ? [] : [`--${k}`, v]
    )
    const ws = fs.mkdtempSync(path.join(tmp, 'cli-'))
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: ws,
      DIPY_WHEELS_RETRY_BASE_MS: '5',
      RUNNER_TEMP: ws,
      INPUT_PYPI_TOKEN: PYPI_TOKEN
    }
    const child = spawn(
      NODES[0].path,
      [path.join(DIST_DIR, 'cli.js'), 'release', VERSION, '--workspace', ws, ...args],
      { env }
    )
    let log = ''
    child.stdout.on('data', (d: Buffer) => (log += d))
    child.stderr.on('data', (d: Buffer) => (log += d))
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)))
    expect(code, log.slice(-3000)).toBe(0)
    expect(unmasked(log)).not.toContain(PYPI_TOKEN)
    expectOnIndex(files)
  })
})
