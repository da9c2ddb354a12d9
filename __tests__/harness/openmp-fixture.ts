/**
 * A small package for real wheel builds: a setuptools C extension (`dwomp._core`) that uses OpenMP
 * (a parallel sum) and links libdwmath, the clib fixture built by a cmake dependency recipe. The extension
 * finds the library through the prefix environment (CPPFLAGS, LDFLAGS) the dependency step exports.
 * The package's files are in __tests__/fixtures/dwomp (shared with ci.yml's runs on every runner OS).
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { makeClibArchive, type ClibArchiveOptions } from './clib-archive.js'
import { commitAll, git, writeFiles } from './git-fixture.js'
import { pythonsForTests } from './pythons.js'

export const FIXTURE_TAG = '0.1.0'

/** The package's files: __tests__/fixtures/dwomp, which scripts/openmp_fixture.py also lays out for ci.yml. */
export const DWOMP_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'dwomp'
)

const FIXTURE_FILES = ['pyproject.toml', 'setup.py', 'src/dwomp/__init__.py', 'src/dwomp/_core.c']

const fixtureFile = (rel: string): string => fs.readFileSync(path.join(DWOMP_FIXTURE, rel), 'utf8')

/** The fixture's test: the module imports, libdwmath works, and OpenMP really runs two threads. */
export const FIXTURE_TEST_COMMAND = [
  'OMP_NUM_THREADS=2 python -c "',
  'import dwomp, sys',
  'assert dwomp.add(2, 3) == 5, dwomp.add(2, 3)',
  'assert dwomp.psum(100000) == 100000 * 100001 // 2',
  'assert dwomp.OPENMP > 0',
  'assert dwomp.threads_used() == 2, dwomp.threads_used()',
  "print('dwomp ok', sys.version_info[:2], 'openmp', dwomp.OPENMP, 'threads', dwomp.threads_used())",
  '"'
].join('\n')

export interface OpenmpFixture {
  /** The git repository (a local path) with the tag FIXTURE_TAG. */
  repo: string
  /** The `dependencies` input that builds libdwmath from a local archive. */
  dependencies: string
  archive: { path: string; sha256: string }
}

export interface OpenmpFixtureOptions {
  /** Replace the extension source (e.g. with one that does not compile). */
  coreC?: string
  /** Give the recipe this sha256 instead of the archive's. */
  sha256?: string
  /** Options of the libdwmath archive (e.g. a broken source). */
  clib?: ClibArchiveOptions
}

/** The dependency recipe of libdwmath. */
export function clibRecipe(archive: string, sha256: string): string {
  return stringify([{ name: 'dwmath', version: '1.0.0', source: archive, sha256, build: 'cmake' }])
}

/** Writes the package into `<root>/dwomp` as a git repository tagged FIXTURE_TAG. */
export function makeOpenmpFixture(root: string, options: OpenmpFixtureOptions = {}): OpenmpFixture {
  const repo = path.join(root, 'dwomp')
  fs.mkdirSync(repo, { recursive: true })
  git(repo, 'init', '-q')
  writeFiles(repo, {
    ...Object.fromEntries(FIXTURE_FILES.map((rel) => [rel, fixtureFile(rel)])),
    ...(options.coreC === undefined ? {} : { 'src/dwomp/_core.c': options.coreC })
  })
  commitAll(repo, 'dwomp')
  git(repo, 'tag', FIXTURE_TAG)
  const archive = makeClibArchive(root, options.clib)
  return { repo, archive, dependencies: clibRecipe(archive.path, options.sha256 ?? archive.sha256) }
}

/**
 * The inputs of a host build and test of the fixture at its tag, with the first CPython of this machine
 * (pythonsForTests): container off, manylinux auto (the host's glibc is newer than manylinux_2_28, so
 * the tag the wheel's symbols allow), no upload.
 */
export function fixtureInputs(repo: string, dependencies: string): Record<string, string> {
  return {
    repository: repo,
    'build-commit': FIXTURE_TAG,
    'python-version': pythonsForTests(1)[0],
    container: 'off',
    manylinux: 'auto',
    'stop-after': 'test',
    upload: 'none',
    dependencies,
    'test-command': FIXTURE_TEST_COMMAND
  }
}
