/**
 * The real thing, end to end: dipy 1.11.0 and 1.12.1 from their PyPI sdists, each a local git repository
 * with its tag and a `master` carrying the next dev version. Through the bundled action as the runner runs
 * it (Python 3.11, default test command): 1.11.0's tag build in a real Docker engine (the local
 * manylinux-like image) as a non-root user in the docker group, as GitHub's ubuntu runners run it; the
 * others on the host (container: off):
 * - push of the tag → staging upload to the test anaconda.org;
 * - schedule → master to nightly, then a newer master (same dev version, same wheel name) replaces it;
 * then pip installs each from the server's index into a clean venv and dipy's smoke test passes there.
 * Then `command: release` takes each staged wheel to a real pypiserver, byte for byte, and pip installs it
 * from there. Tag builds first, then the nightly pairs (the tool cache is shared). Run with `npm run e2e:dipy`, wrapped
 * in `flock /tmp/dipy-heavy.lock` on a shared machine.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIPY_SMOKE_TEST } from '../../src/platforms/common.js'
import { runAction, type ActionRun } from '../harness/action.js'
import { foreignOwners, makeRunnerUser, testImage, type TestUser } from '../harness/real-engine.js'
import { dipyDevRepo, expectPublished, type DipyDevRepo, type PublishedWheel } from '../harness/dipy-e2e.js'
import { exec, installFromIndex, runPython } from '../harness/pip-venv.js'
import { startPypiServer, VENV_BIN } from '../harness/pypiserver.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

const VERSIONS = ['1.11.0', '1.12.1']
/** The runner-like user's tool cache, kept between runs (outside the clone, where that user can reach it). */
const CONTAINER_TOOL_CACHE =
  process.env.DIPY_WHEELS_TEST_USER_TOOLCACHE || '/var/tmp/dipy-wheels-ci/toolcache-user'
const STAGING = 'multibuild-wheels-staging'
const NIGHTLY = 'scipy-wheels-nightly'
const STAGING_TOKEN = 'dipyStagingTok1'
const NIGHTLY_TOKEN = 'dipyNightlyTok1'

/** One server and one repository per dipy version: each channel then holds that version's files only. */
const setups = new Map<string, { server: AnacondaServer; dipy: DipyDevRepo }>()
const figures: string[] = []
let root: string
/** The build that runs in the container, as the runner-like user. */
const IN_CONTAINER = { version: '1.11.0', event: 'push' }
let image: string
let user: TestUser

beforeAll(async () => {
  image = testImage()
  user = makeRunnerUser()
  fs.mkdirSync(CONTAINER_TOOL_CACHE, { recursive: true })
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dipy-'))
  fs.chmodSync(root, 0o755)
  for (const version of VERSIONS) {
    const server = await startAnacondaServer({
      tokens: {
        [STAGING_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] },
        [NIGHTLY_TOKEN]: { login: 'nightly', scopes: ['api:read', 'api:write'] }
      }
    })
    const dir = fs.mkdtempSync(path.join(root, `${version}-`))
    fs.chmodSync(dir, 0o755)
    setups.set(version, { server, dipy: await dipyDevRepo(dir, version) })
  }
})
afterAll(async () => {
  user?.remove()
  for (const { server } of setups.values()) await server.close()
  console.log(`dipy publish e2e (logs under ${root}):\n${figures.join('\n')}`)
})

type TimedRun = ActionRun & { minutes: number }

