/**
 * No child process sees a credential: the runner's own (ACTIONS_RUNTIME_TOKEN, the OIDC request pair, the
 * cache and results service URLs, GITHUB_TOKEN), the action's inputs (INPUT_*: the tokens), or the
 * anaconda tokens anaconda-client reads from the environment. The names are GitHub's documented runner
 * variables, written out here. Checked for every kind of command: the host runner, the container
 * engine's own process and what runs inside it, and through the bundle every process of a host build:
 * the checkout (git), the venvs and their installs, a dependency recipe (cmake), the build, the repair and the
 * test command, each seen in /proc as it started (harness/proc-watch.ts), whoever started it.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ContainerRunner } from '../../src/container/runner.js'
import { ExecRunner } from '../../src/exec.js'
import { DIST_DIR, ownToolCache, runAction } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'
import { fixtureInputs, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'
import { watchProcesses, type SeenProcess } from '../harness/proc-watch.js'

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

/** The kinds of command a host build runs, by the programs they start (the first that matches). */
const KINDS: Array<[string, (argv: string[]) => boolean]> = [
  ['checkout (git)', (a) => path.basename(a[0]) === 'git'],
  ['venv', (a) => a.join(' ').includes('-m venv ')],
  ['venv install (pip)', (a) => /\bpip\b.*\binstall\b/.test(a.join(' '))],
  ['dependency step (cmake)', (a) => path.basename(a[0]) === 'cmake'],
  ['build', (a) => /-m build\b|pip wheel\b|\bbdist_wheel\b|_in_process/.test(a.join(' '))],
  ['repair (auditwheel)', (a) => /auditwheel/.test(a.join(' '))],
  ['test command', (a) => a.join(' ').includes('test.env')]
]

/**
 * Not the product's commands: @actions/cache runs tar (and zstd) itself with the action's whole environment
 * (its cacheUtils.getVersion and tar.execCommands pass process.env on). The library reads the service's
 * address and the runner's token from process.env in-process, so those stay while it runs; every other
 * credential (the action's tokens, GITHUB_TOKEN, OIDC) is taken out of process.env around each cache call.
 * These processes, and their children, may carry the cache service's variables only.
 */
const CACHE_SERVICE = [
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_URL'
]
const cacheServiceAllowed = new Set(CACHE_SERVICE.flatMap((k) => [k, CREDENTIALS[k]]))

function cacheLibraryProcesses(seen: SeenProcess[]): Set<number> {
  const out = new Set(
    seen.filter((p) => ['tar', 'zstd', 'zstdmt'].includes(path.basename(p.argv[0]))).map((p) => p.pid)
  )
  for (let grew = true; grew;) {
    grew = false
    for (const p of seen) if (out.has(p.ppid) && !out.has(p.pid)) grew = Boolean(out.add(p.pid))
  }
  return out
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

  it('through the bundle: no process of a host build (checkout, venvs, installs, recipe, build, repair, test) sees a credential', async () => {
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
    const marker = `DW_CHILD_ENV_WATCH=${process.pid}-${Date.now()}`
    const bundle = path.join(DIST_DIR, 'index.js')
    const watch = watchProcesses(marker, (argv) => argv.includes(bundle))
    let seen: SeenProcess[] = []
    const r = await runAction({
      inputs: {
        ...fixtureInputs(fx.repo, fx.dependencies),
        // The sleep keeps bash running long enough for the watch to see it (`; true`: not exec'd in its place).
        'test-command': `env > "${dumps}/test.env"; sleep 0.5; true`,
        'nightly-token': CREDENTIALS.INPUT_NIGHTLY_TOKEN,
        'staging-token': CREDENTIALS.INPUT_STAGING_TOKEN
      },
      env: {
        ...Object.fromEntries(Object.entries(CREDENTIALS).filter(([k]) => !k.startsWith('INPUT_'))),
        [marker.split('=')[0]]: marker.split('=')[1]
      },
      pathFirst: [bin],
      // A tool cache of its own: the recipe is built (not taken from the suite's dependency cache).
      toolCache: ownToolCache('dw-child-env-tc-'),
      timeoutMs: 300_000
    }).finally(() => (seen = watch.stop()))
    expect(r.exitCode, r.log.slice(-4000)).toBe(0)
    // Every kind was seen, and no process of any kind started with a credential.
    const byKind = new Map<string, SeenProcess[]>(KINDS.map(([k]) => [k, []]))
    for (const p of seen) byKind.get(KINDS.find(([, is]) => is(p.argv))?.[0] ?? 'other')?.push(p)
    const counts = Object.fromEntries([...byKind].map(([k, ps]) => [k, ps.length > 0]))
    expect(counts).toEqual(Object.fromEntries(KINDS.map(([k]) => [k, true])))
    const library = cacheLibraryProcesses(seen)
    const leaking = seen
      .map((p) => ({
        argv: p.argv.slice(0, 4).join(' '),
        leaks: leaks(
          Object.entries(p.env)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n')
        ).filter((s) => !(library.has(p.pid) && cacheServiceAllowed.has(s)))
      }))
      .filter((p) => p.leaks.length > 0)
    // The cache library's processes were seen (the bundle ran with the cache service's variables).
    expect(library.size).toBeGreaterThan(0)
    expect(leaking).toEqual([])
    const files = fs.readdirSync(dumps)
    expect(files.some((f) => f.startsWith('git-'))).toBe(true)
    expect(files.some((f) => f.startsWith('cmake-'))).toBe(true)
    expect(files).toContain('test.env')
    for (const f of files) expect([f, leaks(fs.readFileSync(path.join(dumps, f), 'utf8'))]).toEqual([f, []])
  })
})
