/**
 * The Linux container path on a real Docker engine, as GitHub's ubuntu runners run it: the bundle as a
 * non-root user in the docker group (and once as root), `container:` set to the local manylinux-like
 * image (Debian bookworm: its Python names `x86_64-linux-gnu-gcc` as CC). The OpenMP fixture with its
 * cmake recipe: the wheel comes out repaired, installs on the host and computes; every file the run
 * leaves is the user's; a rerun on the same tool cache hits ccache; a failing test removes the container;
 * the user can remove the tool cache afterwards, as actions/cache's save and a workspace clean-up do.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'
import { FIXTURE_TEST_COMMAND, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'
import {
  containerNames,
  foreignOwners,
  graftedLibs,
  makeRunnerUser,
  runAsUser,
  testImage,
  type TestUser
} from '../harness/real-engine.js'

const LONG = 900_000
let image: string
let root: string
let fx: OpenmpFixture
let user: TestUser

beforeAll(() => {
  image = testImage()
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-real-engine-'))
  fs.chmodSync(root, 0o755)
  fx = makeOpenmpFixture(root)
  user = makeRunnerUser()
})
afterAll(() => {
  user?.remove()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

const wheelsOf = (r: ActionRun): string[] => JSON.parse(r.outputs.wheels ?? '[]') as string[]

/** hits and misses from the log line of the build's ccache group. */
function ccacheOf(r: ActionRun): { hits: number; misses: number } | undefined {
  const m = /ccache for Python 3\.11: (\d+) hits, (\d+) misses/.exec(r.log)
  return m ? { hits: Number(m[1]), misses: Number(m[2]) } : undefined
}

function build(
  opts: { asUser: boolean; toolCache: string; root?: string },
  extra: Record<string, string> = {}
): Promise<ActionRun> {
  const runRoot = opts.root ?? fs.mkdtempSync(path.join(root, 'run-'))
  return runAction({
    root: runRoot,
    toolCache: opts.toolCache,
    inputs: {
      repository: fx.repo,
      'build-commit': '0.1.0',
      'python-version': '3.11',
      container: image,
      manylinux: '2_34',
      'stop-after': 'test',
      upload: 'none',
      dependencies: fx.dependencies,
      'test-command': FIXTURE_TEST_COMMAND,
      ...extra
    },
    ...(opts.asUser ? { user } : {}),
    timeoutMs: LONG
  })
}

/** The wheel installed on the host, outside any tree of the run, computing with two threads. */
function checkOnHost(wheel: string): void {
  const venv = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-real-engine-venv-'))
  try {
    execFileSync('python3', ['-m', 'venv', venv])
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '-q', '--no-deps', wheel])
    const out = execFileSync(
      path.join(venv, 'bin', 'python'),
      ['-c', 'import dwomp; print(dwomp.add(40, 2), dwomp.psum(1000), dwomp.threads_used())'],
      { cwd: venv, env: { PATH: '/usr/bin:/bin', OMP_NUM_THREADS: '2' }, encoding: 'utf8' }
    )
    expect(out.trim()).toBe('42 500500 2')
  } finally {
    fs.rmSync(venv, { recursive: true, force: true })
  }
}

function checkWheel(r: ActionRun): string {
  expect(r.exitCode, r.log.slice(-8000)).toBe(0)
  const wheels = wheelsOf(r)
  expect(wheels.map((w) => path.basename(w))).toEqual(['dwomp-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl'])
  expect(graftedLibs(wheels[0], 'dwomp')).toEqual(['libdwmath', 'libgomp'])
  // Tested inside the container, in its own venv.
  expect(r.log).toMatch(/dwomp ok \(3, 11\) openmp \d+ threads 2/)
  return wheels[0]
}

