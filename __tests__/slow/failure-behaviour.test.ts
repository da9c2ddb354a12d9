/**
 * Failure behaviour on real builds (container: off) of a tiny setuptools C extension, through the bundle as
 * the runner runs it:
 * - fail-fast: false with two Pythons, one failing its test: the other wheel is still repaired, tested,
 *   uploaded (push of a tag → staging on the fake anaconda.org) and listed, and the step still fails with
 *   the failure in the summary and an error annotation;
 * - fail-fast: true: the first failure stops the run (the first fails → the second is never built, nothing
 *   uploaded);
 * The two versions are two CPythons this machine has (harness/pythons.ts); with fewer, the tests fail.
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
import { cpTag, pythonsForTests, reVersion } from '../harness/pythons.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

const TAG = '0.2.0'
const TOKEN = 'failStagingTok7'
const STAGING = 'multibuild-wheels-staging'
/** Fails on the given version only. */
const failOn = (version: string): string =>
  `python -c "import sys, dwfail; print('dwfail', dwfail.twice(21), sys.version_info[:2]); sys.exit(sys.version_info[:2] == (3, ${minor(version)}))"`
const minor = (version: string): string => version.split('.')[1]

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
      'python-version': pythonsForTests(1)[0],
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

describe('one failing Python version of two', () => {
  it('fail-fast: false: the second fails its test, the first is still repaired, tested, uploaded and listed; the step fails', async () => {
    const [A, B] = pythonsForTests(2)
    const [a, b] = [reVersion(A), reVersion(B)]
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'ff-false-')))
    const r = await run(repo, {
      'python-version': `${A} ${B}`,
      'fail-fast': 'false',
      'test-command': failOn(B)
    })
    expect(r.exitCode, r.log.slice(-6000)).not.toBe(0)

    // A went all the way.
    const wheels = wheelsOf(r)
    expect(wheels.map((w) => path.basename(w))).toEqual([
      // No libc symbols newer than 2.5: auditwheel gives the oldest tag.
      expect.stringMatching(
        new RegExp(`^dwfail-0\\.2\\.0-${cpTag(A)}-${cpTag(A)}-(manylinux\\w*_x86_64\\.)+whl$`)
      )
    ])
    expect(r.log).toMatch(new RegExp(`^dwfail 42 \\(3, ${minor(A)}\\)$`, 'm'))
    // B was built and its test ran (and failed).
    expect(r.log).toMatch(new RegExp(`^dwfail 42 \\(3, ${minor(B)}\\)$`, 'm'))
    const stored = server.files(STAGING)
    expect(stored.map((f) => [f.basename, f.sha256])).toEqual([[path.basename(wheels[0]), sha256(wheels[0])]])
    expect(JSON.parse(r.outputs.uploaded)).toEqual([
      `${server.url}/download/${STAGING}/dwfail/${TAG}/${path.basename(wheels[0])}`
    ])
    expect(JSON.parse(r.outputs['upload-target'])).toMatchObject({ target: 'staging', channel: STAGING })
    // The failed wheel of B is not in the wheelhouse.
    expect(fs.readdirSync(path.join(r.workspace, 'wheelhouse'))).toEqual([path.basename(wheels[0])])

    // What failed: an annotation per failure, then the step's own, naming B and the wheel that was made.
    const errors = annotations(r)
    expect(errors[0]).toMatch(
      new RegExp(
        `^Python ${b} failed at test ${b}: Testing dwfail-0\\.2\\.0-${cpTag(B)}-.*the test command failed with exit code 1`
      )
    )
    expect(errors.at(-1)).toMatch(new RegExp(`^1 of 2 Python versions failed:\n- Python ${b}, test ${b}: `))
    expect(errors.at(-1)).toContain(`These wheels were made: ${path.basename(wheels[0])}`)
    expect(r.summary).toMatch(/<h3>Failures<\/h3>/)
    expect(r.summary).toMatch(
      new RegExp(`<tr><td>${b}</td><td>test ${b}</td><td>Testing dwfail-0\\.2\\.0-${cpTag(B)}-`)
    )
    expect(r.summary).not.toMatch(new RegExp(`<tr><td>${a}</td><td>(build|repair|test) ${a}</td>`))
    expect(r.summary).toMatch(new RegExp(`<td>test ${a}</td><td>[\\d.]+</td><td>ok</td>`))
    expect(r.summary).toMatch(new RegExp(`<td>test ${b}</td><td>[\\d.]+</td><td>failed</td>`))
    expect(r.summary).toContain(
      `<td>${path.basename(wheels[0])}</td><td>uploaded</td><td>${sha256(wheels[0])}</td>`
    )
  })

  it('fail-fast: true: the first fails its test and the run stops there: the second is never built, nothing uploaded', async () => {
    const [A, B] = pythonsForTests(2)
    const [a, b] = [reVersion(A), reVersion(B)]
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'ff-true-')))
    const before = server.requests.length
    const r = await run(repo, {
      'python-version': `${A} ${B}`,
      'fail-fast': 'true',
      'test-command': failOn(A)
    })
    expect(r.exitCode, r.log.slice(-6000)).not.toBe(0)
    expect(r.log).toMatch(new RegExp(`^dwfail 42 \\(3, ${minor(A)}\\)$`, 'm'))
    expect(r.log).toContain(`::group::Build the wheel for Python ${A}`)
    expect(r.log).not.toContain(`::group::Build the wheel for Python ${B}`)
    expect(r.log).not.toMatch(new RegExp(`Python ${b}: `))
    expect(r.summary).toMatch(new RegExp(`<td>test ${a}</td><td>[\\d.]+</td><td>failed</td>`))
    expect(r.summary).not.toContain(`${B}</td>`)
    expect(r.summary).toMatch(new RegExp(`<tr><td>${a}</td><td>test ${a}</td>`))
    const errors = annotations(r)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(
      new RegExp(`^Testing dwfail-0\\.2\\.0-${cpTag(A)}-.*the test command failed with exit code 1`)
    )
    expect(wheelsOf(r)).toEqual([])
    expect(JSON.parse(r.outputs.uploaded)).toEqual([])
    expect(server.requests.length).toBe(before)
  })
})

