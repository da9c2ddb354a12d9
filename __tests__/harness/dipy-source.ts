/**
 * dipy's source for the real-dipy tests and the benchmark: the sdist of a release from the package index
 * (downloaded once into .cache/sdists/<sha256>/), unpacked into a local git repository tagged with the version, so the action
 * checks it out exactly as it checks out github.com/dipy/dipy.
 */
import { execFileSync } from 'node:child_process'
import * as path from 'node:path'
import { REPO_ROOT } from './action.js'
import { git } from './git-fixture.js'
import { indexSdist } from './index-sdist.js'

export const DIPY_VERSION = '1.12.1'
export const SDIST_CACHE = path.join(REPO_ROOT, '.cache', 'sdists')

/** The sdist of `version`, from the package index (its sha256 checked), downloaded the first time. */
export function dipySdist(version: string = DIPY_VERSION): Promise<string> {
  return indexSdist('dipy', version, SDIST_CACHE)
}

/** The sdist unpacked into `<root>/dipy-<version>`, committed and tagged `version`; returns the repo. */
export async function dipyRepo(root: string, version: string = DIPY_VERSION): Promise<string> {
  const sdist = await dipySdist(version)
  execFileSync('tar', ['-xzf', sdist, '-C', root])
  const repo = path.join(root, `dipy-${version}`)
  git(repo, 'init', '-q')
  // -f: dipy's .gitignore ignores files its sdist ships (dipy/data/files/*.pkl).
  git(repo, 'add', '-A', '-f')
  git(repo, 'commit', '-q', '-m', `dipy ${version} from its sdist`)
  git(repo, 'tag', version)
  return repo
}
