/**
 * The real Docker engine in the tests: the local manylinux-like image (scripts/test-image.sh, built from
 * Debian packages: no registry is reachable here), a runner-like user in the docker group, and what the
 * tests check afterwards (owners, containers left). Nothing here is skipped: when the engine does not
 * answer or the test is not root, the test fails and says why and how to provide it.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { REPO_ROOT } from './action.js'

export interface TestUser {
  name: string
  uid: number
  gid: number
  home: string
  remove(): void
}

const sh = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })

/** Throws, naming the fix, unless a Docker engine answers. */
export function requireEngine(): void {
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
    encoding: 'utf8',
    timeout: 30_000
  })
  if (r.status !== 0) {
    throw new Error(
      `These tests need a running Docker engine and none answers (${(r.stderr || r.error?.message || '').trim()}). ` +
        "Run them through `bash .ci/run` (it installs Debian's docker.io and starts dockerd), or start dockerd as root."
    )
  }
}

/** The test image's tag: DIPY_WHEELS_TEST_IMAGE (set by .ci/run), else made now by scripts/test-image.sh. */
export function testImage(): string {
  requireEngine()
  const given = process.env.DIPY_WHEELS_TEST_IMAGE
  if (given) return given
  const cache = path.join(os.homedir(), '.cache', 'dipy-wheels-ci')
  return sh('bash', [path.join(REPO_ROOT, 'scripts', 'test-image.sh'), cache]).trim()
}

/** The names of every container the engine has, running or not. */
export function containerNames(): string[] {
  return sh('docker', ['ps', '--all', '--format', '{{.Names}}']).split('\n').filter(Boolean)
}

/**
 * A user as GitHub's ubuntu runners have one (`runner`, uid 1001, in the docker group): a free uid, a home
 * of its own. Needs root; remove() deletes it and its home.
 */
export function makeRunnerUser(): TestUser {
  if (process.getuid?.() !== 0) {
    throw new Error(
      'Making the runner-like test user needs root (useradd): run the tests as root, as .ci/run does.'
    )
  }
  const name = `dwrun${randomBytes(3).toString('hex')}`
  sh('useradd', ['--create-home', '--groups', 'docker', '--shell', '/bin/sh', name])
  const uid = Number(sh('id', ['-u', name]))
  const gid = Number(sh('id', ['-g', name]))
  const home = sh('getent', ['passwd', name]).split(':')[5]
  // Repositories the tests clone are local directories of root's; on GitHub they are remote. git
  // refuses another user's repository (safe.directory): this user trusts them, in its own config.
  fs.writeFileSync(path.join(home, '.gitconfig'), '[safe]\n\tdirectory = *\n')
  fs.chownSync(path.join(home, '.gitconfig'), uid, gid)
  return {
    name,
    uid,
    gid,
    home,
    remove: () => void spawnSync('userdel', ['--remove', name], { stdio: 'ignore' })
  }
}

/** Runs a command as the user, with their groups (docker), as a later step of the job would. */
export function runAsUser(user: TestUser, cmd: string, args: string[]): { code: number; output: string } {
  const r = spawnSync(
    'setpriv',
    [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--', cmd, ...args],
    { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: user.home } }
  )
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` }
}

/** Every path under `dirs` (links not followed) whose owner is not uid:gid, with its owner. */
export function foreignOwners(dirs: string[], uid: number, gid: number): string[] {
  const bad: string[] = []
  const walk = (p: string): void => {
    const st = fs.lstatSync(p)
    if (st.uid !== uid || st.gid !== gid) bad.push(`${p} (${st.uid}:${st.gid})`)
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e))
  }
  for (const d of dirs) if (fs.existsSync(d)) walk(d)
  return bad
}

/** The names inside a wheel's .libs directory, without auditwheel's hash suffix. */
export function graftedLibs(wheel: string, pkg: string): string[] {
  const listing = sh('python3', ['-m', 'zipfile', '-l', wheel])
  const re = new RegExp(`${pkg}\\.libs/(lib[\\w]+?)-[0-9a-f]{8}\\.so[\\w.]*`, 'g')
  return [...listing.matchAll(re)].map((m) => m[1]).sort()
}
