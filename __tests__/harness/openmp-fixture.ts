/**
 * A small package for real wheel builds: a setuptools C extension (`dwomp._core`) that uses OpenMP
 * (a parallel sum) and links libdwmath, the clib fixture built by a cmake dependency recipe. The extension
 * finds the library through the prefix environment (CPPFLAGS, LDFLAGS) the dependency step exports.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { stringify } from 'yaml'
import { makeClibArchive, type ClibArchiveOptions } from './clib-archive.js'
import { commitAll, git, writeFiles } from './git-fixture.js'
import { pythonsForTests } from './pythons.js'

export const FIXTURE_TAG = '0.1.0'

const PYPROJECT = `[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "dwomp"
version = "${FIXTURE_TAG}"
requires-python = ">=3.9"
`

const SETUP_PY = `from setuptools import Extension, setup

# libdwmath's headers and library come from CPPFLAGS/LDFLAGS (the dependency prefix).
setup(
    packages=["dwomp"],
    package_dir={"": "src"},
    ext_modules=[
        Extension(
            "dwomp._core",
            sources=["src/dwomp/_core.c"],
            libraries=["dwmath"],
            extra_compile_args=["-fopenmp"],
            extra_link_args=["-fopenmp"],
        )
    ],
)
`

const CORE_C = `#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <omp.h>
#include "dwmath.h"

/* sum of dw_add(i, 1) for i in [0, n): n(n+1)/2, computed by an OpenMP parallel loop. */
static PyObject *psum(PyObject *self, PyObject *args) {
    long n, i;
    long long s = 0;
    if (!PyArg_ParseTuple(args, "l", &n)) return NULL;
    #pragma omp parallel for reduction(+:s)
    for (i = 0; i < n; i++) s += dw_add((int)i, 1);
    return PyLong_FromLongLong(s);
}

/* How many threads a parallel region really ran with. */
static PyObject *threads_used(PyObject *self, PyObject *args) {
    int used = 0;
    #pragma omp parallel
    {
        #pragma omp single
        used = omp_get_num_threads();
    }
    return PyLong_FromLong(used);
}

static PyObject *add(PyObject *self, PyObject *args) {
    int a, b;
    if (!PyArg_ParseTuple(args, "ii", &a, &b)) return NULL;
    return PyLong_FromLong(dw_add(a, b));
}

static PyMethodDef methods[] = {
    {"psum", psum, METH_VARARGS, "parallel sum"},
    {"threads_used", threads_used, METH_NOARGS, "threads of a parallel region"},
    {"add", add, METH_VARARGS, "dw_add from libdwmath"},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_core", NULL, -1, methods};

PyMODINIT_FUNC PyInit__core(void) {
    PyObject *m = PyModule_Create(&module);
    if (m) PyModule_AddIntConstant(m, "OPENMP", _OPENMP);
    return m;
}
`

const INIT_PY = `from ._core import OPENMP, add, psum, threads_used

__all__ = ["OPENMP", "add", "psum", "threads_used"]
`

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
    'pyproject.toml': PYPROJECT,
    'setup.py': SETUP_PY,
    'src/dwomp/__init__.py': INIT_PY,
    'src/dwomp/_core.c': options.coreC ?? CORE_C
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
