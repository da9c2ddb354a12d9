/** Clone and fetch over HTTP: network failures are retried with backoff, then reported. */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'
import { makeFixtureRepo, type FixtureRepo } from '../harness/git-fixture.js'
import { serveBareRepo } from '../harness/git-http.js'

let repo: FixtureRepo
beforeAll(() => {
  repo = makeFixtureRepo()
})

// The fixture's submodule is a file:// URL; git refuses those under a remote superproject unless the
// user allows it, as a runner's git config would.
const fast = {
  DIPY_WHEELS_RETRY_BASE_MS: '20',
  GIT_CONFIG_COUNT: '1',
  GIT_CONFIG_KEY_0: 'protocol.file.allow',
  GIT_CONFIG_VALUE_0: 'always'
}

describe('checkout over a flaky network', () => {
  it('retries a clone that fails with 503 and then succeeds', async () => {
    const server = await serveBareRepo(repo.bare, 2)
    try {
      const r = await runAction({
        env: fast,
        inputs: { repository: server.url, 'build-commit': '1.1.0', 'stop-after': 'checkout' }
      })
      expect(r.exitCode, r.log).toBe(0)
      expect(r.outputs.commit).toBe(repo.shas.v110)
      expect(server.log.filter((l) => l.status === 503)).toHaveLength(2)
      expect(r.log).toContain('attempt 1 of 4')
      expect(r.log).toContain('attempt 2 of 4')
      expect(r.log).not.toContain('attempt 3 of 4')
    } finally {
      await server.close()
    }
  })

  describe('with a server that never answers', () => {
    let dead: http.Server
    let url: string
    beforeAll(async () => {
      // Accepts connections and closes them at once: git sees the remote hang up.
      dead = http.createServer((req) => req.socket.destroy())
      await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r))
      url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/repo.git`
    })
    afterAll(() => new Promise<void>((r) => dead.close(() => r())))

    it('gives up after four tries and says what failed', async () => {
      const r = await runAction({
        env: fast,
        inputs: { repository: url, 'build-commit': '1.1.0', 'stop-after': 'checkout' }
      })
      expect(r.exitCode).not.toBe(0)
      expect(r.log).toContain('attempt 3 of 4')
      expect(r.stdout).toMatch(
        /::error::Could not clone http:\/\/127\.0\.0\.1:\d+\/repo\.git: git clone failed/
      )
    })
  })

  it('does not retry a repository that does not exist', async () => {
    const r = await runAction({
      env: fast,
      inputs: { repository: '/nonexistent/repo.git', 'build-commit': '1.1.0', 'stop-after': 'checkout' }
    })
    expect(r.exitCode).not.toBe(0)
    expect(r.log).not.toContain('attempt 1 of 4')
    expect(r.stdout).toContain('::error::Could not clone /nonexistent/repo.git')
  })
})
