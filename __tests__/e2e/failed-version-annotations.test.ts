/**
 * With fail-fast off, every failed Python version gets an `::error::` annotation of its own naming the
 * version and the step it failed at, through the bundle as the runner runs it (container: off, fast: no
 * compile). Two versions that fail differently:
 * - A (an interpreter this machine has) fails its build: the project's build backend does not exist;
 * - B has no interpreter where the action looks: PATH holds no Python but A's python3.X, HOME has no
 *   pyenv, the tool cache is empty.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownToolCache, runAction } from '../harness/action.js'
import { commitAll, git, writeFiles } from '../harness/git-fixture.js'
import { hostPythons, pythonsForTests, reVersion } from '../harness/pythons.js'

let root: string
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-annotations-'))
})
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

/** A project whose build backend is not there: the build frontend stops at it. */
function makeRepo(): string {
  const repo = path.join(root, 'dwnobackend')
  fs.mkdirSync(repo)
  git(repo, 'init', '-q')
  writeFiles(repo, {
    'pyproject.toml':
      '[build-system]\nrequires = []\nbuild-backend = "dw_no_such_backend"\n\n' +
      '[project]\nname = "dwnobackend"\nversion = "0.1.0"\n'
  })
  commitAll(repo, 'dwnobackend')
  git(repo, 'tag', '0.1.0')
  return repo
}

const listDir = (dir: string): string[] => {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** The ::error:: annotations, unescaped (%0A → newline), as the runner shows them. */
const annotations = (log: string): string[] =>
  log
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))

describe('fail-fast: false with two failing versions', () => {
  it('one ::error:: per failed version, naming the version and the step; then the run fails', async () => {
    const [A] = pythonsForTests(1)
    const B = ['3.12', '3.13', '3.11'].find((v) => v !== A)!
    // PATH: one directory with the machine's programs (git and the tools its scripts call) less every
    // Python, and A's interpreter as python3.A: no python3.B anywhere the action looks.
    const bin = path.join(root, 'bin')
    fs.mkdirSync(bin)
    for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      for (const name of listDir(dir)) {
        if (/^(python|pip|pydoc|idle|2to3|pyenv)/.test(name) || fs.existsSync(path.join(bin, name))) continue
        fs.symlinkSync(path.join(dir, name), path.join(bin, name))
      }
    }
    fs.symlinkSync(hostPythons().get(A)!, path.join(bin, `python${A}`))
    const home = path.join(root, 'home')
    fs.mkdirSync(home)
    const r = await runAction({
      inputs: {
        repository: makeRepo(),
        'build-commit': '0.1.0',
        'python-version': `${A} ${B}`,
        'fail-fast': 'false',
        'config-settings': '',
        'compiler-cache': 'false',
        container: 'off',
        artifact: 'false'
      },
      event: 'pull_request',
      toolCache: ownToolCache('dw-annotations-tc-'),
      env: { PATH: bin, HOME: home },
      timeoutMs: 300_000
    })
    expect(r.exitCode, r.log.slice(-6000)).not.toBe(0)
    const errors = annotations(r.log)
    const [a, b] = [reVersion(A), reVersion(B)]
    // A: its build ran and failed; B: no interpreter, at its build env.
    const seen = errors.join('\n---\n')
    expect(
      errors.filter((e) => new RegExp(`^Python ${a} failed at build ${a}: `).test(e)),
      seen
    ).toHaveLength(1)
    expect(
      errors.filter((e) => new RegExp(`^Python ${b} failed at build env ${b}: `).test(e)),
      seen
    ).toHaveLength(1)
    expect(r.log).toContain(`::group::Build the wheel for Python ${A}`)
    expect(r.log).toContain('dw_no_such_backend')
    // Then the step's own summary of both.
    expect(errors.at(-1)).toMatch(/^2 of 2 Python versions failed:\n/)
    expect(errors).toHaveLength(3)
  }, 300_000)
})
