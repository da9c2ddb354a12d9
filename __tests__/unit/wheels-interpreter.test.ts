/**
 * The wheels stage runs each version with the plan resolved for its interpreter: what the OS module says
 * of that interpreter (macOS: the raised deployment target and the tag the wheel must carry) reaches the
 * build and the repair as the runner receives them. A module stands in for the OS on this host.
 */
import { describe, expect, it } from 'vitest'
import { platformModule, type PlatformModule } from '../../src/platforms/index.js'
import { world } from './wheels-world.js'

const linux = platformModule('linux')
const withTarget = (tag: string): PlatformModule => ({
  ...linux,
  interpreterTarget: (_os, full) => ({ env: { set: { DW_TARGET_OF: full } }, tag })
})

describe("an OS module that answers for each interpreter (the world's Pythons are 3.11.9 and 3.12.9)", () => {
  it("the build and the repair of each version carry its interpreter's target", async () => {
    const w = world({ pythonVersions: ['3.11', '3.12'] })
    w.platform = withTarget('manylinux_2_28_x86_64')
    const result = await w.run()
    expect(result.failures).toEqual([])
    const builds = w.runner.calls.filter((c) => c.args.includes('--wheel'))
    const repairs = w.runner.calls.filter((c) => c.command.endsWith('/auditwheel') && c.args[0] === 'repair')
    expect(builds.map((c) => c.env?.DW_TARGET_OF)).toEqual(['3.11.9', '3.12.9'])
    expect(repairs.map((c) => c.env?.DW_TARGET_OF)).toEqual(['3.11.9', '3.12.9'])
  })

  it('a repaired wheel without the tag the interpreter requires fails at the repair', async () => {
    const w = world({ pythonVersions: ['3.11'] })
    w.platform = withTarget('macosx_10_13_x86_64')
    const result = await w.run()
    expect(result.failures.map((f) => [f.python, f.step])).toEqual([['3.11', 'repair 3.11']])
    expect(result.failures[0].message).toContain('is tagged manylinux_2_28_x86_64, not macosx_10_13_x86_64')
  })
})
