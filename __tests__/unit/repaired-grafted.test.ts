/**
 * The check of a stored repaired wheel against the libraries auditwheel grafted: a grafted copy's name
 * `<base>-<h8>.<ext>` read back (h8: the first 8 hex digits of the source's sha256, computed here from
 * real bytes), the verdict on what the check script found, and the stage: a source with other bytes, or
 * none, repairs again and says which library changed; delocate and delvewheel plans have reuse off.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { mergeEnv } from '../../src/command.js'
import { afterEach, describe, expect, it } from 'vitest'
import { graftedChange, parseGrafted } from '../../src/cache/repaired-grafted.js'
import { describeRepairReuse } from '../../src/cache/repaired.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { platformModule } from '../../src/platforms/index.js'
import { repairOrReuse } from '../../src/stages/repair.js'
import { defaultInputs, runnerHost, scratchHost } from '../harness/plan-fixtures.js'
import { writeWheel } from './fake-wheels.js'
import { FakeRunner } from './recording-runner.js'

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const V1 = Buffer.from('\x7fELF libdwrr version 1')
const V2 = Buffer.from('\x7fELF libdwrr version 2')

describe('a grafted name read back', () => {
  it('gives the source name and its hash prefix; a name without one is not a grafted copy', () => {
    const h8 = sha256(V1).slice(0, 8)
    expect(parseGrafted(`dwcy.libs/libdwrr-${h8}.so.1.0.0`)).toEqual({
      name: `libdwrr-${h8}.so.1.0.0`,
      source: 'libdwrr.so.1.0.0',
      h8
    })
    expect(parseGrafted('pkg.libs/libgomp.so.1')).toBeUndefined()
    expect(parseGrafted('pkg.libs/libgomp-XYZ12345.so.1')).toBeUndefined()
  })

  it('the verdict: the same bytes pass, other bytes or no source name the library', () => {
    const g = parseGrafted(`dwcy.libs/libdwrr-${sha256(V1).slice(0, 8)}.so.1.0.0`)!
    const at = '/opt/lib/libdwrr.so.1.0.0'
    expect(graftedChange([g], { 'libdwrr.so.1.0.0': { source: at, sha256: sha256(V1) } })).toBeUndefined()
    expect(graftedChange([g], { 'libdwrr.so.1.0.0': { source: at, sha256: sha256(V2) } })).toBe(
      `${at} changed (grafted as ${g.name}, its sha256 now begins ${sha256(V2).slice(0, 8)})`
    )
    expect(graftedChange([g], { 'libdwrr.so.1.0.0': { source: null } })).toMatch(
      /^libdwrr\.so\.1\.0\.0 \(grafted as libdwrr-[0-9a-f]{8}\.so\.1\.0\.0\) is no longer found$/
    )
    expect(graftedChange([g], {})).toMatch(/is no longer found$/)
  })
})

describe('repair or reuse, with the grafted libraries checked', () => {
  it('a changed source repairs again (one line naming it); unchanged, the check alone runs', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rg-'))
    made.push(root)
    const planned = makePlan(defaultInputs('linux', { container: 'off' }), scratchHost(root)).pythons[0]
    // The repair as resolution leaves it: the dependency prefix's library path in its variables.
    const repairEnv = mergeEnv(planned.repair.env, { prepend: { LD_LIBRARY_PATH: ['/opt/lib'] } })
    const py = { ...planned, repair: { ...planned.repair, env: repairEnv } }
    const built = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(built)
    const repaired = 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'
    let source = V1
    const found = () =>
      JSON.stringify({ 'libdwrr.so.1.0.0': { source: '/opt/lib/libdwrr.so.1.0.0', sha256: sha256(source) } })
    const runner = () =>
      new FakeRunner((cmd) =>
        /repaired-grafted-[0-9a-f]+\.py$/.test(cmd.args[0] ?? '')
          ? { stdout: found() }
          : writeWheel(path.join(py.repairDir, repaired), [
              `pkg.libs/libdwrr-${sha256(source).slice(0, 8)}.so.1.0.0`
            ])
      )
    const ctx = {
      toolsBin: '/t/bin',
      arch: 'x86_64',
      toolCache: path.join(root, 'tc'),
      prefix: ''
    }
    const logged: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((s: string) => (logged.push(String(s)), true)) as typeof process.stdout.write
    try {
      await repairOrReuse(runner(), platformModule('linux'), py, built, ctx)
      const same = runner()
      expect((await repairOrReuse(same, platformModule('linux'), py, built, ctx)).reused).toBe(true)
      // The check ran on the runner of the repair, by the tools venv's python, on the built wheel, with
      // the repair's variables (the library path auditwheel searches).
      expect(same.calls).toHaveLength(1)
      expect(same.calls[0].command).toBe('/t/bin/python')
      expect(same.calls[0].args.slice(1)).toEqual([built, 'libdwrr.so.1.0.0'])
      expect(same.calls[0].env?.LD_LIBRARY_PATH).toMatch(/^\/opt\/lib(:|$)/)
      source = V2
      const changed = runner()
      const r = await repairOrReuse(changed, platformModule('linux'), py, built, ctx)
      expect(r.reused).toBe(false)
      expect(changed.calls).toHaveLength(2)
      expect(logged.join('')).toContain(
        `a grafted library changed: /opt/lib/libdwrr.so.1.0.0 changed (grafted as libdwrr-${sha256(V1).slice(0, 8)}.so.1.0.0`
      )
      // The new result was stored: the next run with the same source takes it.
      const again = runner()
      expect((await repairOrReuse(again, platformModule('linux'), py, built, ctx)).reused).toBe(true)
      expect(again.calls).toHaveLength(1)
    } finally {
      process.stdout.write = write
    }
  })

  it('macOS (delocate) and Windows (delvewheel) plans have reuse off, with the reason', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rg-'))
    made.push(root)
    const linux = makePlan(defaultInputs('linux', { container: 'off' }), scratchHost(root)).pythons[0]
    expect(linux.repairReuse?.off).toBeUndefined()
    for (const [platform, tool] of [
      ['macos', 'delocate'],
      ['windows', 'delvewheel']
    ] as const) {
      const py = makePlan(
        defaultInputs(platform),
        runnerHost(platform, platform === 'macos' ? 'arm64' : 'x86_64')
      ).pythons[0]
      expect(py.repairReuse?.off, platform).toMatch(new RegExp(`^${tool}`))
      expect(describeRepairReuse(py.repairReuse!)).toMatch(new RegExp(`^off: ${tool}`))
    }
  })
})
