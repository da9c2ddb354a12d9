/**
 * The Cython output cache's script (src/cache/cython-cache.py) run directly, as meson runs it, with the
 * Cython of .venv-test (requirements/test.txt) in a temp directory: a change to a cimported .pxd must miss
 * the cache and give Cython's new output; the same inputs again hit. The script is Python, so this unit
 * test starts Python (and nothing else); without .venv-test it fails, naming the install command.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(__dirname, '../..')
const SCRIPT = path.join(ROOT, 'src', 'cache', 'cython-cache.py')
const PYTHON = path.join(ROOT, '.venv-test', 'bin', 'python')

let tmp: string
beforeAll(() => {
  const probe = (() => {
    try {
      return execFileSync(PYTHON, ['-c', 'import Cython; print(Cython.__version__)'], { encoding: 'utf8' })
    } catch (err) {
      return `failed: ${(err as Error).message}`
    }
  })()
  expect(
    probe,
    `${PYTHON} with Cython is needed: python3 -m venv .venv-test && .venv-test/bin/pip install -r requirements/test.txt`
  ).toMatch(/^3\.\d+/)
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cython-script-'))
})
afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true })
})

/** A project: mod.pyx cimports twice() from helper.pxd, where it is an inline function of `factor`. */
function project(dir: string, factor: number): void {
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(
    path.join(dir, 'mod.pyx'),
    'from helper cimport twice\n\ndef f(int x):\n    return twice(x)\n'
  )
  writePxd(dir, factor)
}
const writePxd = (dir: string, factor: number): void =>
  fs.writeFileSync(path.join(dir, 'helper.pxd'), `cdef inline int twice(int x):\n    return ${factor} * x\n`)

/** One call as meson makes it: the script, its options, `--`, Cython's arguments; the log's last result. */
function cythonize(dir: string, options: string[] = []): { result: string; c: string; parse?: string } {
  const log = path.join(dir, 'cython.log')
  fs.mkdirSync(path.join(dir, 'build'), { recursive: true }) // meson makes the output's directory
  execFileSync(
    PYTHON,
    [
      SCRIPT,
      `--cache-dir=${path.join(tmp, 'cache')}`,
      `--log=${log}`,
      '--',
      '-3',
      ...options,
      'mod.pyx',
      '-o',
      'build/mod.c'
    ],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }
  )
  const lines = fs.readFileSync(log, 'utf8').trim().split('\n')
  const last = JSON.parse(lines.at(-1)!) as { source: string; result: string; parse?: string }
  expect(last.source).toBe('mod.pyx')
  return {
    result: last.result,
    parse: last.parse,
    c: fs.readFileSync(path.join(dir, 'build', 'mod.c'), 'utf8')
  }
}

describe('cython-cache.py', () => {
  it('a change to a cimported .pxd misses the cache and compiles again; the same inputs hit', () => {
    const dir = path.join(tmp, 'proj')
    project(dir, 2)
    const first = cythonize(dir)
    expect(first.result).toBe('miss')
    expect(first.c).toContain('(2 * __pyx_v_x)')
    // The same sources: the stored output, byte for byte.
    fs.rmSync(path.join(dir, 'build'), { recursive: true })
    const again = cythonize(dir)
    expect(again.result).toBe('hit')
    expect(again.c).toBe(first.c)
    // Only the .pxd changes (the .pyx and the command line do not): Cython must run again.
    writePxd(dir, 3)
    const changed = cythonize(dir)
    expect(changed.result).toBe('miss')
    expect(changed.c).toContain('(3 * __pyx_v_x)')
    expect(changed.c).not.toContain('(2 * __pyx_v_x)')
    expect(cythonize(dir).result).toBe('hit')
    // Back to the first .pxd: its entry is still kept, and it is the first output again.
    writePxd(dir, 2)
    const back = cythonize(dir)
    expect(back.result).toBe('hit')
    expect(back.c).toBe(first.c)
  }, 120_000) // Cython run as a process, several times

  it('a .pxd of the same name appearing earlier on the include path misses the cache', () => {
    // helper.pxd only in inc2 at first (Cython looks in the .pyx's own directory before -I: none there).
    const dir = path.join(tmp, 'shadow')
    project(dir, 2)
    const [inc1, inc2] = [path.join(dir, 'inc1'), path.join(dir, 'inc2')]
    fs.mkdirSync(inc1)
    fs.mkdirSync(inc2)
    fs.renameSync(path.join(dir, 'helper.pxd'), path.join(inc2, 'helper.pxd'))
    const includes = ['-I', 'inc1', '-I', 'inc2']
    expect(cythonize(dir, includes).result).toBe('miss')
    expect(cythonize(dir, includes).result).toBe('hit')
    // inc1/helper.pxd now comes first: a file Cython only asked about before (it did not exist) changes.
    writePxd(inc1, 5)
    const shadowed = cythonize(dir, includes)
    expect(shadowed.result).toBe('miss')
    expect(shadowed.c).toContain('(5 * __pyx_v_x)')
  }, 120_000) // Cython run as a process, several times

  it("the same command line again is parsed from what the first call kept; the content is still checked, and another command line is Cython's to parse", () => {
    const dir = path.join(tmp, 'kept')
    project(dir, 2)
    const first = cythonize(dir)
    expect([first.result, first.parse]).toEqual(['miss', 'cython'])
    const again = cythonize(dir)
    expect([again.result, again.parse]).toEqual(['hit', 'kept'])
    expect(again.c).toBe(first.c)
    // The kept parse never skips the content check: a changed .pxd still compiles.
    writePxd(dir, 7)
    const changed = cythonize(dir)
    expect([changed.result, changed.parse]).toEqual(['miss', 'kept'])
    expect(changed.c).toContain('(7 * __pyx_v_x)')
    // Another option changes the output: its own parse and key, never the first call's.
    const other = cythonize(dir, ['--line-directives'])
    expect([other.result, other.parse]).toEqual(['miss', 'cython'])
    expect(other.c).not.toBe(changed.c)
    expect(cythonize(dir, ['--line-directives'])).toMatchObject({
      result: 'hit',
      parse: 'kept',
      c: other.c
    })
  }, 120_000) // Cython run as a process, several times
})
