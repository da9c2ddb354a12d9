/** Local git repositories for the tests: the same code path as cloning from GitHub. */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
  GIT_CONFIG_NOSYSTEM: '1'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'protocol.file.allow=always', '-c', 'init.defaultBranch=master', ...args],
    {
      cwd,
      env: GIT_ENV,
      encoding: 'utf8'
    }
  ).trim()
}

/** Writes files (path → content) into dir. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel)
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, content)
  }
}

export function commitAll(dir: string, message: string): string {
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', message)
  return git(dir, 'rev-parse', 'HEAD')
}

/** Turns a work tree into a bare repository next to it and returns its path. */
export function makeBare(workTree: string, bare: string): string {
  git(path.dirname(workTree), 'clone', '-q', '--bare', workTree, bare)
  return bare
}

export interface FixtureRepo {
  /** Path of the bare repository (what the action clones). */
  bare: string
  /** The same as a file:// URL. */
  url: string
  /** The working clone the tests commit through. */
  work: string
  shas: { v100: string; v110: string; feature: string; master: string }
}

/**
 * A repository with tags 1.0.0 and 1.1.0, a branch `feature`, master ahead of the tags,
 * a submodule, and a pyproject.toml whose version differs per commit.
 */
export function makeFixtureRepo(root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-git-'))): FixtureRepo {
  const sub = path.join(root, 'sub-work')
  fs.mkdirSync(sub)
  git(sub, 'init', '-q')
  writeFiles(sub, { 'data.txt': 'submodule data\n' })
  commitAll(sub, 'sub: first')
  const subBare = makeBare(sub, path.join(root, 'sub.git'))

  const work = path.join(root, 'work')
  fs.mkdirSync(work)
  git(work, 'init', '-q')
  const pyproject = (v: string): string => `[project]\nname = "demo"\nversion = "${v}"\n`
  writeFiles(work, { 'pyproject.toml': pyproject('1.0.0'), README: 'one\n' })
  git(work, 'submodule', 'add', '-q', `file://${subBare}`, 'external')
  const v100 = commitAll(work, 'first')
  git(work, 'tag', '1.0.0')
  writeFiles(work, { 'pyproject.toml': pyproject('1.1.0'), README: 'two\n' })
  const v110 = commitAll(work, 'second')
  git(work, 'tag', '-a', '1.1.0', '-m', 'release 1.1.0')
  git(work, 'checkout', '-q', '-b', 'feature')
  writeFiles(work, { 'feature.txt': 'feature\n' })
  const feature = commitAll(work, 'feature work')
  git(work, 'checkout', '-q', 'master')
  writeFiles(work, { 'pyproject.toml': pyproject('1.2.0.dev0'), README: 'three\n' })
  const master = commitAll(work, 'third')
  const bare = makeBare(work, path.join(root, 'repo.git'))
  return { bare, url: `file://${bare}`, work, shas: { v100, v110, feature, master } }
}

/** Commits in the work clone and pushes to the bare repository. */
export function pushCommit(
  repo: FixtureRepo,
  files: Record<string, string>,
  message: string,
  branch = 'master'
): string {
  git(repo.work, 'checkout', '-q', branch)
  writeFiles(repo.work, files)
  const sha = commitAll(repo.work, message)
  git(repo.work, 'push', '-q', repo.bare, `${branch}:${branch}`)
  return sha
}