async function run(version: string, event: 'push' | 'schedule', label: string): Promise<TimedRun> {
  const { server, dipy } = setups.get(version)!
  const started = Date.now()
  const inContainer = version === IN_CONTAINER.version && event === IN_CONTAINER.event
  const r = await runAction({
    // The user's tool cache is kept between runs of the suite (outside the clone), as the shared one is.
    ...(inContainer ? { user, toolCache: CONTAINER_TOOL_CACHE } : {}),
    inputs: {
      repository: dipy.repo,
      // A schedule builds nightly-ref (master) whatever build-commit says; leave it empty as a cron would.
      'build-commit': event === 'push' ? version : '',
      'python-version': '3.11',
      container: inContainer ? image : 'off',
      ...(inContainer ? { manylinux: '2_34' } : {}),
      'anaconda-url': server.url,
      'staging-token': STAGING_TOKEN,
      'nightly-token': NIGHTLY_TOKEN,
      artifact: 'false'
    },
    event,
    timeoutMs: 1_800_000
  })
  fs.writeFileSync(path.join(root, `${version}-${label}.log`), r.log)
  return { ...r, minutes: (Date.now() - started) / 60000 }
}

function record(version: string, label: string, { minutes }: TimedRun, w: PublishedWheel): void {
  figures.push(
    `  ${version} ${label}: ${w.basename} ${w.sizeMiB.toFixed(2)} MiB sha256 ${w.sha256.slice(0, 12)}…; ` +
      `build step ${w.buildSeconds.toFixed(0)} s, whole run ${minutes.toFixed(1)} min`
  )
}

/** pip installs dipy from the channel's index into a clean venv; the smoke test passes there. */
async function installAndSmoke(
  version: string,
  channel: string,
  expected: { version: string; commit?: string; wheel: string }
): Promise<void> {
  const { server } = setups.get(version)!
  const before = server.requests.length
  const started = Date.now()
  const inst = await installFromIndex({
    dir: path.join(root, 'venvs'),
    index: server.simpleUrl(channel),
    pkg: 'dipy',
    version: expected.version
  })
  // Step 1 fetched the wheel from the test server; step 2 found dipy already installed.
  const got = server.requests.slice(before).filter((q) => q.method === 'GET')
  expect(got.some((q) => q.path.endsWith(`/${path.basename(expected.wheel)}`) && q.status === 200)).toBe(true)
  expect(inst.deps.output).toMatch(/Requirement already satisfied: dipy==/)
  expect(inst.deps.output).not.toMatch(/(Downloading|Collecting) dipy[-=]/)
  const smoke = await runPython(
    inst.python,
    `${DIPY_SMOKE_TEST}\nimport importlib.metadata as m\nprint("dist:", m.version("dipy"))\n` +
      'print("commit:", dipy.get_info()["commit_hash"])'
  )
  expect(smoke.code, smoke.output).toBe(0)
  expect(smoke.output).toMatch(/^have_openmp: (True|1)$/m)
  expect(smoke.output).toContain(`dist: ${expected.version}\n`)
  if (expected.commit) expect(smoke.output).toContain(`commit: ${expected.commit}\n`)
  const esc = expected.version.replace(/\./g, '\\.')
  // dipy.__version__: the release, or the dev version with +git<date>.<sha7> (tools/gitversion.py).
  const local = expected.commit ? `\\+git\\d{8}\\.${expected.commit.slice(0, 7)}` : ''
  expect(smoke.output).toMatch(new RegExp(`^${esc}${local}$`, 'm'))
  figures.push(
    `    pip install from ${channel} + smoke test: ${((Date.now() - started) / 1000).toFixed(0)} s`
  )
}

describe('dipy releases: push of the tag → staging', () => {
  for (const version of VERSIONS) {
    it(`dipy ${version}: built, tested, uploaded to staging; pip installs it from the staging index`, async () => {
      const { server, dipy } = setups.get(version)!
      const r = await run(version, 'push', 'tag')
      const w = expectPublished(r, server, {
        commit: dipy.tagSha,
        version,
        target: 'staging',
        channel: STAGING,
        reason: `push building ${version} → staging`,
        ifExists: 'fail',
        status: 'uploaded'
      })
      record(version, 'tag → staging', r, w)
      if (version === IN_CONTAINER.version) {
        expect(r.summary).toMatch(new RegExp(`Executor: container ${image}`))
        expect(r.summary).toMatch(new RegExp(`commands as uid ${user.uid}:${user.gid}`))
        expect(foreignOwners([r.workspace, r.temp, r.toolCache], user.uid, user.gid)).toEqual([])
      }
      expect(server.files(STAGING).map((f) => f.basename)).toEqual([w.basename])
      await installAndSmoke(version, STAGING, { version, wheel: w.wheel })
    })
  }
})

