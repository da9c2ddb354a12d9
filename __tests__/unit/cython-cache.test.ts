/** The Cython cache's pure parts: the native file meson reads, the common parent, the log's counts. */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cythonNativeFile, parseCythonLog } from '../../src/cache/cython.js'
import { commonAncestor } from '../../src/util/paths.js'

describe('Cython cache', () => {
  it('native file: one [binaries] entry, strings in meson syntax (Windows backslashes, quotes escaped)', () => {
    const text = cythonNativeFile('C:\\hostedtoolcache\\windows\\env\\Scripts\\python.exe', {
      dir: "C:\\tc\\dipy-wheels-cython\\it's",
      basedir: 'D:\\a',
      script: 'D:\\a\\_temp\\dipy-wheels\\cython-cache-0123456789abcdef.py',
      nativeFile: 'D:\\a\\_temp\\dipy-wheels\\py3.12\\meson-build-cython.ini',
      log: 'D:\\a\\_temp\\dipy-wheels\\py3.12\\meson-build-cython.log'
    })
    expect(text).toBe(
      '[binaries]\n' +
        "cython = ['C:\\\\hostedtoolcache\\\\windows\\\\env\\\\Scripts\\\\python.exe', " +
        "'D:\\\\a\\\\_temp\\\\dipy-wheels\\\\cython-cache-0123456789abcdef.py', " +
        "'--cache-dir=C:\\\\tc\\\\dipy-wheels-cython\\\\it\\'s', '--basedir=D:\\\\a', " +
        "'--log=D:\\\\a\\\\_temp\\\\dipy-wheels\\\\py3.12\\\\meson-build-cython.log', '--']\n"
    )
    const noBase = cythonNativeFile('/env/bin/python', {
      dir: '/tc/c',
      basedir: '',
      script: '/t/s.py',
      nativeFile: '/t/n.ini',
      log: '/t/l.log'
    })
    expect(noBase).toBe(
      "[binaries]\ncython = ['/env/bin/python', '/t/s.py', '--cache-dir=/tc/c', '--log=/t/l.log', '--']\n"
    )
  })

  it('common parent of the checkout and the build directory, in the target flavour', () => {
    expect(commonAncestor('/home/runner/work/r/r/dipy', '/home/runner/work/_temp/x', path.posix)).toBe(
      '/home/runner/work'
    )
    expect(commonAncestor('D:\\a\\r\\r\\dipy', 'D:\\a\\_temp\\x', path.win32)).toBe('D:\\a')
    expect(commonAncestor('C:\\src', 'D:\\a\\_temp', path.win32)).toBe('')
    expect(commonAncestor('D:\\src', 'D:\\temp', path.win32)).toBe('')
    expect(commonAncestor('/src', '/tmp/x', path.posix)).toBe('')
  })

  it("the log's counts leave out meson's own probes and lines that are not JSON", () => {
    const log = [
      '{"source": "", "result": "uncached"}',
      '{"source": "sanity_check_for_cython.pyx", "result": "miss"}',
      '{"source": "../../src/a.pyx", "result": "hit"}',
      '{"source": "../../src/b.pyx", "result": "miss"}',
      '{"source": "../../src/c.pyx", "result": "hit"}',
      '{"source": "../../src/d.pyx", "result": "uncached"}',
      '{"source": "../../src/e.pyx", "result": "failed"}',
      'cython-cache: could not store x',
      ''
    ].join('\n')
    expect(parseCythonLog('3.12', log)).toEqual({ python: '3.12', reused: 2, compiled: 1, uncached: 1 })
  })
})
