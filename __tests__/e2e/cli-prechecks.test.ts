/**
 * The CLI's checks before anything is written: with --container auto, the engine and the image are
 * checked before the workspace (and its temp folder) is made and before the clone. The engine's failures
 * are docker's own texts, played by the fake engine.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'
import { makeFixtureRepo, type FixtureRepo } from '../harness/git-fixture.js'

const exec = promisify(execFile)
const IMAGE = 'quay.io/pypa/manylinux_2_34_x86_64'
let root: string
let fake: FakeEngine
let repo: FixtureRepo

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-prechecks-'))
  fake = makeFakeEngine(path.join(root, 'engine'), { images: { [IMAGE]: manylinuxLikeImage() } })
  repo = makeFixtureRepo()
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: `${fake.binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '',
    TMPDIR: path.join(root, 'tmp'),
    RUNNER_TOOL_CACHE: path.join(root, 'toolcache'),
    DIPY_WHEELS_RETRY_BASE_MS: '10'
  }
  fs.mkdirSync(env.TMPDIR, { recursive: true })
  try {
    const r = await exec(NODES[0].path, [path.join(DIST_DIR, 'cli.js'), ...args], { env })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const build = (ws: string, image: string): string[] => [
  'build',
  ...['--workspace', ws, '--repository', repo.url, '--build-commit', '1.1.0'],
  ...['--container', image, '--manylinux', '2_34', '--python-version', '3.11', '--upload', 'none']
]

describe('dipy-wheels build --container: the engine checked before the workspace and the clone', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    [
      'a daemon that does not answer',
      'version',
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      /^Error: The docker daemon does not answer \(Cannot connect .*\): start it \(sudo systemctl start docker\), or set --container off to build on the host\.$/m
    ],
    [
      'a registry whose name does not resolve',
      'pull',
      'Error response from daemon: Get "https://registry.invalid/v2/": dial tcp: lookup registry.invalid on 127.0.0.53:53: no such host',
      /^Error: Cannot pull registry\.invalid\/x:1: the registry's name registry\.invalid does not resolve .*set --container off to build on the host\.$/m
    ]
  ]
  for (const [what, sub, stderr, message] of cases) {
    it(`${what}: one line, exit 1, no workspace made, nothing cloned, the pull not retried`, async () => {
      fs.writeFileSync(path.join(fake.root, 'faults.json'), JSON.stringify({ [sub]: { code: 1, stderr } }))
      const before = fake.calls().length
      const ws = path.join(root, `ws-${sub}`)
      const r = await cli(build(ws, sub === 'pull' ? 'registry.invalid/x:1' : 'auto'))
      fs.rmSync(path.join(fake.root, 'faults.json'), { force: true })
      expect(r.code, r.stdout + r.stderr).toBe(1)
      expect(r.stderr).toMatch(message)
      expect(r.stdout + r.stderr).not.toMatch(/Clone|at Error|\n\s+at /)
      expect(fs.existsSync(ws)).toBe(false)
      expect(fs.readdirSync(path.join(root, 'tmp'))).toEqual([])
      const pulls = fake
        .calls()
        .slice(before)
        .filter((c) => c.argv[0] === 'pull').length
      expect(pulls).toBe(sub === 'pull' ? 1 : 0)
    })
  }
})
