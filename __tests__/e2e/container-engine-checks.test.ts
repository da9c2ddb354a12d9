/**
 * Engine problems told apart before the clone, through the bundle: no engine on PATH, a daemon that does
 * not answer, a socket that refuses the user, and an image that cannot be pulled (a name that does not
 * resolve, a missing image, credentials) — each a one-line cause with its fix, never retried; a passing
 * network fault is retried. The engine's errors are docker's own texts, played by the fake engine (a real
 * daemon cannot be made to fail each way here).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'
import { fixtureInputs, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'

const IMAGE = 'quay.io/pypa/manylinux_2_34_x86_64'
let root: string
let fake: FakeEngine
let fx: OpenmpFixture

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-engine-checks-'))
  fake = makeFakeEngine(path.join(root, 'engine'), { images: { [IMAGE]: manylinuxLikeImage() } })
  fx = makeOpenmpFixture(root)
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

function withFault(sub: string, code: number, stderr: string): void {
  fs.writeFileSync(path.join(fake.root, 'faults.json'), JSON.stringify({ [sub]: { code, stderr } }))
}

async function run(container: string, pathFirst = [fake.binDir]): Promise<ActionRun> {
  const r = await runAction({
    inputs: { ...fixtureInputs(fx.repo, fx.dependencies), container, manylinux: '2_34' },
    pathFirst,
    traceGit: true,
    env: { DIPY_WHEELS_RETRY_BASE_MS: '10' }
  })
  fs.rmSync(path.join(fake.root, 'faults.json'), { force: true })
  return r
}

/** The failure line and what was done: nothing cloned, how many times the engine was asked to pull. */
function outcome(r: ActionRun, callsBefore: number): { error: string; cloned: boolean; pulls: number } {
  const error = /^::error::(.*)$/m.exec(r.stdout)?.[1] ?? ''
  const pulls = fake
    .calls()
    .slice(callsBefore)
    .filter((c) => c.argv[0] === 'pull').length
  return { error, cloned: r.gitCalls.some((c) => /\bclone\b/.test(c)), pulls }
}

describe('the container engine, checked before the clone', () => {
  it('no engine on PATH: says so and how to get one', async () => {
    const empty = path.join(root, 'empty-bin')
    fs.mkdirSync(empty, { recursive: true })
    const r = await runAction({
      inputs: { ...fixtureInputs(fx.repo, fx.dependencies), container: 'auto', manylinux: '2_34' },
      // A PATH without any docker (the machine has one in /usr/bin and /usr/local/bin).
      env: { PATH: empty }
    })
    expect(r.exitCode).not.toBe(0)
    expect(r.log).toMatch(/there is no docker on PATH: install Docker .*set container: off/)
    expect(r.log).not.toMatch(/Clone /)
  })

  const cases: Array<[string, string, number, string, RegExp]> = [
    [
      'a daemon that does not answer',
      'version',
      1,
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      /The docker daemon does not answer \(Cannot connect .*\): start it \(sudo systemctl start docker\)/
    ],
    [
      'a socket that refuses this user',
      'version',
      1,
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix /var/run/docker.sock: connect: permission denied',
      /may not use the docker daemon's socket: add it to the docker group/
    ],
    [
      'a registry whose name does not resolve',
      'pull',
      1,
      'Error response from daemon: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid on 127.0.0.53:53: no such host',
      /the registry's name registry\.invalid does not resolve/
    ],
    [
      'a registry that wants credentials',
      'pull',
      1,
      'Error response from daemon: Head "https://registry.invalid/v2/x/manifests/1": unauthorized: authentication required',
      /registry\.invalid wants credentials .* docker login registry\.invalid/
    ],
    [
      'an image the registry does not have',
      'pull',
      1,
      'Error response from daemon: manifest for registry.invalid/x:1 not found: manifest unknown: manifest unknown',
      /registry\.invalid has no such image or tag/
    ]
  ]
  for (const [what, sub, code, stderr, message] of cases) {
    it(`${what}: one line with its fix, not retried, nothing cloned`, async () => {
      const before = fake.calls().length
      withFault(sub, code, stderr)
      const r = await run(sub === 'pull' ? 'registry.invalid/x:1' : 'auto')
      expect(r.exitCode).not.toBe(0)
      const o = outcome(r, before)
      expect(o.error).toMatch(message)
      expect(o.error).toMatch(/set container: off to build on the host\.$/)
      expect(o.cloned).toBe(false)
      expect(o.pulls).toBe(sub === 'pull' ? 1 : 0)
    })
  }

  it('a passing network fault on the pull is tried three times, then reported', async () => {
    const before = fake.calls().length
    withFault(
      'pull',
      1,
      'Error response from daemon: Get "https://registry.invalid/v2/": net/http: TLS handshake timeout'
    )
    const r = await run('registry.invalid/x:1')
    expect(r.exitCode).not.toBe(0)
    const o = outcome(r, before)
    expect(o.pulls).toBe(3)
    expect(o.error).toMatch(/Cannot pull registry\.invalid\/x:1: .*TLS handshake timeout/)
    expect(r.log).toMatch(/Pulling registry\.invalid\/x:1 failed \(attempt 1 of 3\)/)
    expect(o.cloned).toBe(false)
  })
})
