/**
 * Failure behaviour on real builds (container: off) of a tiny setuptools C extension, through the bundle as
 * the runner runs it:
 * - fail-fast: false with two Pythons, one failing its test: the other wheel is still repaired, tested,
 *   uploaded (push of a tag → staging on the fake anaconda.org) and listed, and the step still fails with
 *   the failure in the summary and an error annotation;
 * - fail-fast: true: the first failure stops the run (3.11 fails → 3.12 is never built, nothing uploaded);
 * - a C syntax error: the annotation holds the compiler's last lines (the error line with its file name),
 *   and the whole compiler log is inside the build's ::group::.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'
import { commitAll, git, writeFiles } from '../harness/git-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

const TAG = '0.2.0'
const TOKEN = 'failStagingTok7'
const STAGING = 'multibuild-wheels-staging'
/** Fails on the given minor version only. */
const failOn = (minor: number): string =>
  `python -c "import sys, dwfail; print('dwfail', dwfail.twice(21), sys.version_info[:2]); sys.exit(sys.version_info[:2] == (3, ${minor}))"`

const CORE_C = `#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *twice(PyObject *self, PyObject *args) {
    long n;
    if (!PyArg_ParseTuple(args, "l", &n)) return NULL;
    return PyLong_FromLong(2 * n);
}

static PyMethodDef methods[] = {{"twice", twice, METH_VARARGS, "2 n"}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods};
PyMODINIT_FUNC PyInit__core(void) { return PyModule_Create(&module); }
`
/** Line 4 does not parse. */
const BROKEN_C = '#define PY_SSIZE_T_CLEAN\n#include <Python.h>\n\nstatic int broken( {\n'

/** dwfail: a C extension package, as a git repository tagged TAG. */
function makeRepo(root: string, coreC = CORE_C): string {
  const repo = path.join(root, 'dwfail')
  fs.mkdirSync(repo, { recursive: true })
  git(repo, 'init', '-q')
  writeFiles(repo, {
    'pyproject.toml':
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
      `[project]\nname = "dwfail"\nversion = "${TAG}"\nrequires-python = ">=3.9"\n`,
    'setup.py':
      'from setuptools import Extension, setup\n\n' +
      'setup(packages=["dwfail"], package_dir={"": "src"},\n' +
      '      ext_modules=[Extension("dwfail._core", sources=["src/dwfail/_core.c"])])\n',
    'src/dwfail/__init__.py': 'from ._core import twice\n',
    'src/dwfail/_core.c': coreC
  })
  commitAll(repo, 'dwfail')
  git(repo, 'tag', TAG)
  return repo
}

function pyenvHas(version: string): boolean {
  const dir = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions')
  return fs.existsSync(dir) && fs.readdirSync(dir).some((v) => v.startsWith(`${version}.`))
}

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
const wheelsOf = (r: ActionRun): string[] => JSON.parse(r.outputs.wheels ?? '[]') as string[]
/** The ::error:: annotations, unescaped (%0A → newline). */
const annotations = (r: ActionRun): string[] =>
  r.log
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice('::error::'.length).replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'))
/** The lines of the log between `::group::<title>` and its `::endgroup::`. */
function group(r: ActionRun, title: string): string {
  const lines = r.log.split('\n')
  const start = lines.indexOf(`::group::${title}`)
  expect(start, `no ::group::${title} in the log`).toBeGreaterThanOrEqual(0)
  const end = lines.indexOf('::endgroup::', start)
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
}

