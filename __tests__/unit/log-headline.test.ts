/** headline() on recorded-style logs of the failures a wheel build meets: the cause, not the wrapper's last words. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CommandError } from '../../src/errors.js'
import { headline } from '../../src/log-headline.js'

const LOGS = fileURLToPath(new URL('../fixtures/logs/', import.meta.url))
const log = (name: string): string => fs.readFileSync(path.join(LOGS, name), 'utf8')

describe('headline', () => {
  it.each([
    [
      'meson-dependency.log',
      '../meson.build:41:0: ERROR: Dependency "openblas" not found, tried pkgconfig and cmake'
    ],
    ['pip-build-meson.log', "../meson.build:23:2: ERROR: Program 'cython' not found or not executable"],
    [
      'gcc-error.log',
      "dipy/core/interpolation.cpython-311-x86_64-linux-gnu.so.p/interpolation.c:4188:5: error: 'npy_intp_t' undeclared (first use in this function); did you mean 'npy_intp'?"
    ],
    ['clang-fatal.log', "src/dwfail/_core.c:3:10: fatal error: 'omp.h' file not found"],
    ['link-error.log', '/usr/bin/ld: cannot find -lfftw3: No such file or directory'],
    [
      'pip-resolver.log',
      'ERROR: Cannot install dipy==1.12.1 and numpy==1.21.6 because these package versions have conflicting dependencies.'
    ],
    [
      'pip-no-match.log',
      'ERROR: Could not find a version that satisfies the requirement pytest-nonexistent-plugin==9.9 (from versions: none)'
    ],
    [
      'auditwheel.log',
      'ValueError: Cannot repair wheel, because required library "libdwdep.so.1" could not be located'
    ],
    [
      'cmake-error.log',
      'CMake Error at CMakeLists.txt:14 (find_package): Could not find a package configuration file provided by "ZLIB" with any of the following names:'
    ],
    ['git-fatal.log', "fatal: repository 'https://github.com/dipy/dipyy.git/' not found"],
    [
      'smoke-test.log',
      'ImportError: libgomp.so.1: cannot open shared object file: No such file or directory'
    ],
    ['meson-ansi.log', 'ERROR: Unknown compiler(s): [["icx"]]']
  ])('%s → the cause', (name, expected) => {
    expect(headline(log(name))).toBe(expected)
  })

  it('says nothing when no line names a cause', () => {
    expect(headline(log('silent-exit.log'))).toBeUndefined()
    expect(headline('')).toBeUndefined()
    expect(
      headline('error: subprocess-exited-with-error\nninja: build stopped: subcommand failed.')
    ).toBeUndefined()
  })

  it('cuts a very long line', () => {
    const h = headline(`x.c:1:1: error: ${'y'.repeat(1000)}`)!
    expect(h).toHaveLength(300)
    expect(h.endsWith('…')).toBe(true)
  })

  it('is the first line of a CommandError, before the exit code and the last lines', () => {
    const tail = log('gcc-error.log').split('\n').slice(-3).join('\n')
    const err = new CommandError(
      'python -m build',
      1,
      tail,
      'the wheel build for Python 3.11',
      log('gcc-error.log')
    )
    expect(err.message.split('\n').slice(0, 3)).toEqual([
      "the wheel build for Python 3.11 failed: dipy/core/interpolation.cpython-311-x86_64-linux-gnu.so.p/interpolation.c:4188:5: error: 'npy_intp_t' undeclared (first use in this function); did you mean 'npy_intp'?",
      '(exit code 1)',
      'Last lines of its output:'
    ])
    expect(new CommandError('true', 3, 'dwfail 42').message).toBe(
      "'true' failed with exit code 3.\nLast lines of its output:\ndwfail 42"
    )
  })
})
