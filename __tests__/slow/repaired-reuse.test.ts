/**
 * The repaired-wheel cache through the bundle: the Cython fixture built twice (container: off) with one
 * tool cache, in two workspaces and temp directories laid out differently. The second run's build makes
 * the same bytes (SOURCE_DATE_EPOCH), so it takes the stored repaired wheel instead of running auditwheel;
 * its wheelhouse wheel is byte-identical to the first run's and is installed and imported by the test in a
 * clean venv. A third run, with the stored wheel corrupted, repairs as usual and still ships a good wheel.
 * Then the fixture with a third extension linked against libdwrr, a small library built here outside the
 * wheel (found by auditwheel through the extension's RUNPATH) and grafted by the repair: the library
 * rebuilt with other bytes while the built wheel stays the same, the rerun repairs again and ships them.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { unzipSync } from 'fflate'
import { commitAll, git } from '../harness/git-fixture.js'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { answerTest, DWCY_TAG, makeCythonFixture } from '../harness/cython-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const tmp = (prefix: string): string => fs.mkdtempSync(path.join(os.tmpdir(), prefix))
const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

describe('repaired-wheel reuse (bundle, Cython fixture, two workspaces and temp directories)', () => {
  it('the rerun elsewhere reuses the repaired wheel; a corrupted entry is repaired again', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const toolCache = ownToolCache('dw-rr-toolcache-')
    const repo = makeCythonFixture(tmp('dw-rr-fx-'))
    const run = (layout: { workspace: string; temp: string }): Promise<ActionRun> =>
      runAction({
        toolCache,
        layout,
        inputs: {
          repository: repo,
          'build-commit': DWCY_TAG,
          'python-version': A,
          container: 'off',
          manylinux: 'auto',
          'stop-after': 'test',
          upload: 'none',
          'test-command': answerTest(41)
        },
        timeoutMs: 900_000
      })
    const wheelOf = (r: ActionRun): string => {
      const wheels = JSON.parse(r.outputs.wheels ?? '[]') as string[]
      expect(wheels, r.log.slice(-6000)).toHaveLength(1)
      return wheels[0]
    }
    const auditwheelRan = (r: ActionRun): boolean => /\/auditwheel repair /.test(r.log)
    const reusedLine = new RegExp(
      `Repair for Python ${a}: reused the repaired wheel stored under [0-9a-f]{16}`
    )

    const cold = await run({ workspace: 'ws', temp: 'temp' })
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(auditwheelRan(cold)).toBe(true)
    expect(cold.log).toMatch(new RegExp(`Repair for Python ${a}: no stored repaired wheel for this key`))
    const first = wheelOf(cold)
    const firstSha = sha256(first)
    expect(cold.summary).toMatch(new RegExp(`<td>${a}</td>(<td>[^<]*</td>){4}<td>ran</td>`))

    const moved = await run({ workspace: 'runner-2/_work/proj/proj', temp: 'elsewhere/t' })
    expect(moved.exitCode, moved.log.slice(-6000)).toBe(0)
    expect(moved.log, moved.log.slice(-6000)).toMatch(reusedLine)
    expect(auditwheelRan(moved)).toBe(false)
    const second = wheelOf(moved)
    expect(second).not.toBe(first)
    expect(path.basename(second)).toBe(path.basename(first))
    expect(sha256(second)).toBe(firstSha)
    // Installed into a clean venv and imported by the test command.
    expect(moved.log).toContain('answer 41')
    expect(moved.summary).toMatch(new RegExp(`<td>${a}</td>(<td>[^<]*</td>){4}<td>reused</td>`))

    // The stored wheel corrupted (same size, other bytes): the repair runs and the wheel is still good.
    const store = path.join(toolCache, 'dipy-wheels-repaired')
    const keys = fs.readdirSync(store).filter((k) => /^[0-9a-f]{64}$/.test(k))
    expect(keys).toHaveLength(1)
    const stored = path.join(store, keys[0], path.basename(first))
    const bytes = fs.readFileSync(stored)
    bytes[bytes.length >> 1] ^= 0xff
    fs.writeFileSync(stored, bytes)
    const third = await run({ workspace: 'third/ws', temp: 'third-temp' })
    expect(third.exitCode, third.log.slice(-6000)).toBe(0)
    expect(third.log).toMatch(new RegExp(`Repair for Python ${a}: the stored \\S+ is corrupted`))
    expect(auditwheelRan(third)).toBe(true)
    expect(third.log).not.toMatch(reusedLine)
    expect(sha256(wheelOf(third))).toBe(firstSha)
    expect(third.log).toContain('answer 41')
    // The repair stored a good entry again.
    expect(sha256(stored)).toBe(firstSha)
  })
})

/** libdwrr.so.1.0.0 (soname libdwrr.so.1, linked as -ldwrr) returning `value`, replaced in one rename. */
function buildLibrary(dir: string, value: number): string {
  const src = path.join(dir, `dwrr-${value}.c`)
  fs.writeFileSync(src, `int dwrr_value(void) { return ${value}; }\n`)
  const real = path.join(dir, 'libdwrr.so.1.0.0')
  execFileSync('cc', ['-shared', '-fPIC', '-Wl,-soname,libdwrr.so.1', '-o', `${real}.new`, src])
  fs.renameSync(`${real}.new`, real)
  for (const link of ['libdwrr.so.1', 'libdwrr.so']) {
    if (!fs.existsSync(path.join(dir, link))) fs.symlinkSync('libdwrr.so.1.0.0', path.join(dir, link))
  }
  return real
}

