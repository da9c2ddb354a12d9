/**
 * Real builds of the OpenMP fixture through the bundled action (container: off): dependencies from a
 * cmake recipe, a wheel per Python, auditwheel repair with libdwmath and libgomp grafted, a test in a
 * clean venv. Uses the shared tool cache, so the tools venvs are built once.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'
import { BROKEN_SOURCE } from '../harness/clib-archive.js'
import { fixtureInputs, makeOpenmpFixture } from '../harness/openmp-fixture.js'
import { hostPythons, pythonsForTests, reVersion } from '../harness/pythons.js'
import { graftedLibraries, parseWheelName } from '../../src/util/wheel-file.js'

const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'dw-slow-'))

function run(repo: string, dependencies: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { ...fixtureInputs(repo, dependencies), ...inputs },
    timeoutMs: 900_000
  })
}

function hostGlibcMinor(): number {
  const out = execFileSync('ldd', ['--version'], { encoding: 'utf8' }).split('\n')[0]
  return Number(/2\.(\d+)\s*$/.exec(out)?.[1] ?? 0)
}

const wheelsOf = (r: ActionRun): string[] => JSON.parse(r.outputs.wheels ?? '[]') as string[]

function expectRepaired(wheel: string, python: string): void {
  const name = parseWheelName(wheel)!
  expect(name.python).toBe(`cp${python.replace('.', '')}`)
  expect(name.platform).toMatch(/^manylinux_2_\d+_x86_64$/)
  const grafted = graftedLibraries(wheel).map((g) => g.split('/'))
  expect(grafted.every(([dir]) => dir === 'dwomp.libs')).toBe(true)
  const libs = grafted.map(([, lib]) => lib)
  expect(libs.some((l) => /^libdwmath-[0-9a-f]{8}\.so/.test(l))).toBe(true)
  expect(libs.some((l) => /^libgomp-[0-9a-f]{8}\.so/.test(l))).toBe(true)
}

describe('the OpenMP fixture, built on the host', () => {
  it('builds, repairs (libdwmath and libgomp grafted), tests; a rerun reuses the dependency cache', async () => {
    const [A] = pythonsForTests(1)
    const root = tmp()
    const fx = makeOpenmpFixture(root)
    const r = await run(fx.repo, fx.dependencies)
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    const wheels = wheelsOf(r)
    expect(wheels).toHaveLength(1)
    expect(fs.existsSync(wheels[0])).toBe(true)
    expect(path.dirname(wheels[0])).toBe(path.join(r.workspace, 'wheelhouse'))
    expectRepaired(wheels[0], A)
    expect(r.log).toMatch(new RegExp(`dwomp ok \\(3, ${A.split('.')[1]}\\) openmp \\d+ threads 2`))
    expect(r.summary).toContain(path.basename(wheels[0]))
    expect(r.summary).toMatch(/libgomp-[0-9a-f]{8}\.so/)

    // The wheel works on its own: a fresh venv, no LD_LIBRARY_PATH, no dependency prefix.
    const venv = path.join(root, 'check-venv')
    execFileSync(hostPythons().get(A)!, ['-m', 'venv', venv])
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '-q', wheels[0]])
    const out = execFileSync(
      path.join(venv, 'bin', 'python'),
      ['-c', 'import dwomp; print(dwomp.add(40, 2), dwomp.threads_used())'],
      { cwd: root, env: { PATH: '/usr/bin:/bin', OMP_NUM_THREADS: '2' }, encoding: 'utf8' }
    )
    expect(out.trim()).toBe('42 2')

    const again = await run(fx.repo, fx.dependencies)
    expect(again.exitCode, again.log.slice(-6000)).toBe(0)
    expect(again.log).toMatch(/Dependencies: cache hit/)
    expect(again.log).toMatch(/Reusing the tools venv/)
    expect(wheelsOf(again)).toHaveLength(1)
  })

  it('builds one wheel per Python version in one call (two CPythons of this machine)', async () => {
    const [A, B] = pythonsForTests(2)
    const fx = makeOpenmpFixture(tmp())
    const r = await run(fx.repo, fx.dependencies, { 'python-version': `${A} ${B}` })
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    const wheels = wheelsOf(r)
    expect(wheels.map((w) => path.basename(w))).toEqual(
      [A, B].map((v) => {
        const tag = `cp${v.replace('.', '')}`
        return expect.stringMatching(
          new RegExp(`^dwomp-0\\.1\\.0-${tag}-${tag}-manylinux_2_\\d+_x86_64\\.whl$`)
        )
      })
    )
    expectRepaired(wheels[0], A)
    expectRepaired(wheels[1], B)
    for (const v of [A, B]) {
      // The interpreter the harness found is the one the action took.
      expect(r.log).toContain(`Python ${v}: ${hostPythons().get(v)} (${v}.`)
      expect(r.log).toMatch(new RegExp(`dwomp ok \\(3, ${v.split('.')[1]}\\)`))
      for (const step of ['build', 'repair', 'test']) expect(r.summary).toContain(`<td>${step} ${v}</td>`)
    }
  })

  it('a wrong sha256 fails before building, with a clear error and no wheel', async () => {
    const fx = makeOpenmpFixture(tmp(), { sha256: '0'.repeat(64) })
    const r = await run(fx.repo, fx.dependencies)
    expect(r.exitCode).not.toBe(0)
    expect(r.log).toMatch(/::error::.*sha256/i)
    expect(r.log).toContain('dwmath')
    expect(wheelsOf(r)).toEqual([])
    expect(fs.existsSync(path.join(r.workspace, 'wheelhouse'))).toBe(false)
  })

  it('a dependency that does not compile fails with the recipe and step named, and no wheel', async () => {
    const fx = makeOpenmpFixture(tmp(), { clib: { name: 'libdwmath-broken', files: BROKEN_SOURCE } })
    const r = await run(fx.repo, fx.dependencies)
    expect(r.exitCode).not.toBe(0)
    expect(r.log).toMatch(/::error::.*recipe "dwmath".*build step/)
    expect(wheelsOf(r)).toEqual([])
  })

  it.skipIf(hostGlibcMinor() <= 28)(
    'a repair to a policy older than the host glibc fails, naming the library and showing auditwheel show',
    async () => {
      const [A] = pythonsForTests(1)
      const tag = `cp${A.replace('.', '')}`
      const fx = makeOpenmpFixture(tmp())
      const r = await run(fx.repo, fx.dependencies, { manylinux: '2_28' })
      expect(r.exitCode).not.toBe(0)
      expect(r.log).toMatch(
        new RegExp(`::error::.*repair \\(auditwheel\\) for Python ${reVersion(A)} failed`)
      )
      expect(r.log).toMatch(/The library at fault: libc\.so\.6 \(GLIBC_2\.\d+, the policy allows 2\.28\)/)
      expect(r.log).toContain(`\`auditwheel show dwomp-0.1.0-${tag}-${tag}-linux_x86_64.whl\``)
      expect(wheelsOf(r)).toEqual([])
    }
  )

  it('an extension that does not compile fails the build with the compiler error, and no wheel', async () => {
    const [A] = pythonsForTests(1)
    const fx = makeOpenmpFixture(tmp(), { coreC: '#include <Python.h>\nint broken( {\n' })
    const r = await run(fx.repo, fx.dependencies)
    expect(r.exitCode).not.toBe(0)
    expect(r.log).toMatch(new RegExp(`::error::.*wheel build for Python ${reVersion(A)} failed`))
    expect(r.log).toMatch(/error: expected/)
    expect(wheelsOf(r)).toEqual([])
    expect(fs.existsSync(path.join(r.workspace, 'wheelhouse'))).toBe(false)
  })
})
