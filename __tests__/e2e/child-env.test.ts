/**
 * No child process sees a credential: the runner's own (ACTIONS_RUNTIME_TOKEN, the OIDC request pair, the
 * cache and results service URLs, GITHUB_TOKEN), the action's inputs (INPUT_*: the tokens), or the
 * anaconda tokens anaconda-client reads from the environment. The names are GitHub's documented runner
 * variables, written out here. Checked for every kind of command: the host runner, the container
 * engine's own process and what runs inside it, and through the bundle the checkout (git), a dependency
 * recipe (cmake), the build and the test command.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContainerRunner } from '../../src/container/runner.js'
import { ExecRunner } from '../../src/exec.js'
import { ownToolCache, runAction } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'
import { fixtureInputs, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'

const CREDENTIALS: Record<string, string> = {
  ACTIONS_RUNTIME_TOKEN: 'credRuntime1',
  ACTIONS_RUNTIME_URL: 'https://credRuntimeUrl.invalid/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'credOidc1',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://credOidcUrl.invalid/',
  ACTIONS_RESULTS_URL: 'https://credResults.invalid/',
  ACTIONS_CACHE_URL: 'https://credCache.invalid/',
  GITHUB_TOKEN: 'credGithub1',
  ANACONDA_API_TOKEN: 'credAnaconda1',
  BINSTAR_API_TOKEN: 'credBinstar1',
  INPUT_NIGHTLY_TOKEN: 'credNightly1',
  INPUT_STAGING_TOKEN: 'credStaging1'
}
const VALUES = Object.values(CREDENTIALS)

let root: string
let fake: FakeEngine
let fx: OpenmpFixture
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-child-env-'))
  fake = makeFakeEngine(path.join(root, 'engine'), {
    images: { 'quay.io/pypa/manylinux_2_34_x86_64': manylinuxLikeImage() }
  })
  fx = makeOpenmpFixture(root)
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

/** The credentials (by name or by value) found in an environment listing. */
function leaks(listing: string): string[] {
  return [...Object.keys(CREDENTIALS), ...VALUES].filter((s) =>
    new RegExp(`(^|\\W)${s}(\\W|$)`, 'm').test(listing)
  )
}

describe('the environment of every child', () => {
  it('a host command (ExecRunner) sees no credential, and the rest of the environment', async () => {
    const host = { PATH: process.env.PATH, HOME: os.homedir(), KEEP_ME: 'kept', ...CREDENTIALS }
    const r = await new ExecRunner(host).run({ command: 'env', args: [] }, { silent: true })
    expect(r.stdout).toContain('KEEP_ME=kept')
    expect(leaks(r.stdout)).toEqual([])
  })

  it("the container engine's process and a command inside see no credential", async () => {
    const host = {
      PATH: `${fake.binDir}:${process.env.PATH}`,
      HOME: os.homedir(),
      CI: 'true',
      ...CREDENTIALS
    }
    const before = fake.calls().length
    const c = new ContainerRunner({
      engine: fake.engine,
      image: 'quay.io/pypa/manylinux_2_34_x86_64',
      mounts: [root],
      hostEnv: host,
      runner: new ExecRunner(host)
    })
    await c.start()
    try {
      const r = await c.run({ command: 'env', args: [] }, { silent: true })
      expect(r.stdout).toContain('CI=true')
      expect(leaks(r.stdout)).toEqual([])
    } finally {
      await c.stop()
    }
    const engineEnvs = fake
      .calls()
      .slice(before)
      .map((call) =>
        Object.entries(call.env)
          .map(([k, v]) => `${k}=${v}`)
          .join('\n')
      )
    expect(engineEnvs.length).toBeGreaterThan(2)
    for (const env of engineEnvs) expect(leaks(env)).toEqual([])
  })

  it('through the bundle: git, the recipe, the build and the test command see no credential', async () => {
    // Shims first on PATH write their environment, then run the real tool.
    const bin = path.join(root, 'shims')
    const dumps = path.join(root, 'dumps')
    fs.mkdirSync(bin, { recursive: true })
    fs.mkdirSync(dumps, { recursive: true })
    for (const tool of ['git', 'cmake']) {
      const real = ['/usr/bin', '/bin', '/usr/local/bin']
        .map((d) => path.join(d, tool))
        .find((p) => fs.existsSync(p))
      fs.writeFileSync(
        path.join(bin, tool),
        `#!/bin/sh\nenv > "${dumps}/${tool}-$$.env"\nexec '${real}' "$@"\n`,
        { mode: 0o755 }
      )
    }
    const r = await runAction({
      inputs: {
        ...fixtureInputs(fx.repo, fx.dependencies),
        'test-command': `env > "${dumps}/test.env"`,
        'nightly-token': CREDENTIALS.INPUT_NIGHTLY_TOKEN,
        'staging-token': CREDENTIALS.INPUT_STAGING_TOKEN
      },
      env: Object.fromEntries(Object.entries(CREDENTIALS).filter(([k]) => !k.startsWith('INPUT_'))),
      pathFirst: [bin],
      // A tool cache of its own: the recipe is built (not taken from the suite's dependency cache).
      toolCache: ownToolCache('dw-child-env-tc-'),
      timeoutMs: 300_000
    })
    expect(r.exitCode, r.log.slice(-4000)).toBe(0)
    const files = fs.readdirSync(dumps)
    expect(files.some((f) => f.startsWith('git-'))).toBe(true)
    expect(files.some((f) => f.startsWith('cmake-'))).toBe(true)
    expect(files).toContain('test.env')
    for (const f of files) expect([f, leaks(fs.readFileSync(path.join(dumps, f), 'utf8'))]).toEqual([f, []])
  })
})