const GRAFT_C = `#include <Python.h>
int dwrr_value(void);
static PyObject *value(PyObject *self, PyObject *args) { return PyLong_FromLong(dwrr_value()); }
static PyMethodDef methods[] = {{"value", value, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "_graft", NULL, -1, methods};
PyMODINIT_FUNC PyInit__graft(void) { return PyModule_Create(&def); }
`

describe('repaired-wheel reuse when a grafted library changes (bundle, the fixture linked against libdwrr)', () => {
  it('the same built wheel with the library rebuilt: repaired again, the new library shipped', async () => {
    const [A] = pythonsForTests(1)
    const a = reVersion(A)
    const toolCache = ownToolCache('dw-rr-graft-tc-')
    const libDir = tmp('dw-rr-graft-lib-')
    const lib = buildLibrary(libDir, 1)
    const repo = makeCythonFixture(tmp('dw-rr-graft-fx-'))
    fs.writeFileSync(path.join(repo, 'src/dwcy/_graft.c'), GRAFT_C)
    fs.appendFileSync(
      path.join(repo, 'meson.build'),
      `dwrr = meson.get_compiler('c').find_library('dwrr', dirs: ['${libDir}'])\n` +
        `py.extension_module('_graft', 'src/dwcy/_graft.c', dependencies: [dwrr], ` +
        `install_rpath: '${libDir}', install: true, subdir: 'dwcy')\n`
    )
    commitAll(repo, 'dwcy with _graft')
    git(repo, 'tag', 'graft-1')
    const run = (value: number, ws: string): Promise<ActionRun> =>
      runAction({
        toolCache,
        layout: { workspace: ws, temp: `${ws}-temp` },
        inputs: {
          repository: repo,
          'build-commit': 'graft-1',
          'python-version': A,
          container: 'off',
          manylinux: 'auto',
          'stop-after': 'test',
          upload: 'none',
          'test-command':
            `python -c "import dwcy._graft as g; assert g.value() == ${value}, g.value(); ` +
            "print('dwrr', g.value())\""
        },
        timeoutMs: 900_000
      })
    const shipped = (r: ActionRun): { wheel: string; grafted: string[] } => {
      const wheels = JSON.parse(r.outputs.wheels ?? '[]') as string[]
      expect(wheels, r.log.slice(-6000)).toHaveLength(1)
      const names: string[] = []
      unzipSync(new Uint8Array(fs.readFileSync(wheels[0])), {
        filter: (f) => (/^dwcy\.libs\/libdwrr-/.test(f.name) && names.push(f.name), false)
      })
      return { wheel: wheels[0], grafted: names }
    }
    const auditwheelRan = (r: ActionRun): boolean => /\/auditwheel repair /.test(r.log)
    const repairLines = (r: ActionRun): string => (r.log.match(/Repair for Python .*/g) ?? []).join('\n')

    const cold = await run(1, 'ws1')
    expect(cold.exitCode, cold.log.slice(-6000)).toBe(0)
    expect(auditwheelRan(cold)).toBe(true)
    const h1 = sha256(lib).slice(0, 8)
    expect(shipped(cold).grafted).toEqual([`dwcy.libs/libdwrr-${h1}.so.1.0.0`])
    expect(cold.log).toContain('dwrr 1')

    // Unchanged library: the rerun takes the stored wheel (the check of libdwrr passes).
    const warm = await run(1, 'ws2')
    expect(warm.exitCode, warm.log.slice(-6000)).toBe(0)
    expect(warm.log, repairLines(warm)).toMatch(
      new RegExp(`Repair for Python ${a}: reused the repaired wheel`)
    )
    expect(auditwheelRan(warm)).toBe(false)
    expect(sha256(shipped(warm).wheel)).toBe(sha256(shipped(cold).wheel))

    // The library rebuilt with other bytes; the built wheel is the same (it names libdwrr.so.1 only).
    buildLibrary(libDir, 2)
    const h2 = sha256(lib).slice(0, 8)
    expect(h2).not.toBe(h1)
    const changed = await run(2, 'ws3')
    expect(changed.exitCode, changed.log.slice(-6000)).toBe(0)
    expect(changed.log, repairLines(changed)).toContain(
      `Repair for Python ${A}: a grafted library changed: ${fs.realpathSync(lib)} changed ` +
        `(grafted as libdwrr-${h1}.so.1.0.0, its sha256 now begins ${h2})`
    )
    expect(auditwheelRan(changed)).toBe(true)
    expect(shipped(changed).grafted).toEqual([`dwcy.libs/libdwrr-${h2}.so.1.0.0`])
    // The shipped wheel, installed in a clean venv by the test command, loads the new library.
    expect(changed.log).toContain('dwrr 2')
  })
})