describe('a C extension that does not compile', () => {
  it('the annotation shows the compiler error line with its file; the whole compiler log is in the group', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const repo = makeRepo(fs.mkdtempSync(path.join(root, 'broken-')), BROKEN_C)
    const r = await run(repo, { upload: 'none' })
    expect(r.exitCode).not.toBe(0)
    expect(wheelsOf(r)).toEqual([])

    const errors = annotations(r)
    expect(errors, r.log.slice(-6000)).toHaveLength(1)
    const [error] = errors
    // The headline is the cause: the compiler's error line, then the exit code and the last lines.
    expect(error).toMatch(
      new RegExp(
        `^the wheel build for Python ${a} failed: src/dwfail/_core\\.c:4:\\d+: error: .*\n\\(exit code 1\\)\nLast lines of its output:\n`
      )
    )
    // The compiler's own error line, with the file and line number.
    expect(error).toMatch(/^src\/dwfail\/_core\.c:4:\d+: error: /m)
    // The last lines, not the whole log.
    expect(error.split('\n').length).toBeLessThanOrEqual(45)

    // The whole log is in the build group: the frontend's first line, the compiler call and its error.
    const log = group(r, `Build the wheel for Python ${A}`)
    // (the frontend's first line in both modes: compiler-cache builds in the persistent env, no isolation)
    expect(log).toMatch(/\* Getting build dependencies for wheel/)
    expect(log).toMatch(/^running build_ext$/m)
    expect(log).toMatch(/gcc .*-c src\/dwfail\/_core\.c/)
    expect(log).toMatch(/^src\/dwfail\/_core\.c:4:\d+: error: /m)
    expect(log).toMatch(/^error: Command .*gcc.* returned non-zero exit status 1\.$/m)
    expect(r.summary).toMatch(
      new RegExp(`<tr><td>${a}</td><td>build ${a}</td><td>the wheel build for Python ${a} failed`)
    )
  })
})