describe('release: the staged dipy wheel → pypiserver', () => {
  for (const version of VERSIONS) {
    it(`dipy ${version}: the wheel the tag build staged is released to pypiserver and pip installs it`, async () => {
      const { server } = setups.get(version)!
      const staged = server.files(STAGING)
      expect(staged).toHaveLength(1)
      const pypi = await startPypiServer({ user: '__token__', password: 'pypi-dipyReleaseTok' })
      try {
        const started = Date.now()
        const r = await runAction({
          inputs: {
            command: 'release',
            version,
            expected: 'dipy-*-cp311-cp311-*manylinux*x86_64.whl',
            'anaconda-url': server.url,
            'pypi-url': pypi.url,
            'pypi-index-url': pypi.simpleUrl,
            'pypi-token': 'pypi-dipyReleaseTok'
          },
          event: 'workflow_dispatch'
        })
        fs.writeFileSync(path.join(root, `${version}-release.log`), r.log)
        expect(r.exitCode, r.log.slice(-3000)).toBe(0)
        expect(JSON.parse(r.outputs.uploaded)).toEqual([staged[0].basename])
        expect(pypi.files()).toEqual([staged[0].basename])
        expect(fs.readFileSync(path.join(pypi.dir, staged[0].basename)).equals(staged[0].data)).toBe(true)
        const target = path.join(root, `site-${version}`)
        const pip = await exec(
          path.join(VENV_BIN, 'python'),
          [
            '-m',
            'pip',
            'install',
            '--no-deps',
            '--no-cache-dir',
            '--index-url',
            `${pypi.simpleUrl}/`,
            '--target',
            target,
            `dipy==${version}`
          ],
          { env: { PATH: process.env.PATH, HOME: root, PIP_CONFIG_FILE: '/dev/null' } }
        )
        expect(pip.code, pip.output).toBe(0)
        expect(fs.existsSync(path.join(target, `dipy-${version}.dist-info`))).toBe(true)
        figures.push(
          `  ${version} release → pypiserver: ${staged[0].basename} in ${((Date.now() - started) / 1000).toFixed(1)} s`
        )
      } finally {
        await pypi.close()
      }
    })
  }
})

describe('dipy master: schedule → nightly, replaced by the next night', () => {
  for (const version of VERSIONS) {
    it(`dipy ${version}'s master: nightly upload, then a newer master replaces it; pip installs the new one`, async () => {
      const { server, dipy } = setups.get(version)!
      const nightly = {
        version: dipy.devVersion,
        target: 'nightly' as const,
        channel: NIGHTLY,
        reason: 'schedule event → nightly',
        ifExists: 'replace' as const
      }
      const first = await run(version, 'schedule', 'nightly-1')
      const w1 = expectPublished(first, server, { ...nightly, commit: dipy.masterSha, status: 'uploaded' })
      record(version, 'master → nightly', first, w1)

      const newer = dipy.advanceMaster('the next night')
      const second = await run(version, 'schedule', 'nightly-2')
      const w2 = expectPublished(second, server, { ...nightly, commit: newer, status: 'replaced' })
      record(version, 'newer master → nightly (replace)', second, w2)
      // Same dev version, same name; new bytes, and the old file is gone.
      expect(w2.basename).toBe(w1.basename)
      expect(w2.sha256).not.toBe(w1.sha256)
      const served = server.files(NIGHTLY)
      expect(served.map((f) => [f.basename, f.sha256])).toEqual([[w2.basename, w2.sha256]])
      expect(served.some((f) => f.sha256 === w1.sha256)).toBe(false)

      await installAndSmoke(version, NIGHTLY, { version: dipy.devVersion, commit: newer, wheel: w2.wheel })
    })
  }
})
