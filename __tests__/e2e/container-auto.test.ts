/**
 * container: auto through the bundle, with a fake container engine standing in for Docker (there is no
 * engine here; GitHub CI runs the real one): the same stage code as a host build runs inside, and yields
 * the same repaired, tested wheel as container: off. The container is always removed.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, SHARED_TOOL_CACHE, type ActionRun } from '../harness/action.js'
import { makeFakeEngine, manylinuxLikeImage, type FakeEngine } from '../harness/fake-docker.js'
import { fixtureInputs, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'

const IMAGE = 'quay.io/pypa/manylinux_2_34_x86_64'
const LONG = 600_000

let root: string
let fake: FakeEngine
let fx: OpenmpFixture

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-container-auto-'))
  fake = makeFakeEngine(path.join(root, 'engine'), { images: { [IMAGE]: manylinuxLikeImage() } })
  fx = makeOpenmpFixture(root)
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

const wheelsOf = (r: ActionRun): string[] => JSON.parse(r.outputs.wheels ?? '[]') as string[]

/** The names inside a wheel's .libs directory, without auditwheel's hash suffix. */
function graftedNames(wheel: string): string[] {
  const listing = execFileSync('python3', ['-m', 'zipfile', '-l', wheel], { encoding: 'utf8' })
  return [...listing.matchAll(/dwomp\.libs\/(lib\w+)-[0-9a-f]{8}\.so[\w.]*/g)].map((m) => m[1]).sort()
}

function build(container: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  return runAction({
    inputs: { ...fixtureInputs(fx.repo, fx.dependencies), container, manylinux: '2_34', ...extra },
    pathFirst: [fake.binDir],
    timeoutMs: LONG
  })
}

describe('container: auto', () => {
  it(
    'runs the pipeline in the image and yields the same repaired, tested wheel as container: off',
    async () => {
      // The repair must run inside (checked below): no repaired wheel an earlier run stored is reused.
      fs.rmSync(path.join(SHARED_TOOL_CACHE, 'dipy-wheels-repaired'), { recursive: true, force: true })
      const inside = await build('auto')
      expect(inside.exitCode, inside.log.slice(-6000)).toBe(0)
      const host = await build('off')
      expect(host.exitCode, host.log.slice(-6000)).toBe(0)

      const [a] = wheelsOf(inside)
      const [b] = wheelsOf(host)
      expect(path.basename(a)).toBe('dwomp-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl')
      expect(path.basename(b)).toBe(path.basename(a))
      expect(graftedNames(a)).toEqual(['libdwmath', 'libgomp'])
      expect(graftedNames(b)).toEqual(graftedNames(a))
      // Tested inside: the fixture's test printed its answer from the container's venv.
      expect(inside.log).toMatch(/dwomp ok \(3, 11\) openmp \d+ threads 2/)
      expect(inside.summary).toContain('Executor: container quay.io/pypa/manylinux_2_34_x86_64')

      // The engine: one container, every build command through docker exec, removed at the end.
      const argv = fake.calls().map((c) => c.argv)
      const runs = argv.filter((a) => a[0] === 'run')
      expect(runs).toHaveLength(1)
      expect(runs[0]).toContain(IMAGE)
      const name = runs[0][runs[0].indexOf('--name') + 1]
      const execs = argv.filter((a) => a[0] === 'exec')
      expect(execs.some((a) => a.includes('/opt/python/cp311-cp311/bin/python'))).toBe(true)
      // uv, the default, made the venvs inside from the image's interpreter.
      const uvVenvs = execs.filter((a) => a.some((w) => w.endsWith('/bin/uv')) && a.includes('venv'))
      expect(uvVenvs.map((a) => a[a.indexOf('--python') + 1])).toContain('/opt/python/cp311-cp311/bin/python')
      expect(execs.some((a) => a.some((w) => w.endsWith('/auditwheel')))).toBe(true)
      expect(execs.some((a) => a.includes('cmake'))).toBe(true)
      expect(argv.at(-1)).toEqual(['rm', '--force', name])
      expect(fake.containers()).toEqual([])

      // The wheel built inside works on its own.
      const venv = path.join(root, 'check-venv')
      execFileSync('python3', ['-m', 'venv', venv])
      execFileSync(path.join(venv, 'bin', 'pip'), ['install', '-q', a])
      const out = execFileSync(
        path.join(venv, 'bin', 'python'),
        ['-c', 'import dwomp; print(dwomp.add(40, 2), dwomp.threads_used())'],
        { cwd: root, env: { PATH: '/usr/bin:/bin', OMP_NUM_THREADS: '2' }, encoding: 'utf8' }
      )
      expect(out.trim()).toBe('42 2')
    },
    LONG
  )

  it(
    'removes the container when a step fails inside, and names the failing step',
    async () => {
      const before = fake.calls().length
      const r = await build('auto', { 'test-command': 'echo failing on purpose; exit 7' })
      expect(r.exitCode).not.toBe(0)
      expect(r.log).toMatch(/the test command failed with exit code 7/)
      expect(r.log).toContain('failing on purpose')
      expect(wheelsOf(r)).toEqual([])
      const argv = fake
        .calls()
        .slice(before)
        .map((c) => c.argv)
      const name = argv.find((a) => a[0] === 'run')!
      expect(argv.at(-1)).toEqual(['rm', '--force', name[name.indexOf('--name') + 1]])
      expect(fake.containers()).toEqual([])
    },
    LONG
  )

  it('fails with a clear message, before the clone, when the image cannot be pulled', async () => {
    const r = await build('quay.io/nobody/nothing:1')
    expect(r.exitCode).not.toBe(0)
    expect(r.log).toMatch(/Cannot pull quay\.io\/nobody\/nothing:1: quay\.io has no such image or tag/)
    expect(r.log).toMatch(/set container: off to build on the host/)
    expect(r.log).not.toMatch(/Clone /)
  })
})
