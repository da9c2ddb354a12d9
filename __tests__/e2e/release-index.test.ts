/**
 * What the index says, read as PyPI says it (issue 19): the 14-day rule from the upload times of every
 * file of the version (PEP 700, served by the stub in PyPI's PEP 691 shape), the days a dry run has left,
 * a 429's Retry-After, and the error message PyPI puts in the reason phrase. A real pypiserver stores the
 * files behind the stub.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'
import { startPypiServer, VENV_BIN, type PypiServer } from '../harness/pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'

const STAGE_TOKEN = 'stageWrite1'
const PYPI_TOKEN = 'pypi-AgEtestonlytoken'
const V = '1.0.0'
const DAY = 86_400_000

let anaconda: AnacondaServer
let tmp: string
let files: string[]
let pypi: PypiServer | undefined
let stub: OidcStub | undefined
let orgs = 0

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 8 }, (_, i) => `idx${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rel-index-'))
  files = await makeReleaseFiles(path.join(tmp, 'dist'), 'dipy', V)
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
  const owner = `idx${orgs++}`
  await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', V, files)
  pypi = await startPypiServer({ user: '__token__', password: PYPI_TOKEN })
  stub = await startOidcStub({ upstream: pypi.url, mintedToken: 'unused' })
  return owner
}

const release = (owner: string, over: Record<string, string> = {}) =>
  runAction({
    inputs: {
      command: 'release',
      version: V,
      expected: expectedGlobs('dipy'),
      'staging-channel': owner,
      'anaconda-url': anaconda.url,
      'pypi-url': `${stub!.url}/`,
      'pypi-index-url': `${stub!.url}/simple/`,
      'pypi-token': PYPI_TOKEN,
      ...over
    },
    env: { DIPY_WHEELS_RETRY_BASE_MS: '5', PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}` }
  })

const posts = (): number => stub!.requests.filter((r) => r === 'POST /').length

/** A PEP 691 project page: the files with their upload times. */
const page = (list: Array<[string, number]>) => ({
  meta: { 'api-version': '1.1' },
  name: 'dipy',
  files: list.map(([filename, at]) => ({
    filename,
    url: `https://files.example/${filename}`,
    hashes: { sha256: 'ab'.repeat(32) },
    'upload-time': new Date(at).toISOString()
  }))
})

describe('the 14-day rule', () => {
  it('a .zip sdist of the version uploaded 20 days ago (not staged) closes the release: nothing is sent', async () => {
    const owner = await setup()
    stub!.serveSimpleJson(
      'dipy',
      page([
        ['dipy-0.9.0.tar.gz', Date.now() - 400 * DAY],
        [`dipy-${V}-py3-none-any.whl`, Date.now() - 2 * DAY],
        [`dipy-${V}.zip`, Date.now() - 20 * DAY]
      ])
    )
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(
      /dipy 1\.0\.0 was first uploaded \S+, more than 14 days ago: PyPI accepts no new files/
    )
    expect(posts()).toBe(0)
  })

  it('a dry run says how many days remain', async () => {
    const owner = await setup()
    const first = Date.now() - 3 * DAY - 2 * 3_600_000
    stub!.serveSimpleJson('dipy', page([[`dipy-${V}-py3-none-any.whl`, first]]))
    const run = await release(owner, { 'dry-run': 'true' })
    expect(run.exitCode, run.log.slice(-3000)).toBe(0)
    expect(run.log).toMatch(/first uploaded \S+: 10 day\(s\) (21|2[0-2]) h remain to add files/)
  })
})

describe('answers of the upload endpoint', () => {
  it('429 with Retry-After: waits as asked (not the 5 ms backoff), then uploads', async () => {
    const owner = await setup()
    stub!.rateLimit(1, '2')
    const started = Date.now()
    const run = await release(owner)
    expect(run.exitCode, run.log.slice(-3000)).toBe(0)
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000)
    expect(run.log).toMatch(
      /429 Too many requests; reading the index before trying again in 2\.0 s \(as Retry-After asks\)/
    )
    expect(pypi!.files()).toHaveLength(files.length)
  })

  it('a Retry-After over 10 minutes stops the release with what to do', async () => {
    const owner = await setup()
    stub!.rateLimit(1, '3600')
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('asks to wait 3600 s (Retry-After), over 600 s: run the release again later')
  })

  it("a 400's message is read from the reason phrase, as PyPI sends it", async () => {
    const owner = await setup()
    const reason = "Invalid value for classifiers. Error: Classifier 'Foo :: Bar' is not a valid classifier."
    stub!.refuseNext(400, reason)
    const run = await release(owner)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain(`the index refused the upload: 400 ${reason}`)
  })
})