describe('a real Docker engine, as the runner user (non-root, in the docker group)', () => {
  const toolCache = (): string => {
    const dir = path.join(root, 'toolcache-user')
    fs.mkdirSync(dir, { recursive: true })
    return dir
  }
  let first: ActionRun

  it(
    "builds the OpenMP fixture with its recipe in the image: repaired, tested, every file the user's",
    async () => {
      const before = containerNames()
      first = await build({ asUser: true, toolCache: toolCache() })
      const wheel = checkWheel(first)
      expect(first.summary).toMatch(new RegExp(`commands as uid ${user.uid}:${user.gid}`))
      checkOnHost(wheel)
      expect(foreignOwners([first.workspace, first.temp, first.toolCache], user.uid, user.gid)).toEqual([])
      expect(containerNames()).toEqual(before)
      // ccache was installed as root inside (the image has none) and wraps Debian's triplet-named gcc.
      const cc = ccacheOf(first)
      expect(cc, first.log.slice(-8000)).toBeDefined()
      expect(cc!.misses).toBeGreaterThan(0)
    },
    LONG
  )

  it(
    "a rerun on the same tool cache compiles from ccache only, and leaves only the user's files",
    async () => {
      expect(first?.exitCode).toBe(0)
      const again = await build({ asUser: true, toolCache: toolCache() })
      const wheel = checkWheel(again)
      // The repaired wheel stored by the first run, after its grafted libraries (libdwmath from the prefix,
      // libgomp from the image) were found unchanged by the check the user ran in the container.
      expect(again.log).toMatch(
        /Repair for Python 3\.11: reused the repaired wheel stored under [0-9a-f]{16}/
      )
      const sha = (f: string): string => createHash('sha256').update(fs.readFileSync(f)).digest('hex')
      expect(sha(wheel)).toBe(sha(wheelsOf(first)[0]))
      expect(again.log).toMatch(/Reusing the build env of Python 3\.11/)
      expect(again.log).toMatch(/Reusing the tools venv/)
      expect(ccacheOf(again)).toEqual({ hits: ccacheOf(first)!.misses, misses: 0 })
      expect(again.summary).toMatch(/<td>3\.11<\/td><td>[1-9]\d*<\/td><td>0<\/td><td>100%<\/td>/)
      expect(foreignOwners([again.workspace, again.temp, again.toolCache], user.uid, user.gid)).toEqual([])
    },
    LONG
  )

  it(
    "a failing test command: the run fails, the container is removed, the files are the user's",
    async () => {
      const before = containerNames()
      const r = await build(
        { asUser: true, toolCache: toolCache() },
        { 'test-command': 'echo failing on purpose; exit 7' }
      )
      expect(r.exitCode).not.toBe(0)
      expect(r.log).toMatch(/the test command failed with exit code 7/)
      expect(wheelsOf(r)).toEqual([])
      expect(containerNames()).toEqual(before)
      expect(foreignOwners([r.workspace, r.temp, r.toolCache], user.uid, user.gid)).toEqual([])
    },
    LONG
  )

  it('the user empties the tool cache and the run directories afterwards (actions/cache, clean-up)', () => {
    expect(first?.exitCode).toBe(0)
    // What the runner's user owns it can empty (the directories themselves sit in root's, as
    // /opt/hostedtoolcache does in /opt).
    for (const dir of [toolCache(), first.root]) {
      const r = runAsUser(user, 'find', [dir, '-mindepth', '1', '-delete'])
      expect(r, r.output).toEqual({ code: 0, output: '' })
      expect(fs.readdirSync(dir)).toEqual([])
    }
  })
})

describe('a real Docker engine, as root', () => {
  it(
    'builds the same wheel in the image, and removes its container',
    async () => {
      const before = containerNames()
      const tc = path.join(root, 'toolcache-root')
      // A repository of root's own: git refuses to read another user's (safe.directory).
      const own = makeOpenmpFixture(fs.mkdtempSync(path.join(root, 'rootfx-')))
      const r = await build(
        { asUser: false, toolCache: tc },
        { repository: own.repo, dependencies: own.dependencies }
      )
      checkOnHost(checkWheel(r))
      expect(r.summary).toMatch(/commands as the image(&#39;|')s user/)
      expect(containerNames()).toEqual(before)
    },
    LONG
  )
})
