/**
 * A meson-python package with two Cython extensions (__tests__/fixtures/dwcy), as a git repository: the
 * Cython output cache's fixture. `_answer.pyx` cimports `consts.pxd` (the answer it returns); `_other.pyx`
 * cimports nothing of the package. Tag 0.1.0 answers 41; `setAnswer` commits another answer under a tag.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { commitAll, git } from './git-fixture.js'

export const DWCY_FIXTURE = fileURLToPath(new URL('../fixtures/dwcy', import.meta.url))
export const DWCY_TAG = '0.1.0'
const CONSTS = 'src/dwcy/consts.pxd'

/** The fixture copied into `<root>/dwcy`, committed and tagged DWCY_TAG; returns the repository. */
export function makeCythonFixture(root: string): string {
  const repo = path.join(root, 'dwcy')
  fs.cpSync(DWCY_FIXTURE, repo, { recursive: true })
  git(repo, 'init', '-q')
  commitAll(repo, 'dwcy')
  git(repo, 'tag', DWCY_TAG)
  return repo
}

/** Commits consts.pxd with `answer` instead of 41 and tags it `tag`. */
export function setAnswer(repo: string, answer: number, tag: string): void {
  const file = path.join(repo, CONSTS)
  const text = fs.readFileSync(file, 'utf8')
  if (!/return 41\n/.test(text)) throw new Error(`${CONSTS} no longer returns 41: update the fixture helper`)
  fs.writeFileSync(file, text.replace('return 41\n', `return ${answer}\n`))
  commitAll(repo, `answer ${answer}`)
  git(repo, 'tag', tag)
}

/** The test command: both extensions import, _answer computes `answer`, _other still works. */
export const answerTest = (answer: number): string =>
  'python -c "import dwcy._answer as a, dwcy._other as o; ' +
  `assert a.answer() == ${answer}, a.answer(); assert o.twice(21) == 42; print('answer', a.answer())"`

/**
 * The inputs of a host build of the fixture (container: off) up to its test, nothing uploaded: `ref` (DWCY_TAG
 * by default) built for `python`, its test expecting `answer` (41 by default).
 */
export function hostBuildInputs(
  repo: string,
  python: string,
  { ref = DWCY_TAG, answer = 41 }: { ref?: string; answer?: number } = {}
): Record<string, string> {
  return {
    repository: repo,
    'build-commit': ref,
    'python-version': python,
    container: 'off',
    manylinux: 'auto',
    'stop-after': 'test',
    upload: 'none',
    'test-command': answerTest(answer)
  }
}
