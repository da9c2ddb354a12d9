/**
 * The set-up the `command: release` end-to-end files share: the anaconda.org test server holding the staged
 * set (an organisation per test), a real pypiserver behind the Trusted Publishing stub (which passes every
 * other request on and counts them), and the release run through the bundle. Call `releaseSuite()` at the
 * top of a test file: it registers the hooks that start the servers and remove what they made.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'
import { runAction, type ActionRun } from './action.js'
import { startPypiServer, VENV_BIN, type PypiServer } from './pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from './release-fixture.js'

export const STAGE_TOKEN = 'stageWrite1'
export const PYPI_TOKEN = 'pypi-AgEtestonlytoken'
export const MINTED = 'pypi-mintedShortLivedToken'
export const VERSION = '1.0.0'

/** The python3 of .venv-test (twine brought readme_renderer) first on PATH: Python with the renderer. */
export const WITH_RENDERER = `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`

export interface ReleaseSuite {
  readonly anaconda: AnacondaServer
  readonly tmp: string
  /** The staged set: three wheels and the sdist. */
  readonly files: string[]
  readonly pypi: PypiServer | undefined
  readonly stub: OidcStub | undefined
  /** A fresh channel holding `which` of the files, and a fresh pypiserver behind the stub. */
  setup(which?: string[], password?: string): Promise<string>
  inputs(owner: string, over?: Record<string, string>): Record<string, string>
  release(owner: string, over?: Record<string, string>, env?: Record<string, string>): Promise<ActionRun>
  /** The upload POSTs that reached the stub. */
  posts(): number
  /** Every file on pypiserver, byte for byte the given ones. */
  expectOnIndex(list: string[]): void
}

export const names = (list: string[]): string[] => list.map((f) => path.basename(f)).sort()

/** The log less the ::add-mask:: commands (the runner consumes them and masks the value everywhere). */
export const unmasked = (log: string): string => log.replace(/^::add-mask::.*$/gm, '')

export const explain = (run: ActionRun): string => run.log.slice(-3000)

/** `orgs`: how many tests of the file call setup (each gets an organisation of its own). */
export function releaseSuite(opts: { prefix: string; orgs: number }): ReleaseSuite {
  let anaconda: AnacondaServer | undefined
  let tmp = ''
  let files: string[] = []
  let pypi: PypiServer | undefined
  let stub: OidcStub | undefined
  let orgs = 0

  beforeAll(async () => {
    anaconda = await startAnacondaServer({
      tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
      orgs: Array.from({ length: opts.orgs }, (_, i) => `${opts.prefix}${i}`)
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
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
  })

  const suite: ReleaseSuite = {
    get anaconda() {
      return anaconda!
    },
    get tmp() {
      return tmp
    },
    get files() {
      return files
    },
    get pypi() {
      return pypi
    },
    get stub() {
      return stub
    },
    async setup(which = files, password = PYPI_TOKEN) {
      const owner = `${opts.prefix}${orgs++}`
      await stage(anaconda!.url, STAGE_TOKEN, owner, 'dipy', VERSION, which)
      pypi = await startPypiServer({ user: '__token__', password })
      stub = await startOidcStub({ upstream: pypi.url, mintedToken: MINTED })
      return owner
    },
    inputs(owner, over = {}) {
      return {
        command: 'release',
        version: VERSION,
        expected: expectedGlobs('dipy'),
        'staging-channel': owner,
        'anaconda-url': anaconda!.url,
        'pypi-url': `${stub!.url}/`,
        'pypi-index-url': `${stub!.url}/simple/`,
        'pypi-token': PYPI_TOKEN,
        ...over
      }
    },
    release(owner, over = {}, env = {}) {
      return runAction({
        inputs: suite.inputs(owner, over),
        env: { DIPY_WHEELS_RETRY_BASE_MS: '5', PATH: WITH_RENDERER, ...env }
      })
    },
    posts: () => stub!.requests.filter((r) => r === 'POST /').length,
    expectOnIndex(list) {
      expect(pypi!.files()).toEqual(names(list))
      for (const f of list) {
        expect(fs.readFileSync(path.join(pypi!.dir, path.basename(f))).equals(fs.readFileSync(f))).toBe(true)
      }
    }
  }
  return suite
}
