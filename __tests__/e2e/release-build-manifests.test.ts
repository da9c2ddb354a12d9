/**
 * The release tied to the build: `build-manifests` names a directory laid out as actions/download-artifact
 * lays out the build runs' `*-manifest` artifacts (one directory per artifact, SHA256SUMS written here by
 * coreutils' sha256sum, build-provenance.json beside it). Through the bundle, against the anaconda.org test
 * server and a real pypiserver behind the stub that counts the upload POSTs: every staged file listed with
 * its bytes → released, and the summary names the run that built each; a staged file built with other
 * bytes, or listed nowhere → stopped before any POST, naming the file, both sha256 and the run.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'
import { startPypiServer, VENV_BIN, type PypiServer } from '../harness/pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'

const STAGE_TOKEN = 'stageWrite1'
const PYPI_TOKEN = 'pypi-AgEtestonlytoken'
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
    orgs: Array.from({ length: 8 }, (_, i) => `bm${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-release-bm-'))
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

async function setup(): Promise<string> {
  const owner = `bm${orgs++}`
  await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', VERSION, files)
  pypi = await startPypiServer({ user: '__token__', password: PYPI_TOKEN })
  stub = await startOidcStub({ upstream: pypi.url, mintedToken: 'pypi-unused' })
  return owner
}

const sha256 = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex')

/**
 * A build run's manifest artifact as download-artifact extracts it: <root>/ws/<dir>/<artifact>/SHA256SUMS
 * (by sha256sum over `list`, run in the directory holding them) and build-provenance.json.
 */
function manifest(root: string, artifact: string, list: string[], runId: string): void {
  const dir = path.join(root, 'ws', 'build-manifests', artifact)
  fs.mkdirSync(dir, { recursive: true })
  const sums = execFileSync(
    'sha256sum',
    list.map((f) => path.basename(f)),
    {
      cwd: path.dirname(list[0]),
      encoding: 'utf8'
    }
  )
  fs.writeFileSync(path.join(dir, 'SHA256SUMS'), sums)
  fs.writeFileSync(
    path.join(dir, 'build-provenance.json'),
    JSON.stringify({
      schema: 'dipy-wheels-build-provenance/1',
      run: {
        serverUrl: 'https://github.com',
        repository: 'dipy/dipy-wheels',
        runId,
        runAttempt: '2',
        workflowRef: 'dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master',
        sha: 'a'.repeat(40),
        job: 'build'
      },
      artifact: artifact.replace(/-manifest$/, '')
    })
  )
}

function release(owner: string, root: string, over: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    root,
    inputs: {
      command: 'release',
      version: VERSION,
      expected: expectedGlobs('dipy'),
      'staging-channel': owner,
      'anaconda-url': anaconda.url,
      'pypi-url': `${stub!.url}/`,
      'pypi-index-url': `${stub!.url}/simple/`,
      'pypi-token': PYPI_TOKEN,
      'build-manifests': 'build-manifests',
      ...over
    },
    env: {
      DIPY_WHEELS_RETRY_BASE_MS: '5',
      PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`
    }
  })
}

const posts = (): number => stub!.requests.filter((r) => r === 'POST /').length
const newRoot = (): string => fs.mkdtempSync(path.join(tmp, 'run-'))
const wheels = (): string[] => files.filter((f) => f.endsWith('.whl'))
const sdist = (): string => files.find((f) => f.endsWith('.tar.gz'))!

describe('release against the build runs manifests', () => {
  it('every staged file in a manifest with its bytes: released, each with the run that built it', async () => {
    const owner = await setup()
    const root = newRoot()
    manifest(root, 'wheels-cp311-linux-x86_64-manifest', [wheels()[0], wheels()[1]], '1001')
    manifest(root, 'wheels-cp311-windows-AMD64-manifest', [wheels()[2]], '1002')
    manifest(root, 'sdist-manifest', [sdist()], '1003')
    const run = await release(owner, root)
    expect(run.exitCode, run.log.slice(-3000)).toBe(0)
    expect(posts()).toBe(files.length)
    expect(pypi!.files()).toEqual(files.map((f) => path.basename(f)).sort())
    const win = path.basename(wheels()[2])
    expect(run.log).toContain(
      `  ${win}: dipy/dipy-wheels run 1002 attempt 2 (dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master, job build, commit ${'a'.repeat(40)}) https://github.com/dipy/dipy-wheels/actions/runs/1002`
    )
    expect(run.summary).toContain('Built by')
    expect(run.summary).toMatch(
      new RegExp(`<td>${path.basename(wheels()[0]).replace(/\./g, '\\.')}</td><td>dipy/dipy-wheels run 1001 `)
    )
  })

  it('a staged file the build made with other bytes: stopped before any POST, naming both sha256 and the run', async () => {
    const owner = await setup()
    const root = newRoot()
    // The run built other bytes under the cp312 wheel's name.
    const mine = await makeWheel(path.join(tmp, 'other'), {
      name: 'dipy',
      version: VERSION,
      tag: 'cp312-cp312-manylinux_2_28_x86_64',
      module: '__version__ = "1.0.0"\nREBUILT = True\n'
    })
    manifest(root, 'wheels-a-manifest', [wheels()[0]], '2001')
    manifest(root, 'wheels-b-manifest', [mine], '2002')
    manifest(
      root,
      'wheels-c-manifest',
      [wheels()[2], path.join(path.dirname(wheels()[2]), path.basename(sdist()))],
      '2003'
    )
    const staged = files.find((f) => f.includes('cp312'))!
    expect(sha256(mine)).not.toBe(sha256(staged))
    const run = await release(owner, root)
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      `${path.basename(staged)}: staged sha256 ${sha256(staged)}, but dipy/dipy-wheels run 2002 attempt 2 (`
    )
    expect(run.log).toContain(`built sha256 ${sha256(mine)} (`)
    expect(run.log).toMatch(
      /Staged files are not the bytes the build runs made \(3 manifest\(s\) under .*\); nothing was uploaded/
    )
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
  })

  it('a staged file no manifest lists: stopped before any POST; a build-manifests that is no directory: the input named', async () => {
    const owner = await setup()
    const root = newRoot()
    manifest(root, 'wheels-manifest', [...wheels()], '3001')
    const run = await release(owner, root)
    expect(run.exitCode).toBe(1)
    expect(run.log).toContain(
      `${path.basename(sdist())}: no build manifest lists it (staged sha256 ${sha256(sdist())})`
    )
    expect(posts()).toBe(0)

    const before = anaconda.requests.length
    const bad = await release(owner, newRoot(), { 'build-manifests': 'nowhere' })
    expect(bad.exitCode).toBe(1)
    expect(bad.log).toMatch(/Input 'build-manifests': "nowhere" is not a directory/)
    expect(anaconda.requests.length).toBe(before)
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
  })
})