let server: AnacondaServer
let root: string
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: { [TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } }
  })
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-failure-'))
})
afterAll(async () => {
  await server?.close()
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

function run(repo: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({
    inputs: {
      repository: repo,
      'build-commit': TAG,
      'python-version': '3.11',
      'config-settings': '',
      container: 'off',
      manylinux: 'auto',
      'anaconda-url': server.url,
      'staging-token': TOKEN,
      artifact: 'false',
      ...inputs
    },
    event: 'push',
    timeoutMs: 900_000
  })
}

describe.skipIf(!pyenvHas('3.12'))('one failing Python version of two', () => {
  it('fail-fast: false: 3.12 fails its test, 3.11 is still repaired, tested, uploaded and listed; the step fails', async () => {
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'ff-false-')))
    const r = await run(repo, {
      'python-version': '3.11 3.12',
      'fail-fast': 'false',
      'test-command': failOn(12)
    })
    expect(r.exitCode, r.log.slice(-6000)).not.toBe(0)

    // 3.11 went all the way.
    const wheels = wheelsOf(r)
    expect(wheels.map((w) => path.basename(w))).toEqual([
      // No libc symbols newer than 2.5: auditwheel gives the oldest tag.
      expect.stringMatching(/^dwfail-0\.2\.0-cp311-cp311-(manylinux\w*_x86_64\.)+whl$/)
    ])
    expect(r.log).toMatch(/^dwfail 42 \(3, 11\)$/m)
    expect(r.log).toMatch(/^dwfail 42 \(3, 12\)$/m) // 3.12 was built and its test ran (and failed)
    const stored = server.files(STAGING)
    expect(stored.map((f) => [f.basename, f.sha256])).toEqual([[path.basename(wheels[0]), sha256(wheels[0])]])
    expect(JSON.parse(r.outputs.uploaded)).toEqual([
      `${server.url}/download/${STAGING}/dwfail/${TAG}/${path.basename(wheels[0])}`
    ])
    expect(JSON.parse(r.outputs['upload-target'])).toMatchObject({ target: 'staging', channel: STAGING })
    // The failed 3.12 wheel is not in the wheelhouse.
    expect(fs.readdirSync(path.join(r.workspace, 'wheelhouse'))).toEqual([path.basename(wheels[0])])

    // What failed: an annotation per failure, then the step's own, naming 3.12 and the wheel that was made.
    const errors = annotations(r)
    expect(errors[0]).toMatch(
      /^Python 3\.12 failed at test 3\.12: Testing dwfail-0\.2\.0-cp312-.*the test command failed with exit code 1/
    )
    expect(errors.at(-1)).toMatch(/^1 of 2 Python versions failed:\n- Python 3\.12, test 3\.12: /)
    expect(errors.at(-1)).toContain(`These wheels were made: ${path.basename(wheels[0])}`)
    expect(r.summary).toMatch(/<h3>Failures<\/h3>/)
    expect(r.summary).toMatch(/<tr><td>3\.12<\/td><td>test 3\.12<\/td><td>Testing dwfail-0\.2\.0-cp312-/)
    expect(r.summary).not.toMatch(/<tr><td>3\.11<\/td><td>(build|repair|test) 3\.11<\/td>/)
    expect(r.summary).toMatch(/<td>test 3\.11<\/td><td>[\d.]+<\/td><td>ok<\/td>/)
    expect(r.summary).toMatch(/<td>test 3\.12<\/td><td>[\d.]+<\/td><td>failed<\/td>/)
    expect(r.summary).toContain(
      `<td>${path.basename(wheels[0])}</td><td>uploaded</td><td>${sha256(wheels[0])}</td>`
    )
  })

  it('fail-fast: true: 3.11 fails its test and the run stops there: 3.12 is never built, nothing uploaded', async () => {
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'ff-true-')))
    const before = server.requests.length
    const r = await run(repo, {
      'python-version': '3.11 3.12',
      'fail-fast': 'true',
      'test-command': failOn(11)
    })
    expect(r.exitCode, r.log.slice(-6000)).not.toBe(0)
    expect(r.log).toMatch(/^dwfail 42 \(3, 11\)$/m)
    expect(r.log).toContain('::group::Build the wheel for Python 3.11')
    expect(r.log).not.toContain('::group::Build the wheel for Python 3.12')
    expect(r.log).not.toMatch(/Python 3\.12: /)
    expect(r.summary).toMatch(/<td>test 3\.11<\/td><td>[\d.]+<\/td><td>failed<\/td>/)
    expect(r.summary).not.toContain('3.12</td>')
    expect(r.summary).toMatch(/<tr><td>3\.11<\/td><td>test 3\.11<\/td>/)
    const errors = annotations(r)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^Testing dwfail-0\.2\.0-cp311-.*the test command failed with exit code 1/)
    expect(wheelsOf(r)).toEqual([])
    expect(JSON.parse(r.outputs.uploaded)).toEqual([])
    expect(server.requests.length).toBe(before)
  })
})

describe('a C extension that does not compile', () => {
  it('the annotation shows the compiler error line with its file; the whole compiler log is in the group', async () => {
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'broken-')), BROKEN_C)
    const r = await run(repo, { upload: 'none' })
    expect(r.exitCode).not.toBe(0)
    expect(wheelsOf(r)).toEqual([])

    const errors = annotations(r)
    expect(errors, r.log.slice(-6000)).toHaveLength(1)
    const [error] = errors
    // The headline is the cause: the compiler's error line, then the exit code and the last lines.
    expect(error).toMatch(
      /^the wheel build for Python 3\.11 failed: src\/dwfail\/_core\.c:4:\d+: error: .*\n\(exit code 1\)\nLast lines of its output:\n/
    )
    // The compiler's own error line, with the file and line number.
    expect(error).toMatch(/^src\/dwfail\/_core\.c:4:\d+: error: /m)
    // The last lines, not the whole log.
    expect(error.split('\n').length).toBeLessThanOrEqual(45)

    // The whole log is in the build group: the frontend's first line, the compiler call and its error.
    const log = group(r, 'Build the wheel for Python 3.11')
    // (the frontend's first line in both modes: compiler-cache builds in the persistent env, no isolation)
    expect(log).toMatch(/\* Getting build dependencies for wheel/)
    expect(log).toMatch(/^running build_ext$/m)
    expect(log).toMatch(/gcc .*-c src\/dwfail\/_core\.c/)
    expect(log).toMatch(/^src\/dwfail\/_core\.c:4:\d+: error: /m)
    expect(log).toMatch(/^error: Command .*gcc.* returned non-zero exit status 1\.$/m)
    expect(r.summary).toMatch(
      /<tr><td>3\.11<\/td><td>build 3\.11<\/td><td>the wheel build for Python 3\.11 failed/
    )
  })
})
