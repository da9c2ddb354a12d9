/** The repair stage on its own: the plan's command, pure wheels, the one-wheel check, the failure explanation. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { RepairError } from '../../src/errors.js'
import { resolveDependencies } from '../../src/plan/dependencies.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { platformModule } from '../../src/platforms/index.js'
import { repairWheel } from '../../src/stages/repair.js'
import { defaultInputs, scratchHost } from '../harness/plan-fixtures.js'
import { writeWheel } from './fake-wheels.js'
import { FakeRunner } from './recording-runner.js'

const linux = platformModule('linux')

const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

describe('repair', () => {
  const setup = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-repair-'))
    made.push(root)
    const plan = makePlan(defaultInputs('linux', { container: 'off', manylinux: '2_28' }), scratchHost(root))
    return {
      root,
      plan,
      py: plan.pythons[0],
      ctx: { toolsBin: '/t/bin', arch: 'x86_64', policy: 'manylinux_2_28_x86_64' }
    }
  }

  it('passes a pure-Python wheel through unchanged, without auditwheel', async () => {
    const { root, py, ctx } = setup()
    const wheel = path.join(root, 'pkg-1.0-py3-none-any.whl')
    writeWheel(wheel)
    const runner = new FakeRunner()
    const out = await repairWheel(runner, linux, py, wheel, ctx)
    expect(out).toBe(path.join(root, 'temp', 'dipy-wheels', 'py3.12', 'repaired', 'pkg-1.0-py3-none-any.whl'))
    expect(fs.readFileSync(out)).toEqual(fs.readFileSync(wheel))
    expect(runner.calls).toEqual([])
  })

  it('two wheels in the destination is an error', async () => {
    const { root, py, ctx } = setup()
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(wheel)
    const runner = new FakeRunner(() => {
      writeWheel(path.join(py.repairDir, 'a-1-cp311-cp311-manylinux_2_28_x86_64.whl'))
      writeWheel(path.join(py.repairDir, 'b-1-cp311-cp311-manylinux_2_28_x86_64.whl'))
    })
    const err = await repairWheel(runner, linux, py, wheel, ctx).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(RepairError)
    expect((err as Error).message).toMatch(/produced 2 wheels, expected one/)
  })

  it('the dependency prefix reaches auditwheel on LD_LIBRARY_PATH (the resolved plan carries it)', async () => {
    const { root, plan, ctx } = setup()
    const py = resolveDependencies(plan, { prefix: '/deps/prefix', env: {} }).pythons[0]
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(wheel)
    const runner = new FakeRunner(() =>
      writeWheel(path.join(py.repairDir, 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl'))
    )
    await repairWheel(runner, linux, py, wheel, ctx)
    expect(runner.calls[0].env?.LD_LIBRARY_PATH).toBe('/deps/prefix/lib:/deps/prefix/lib64')
  })

  it('a failed repair shows auditwheel show and names the library', async () => {
    const { root, py, ctx } = setup()
    const wheel = path.join(root, 'pkg-1.0-cp311-cp311-linux_x86_64.whl')
    writeWheel(wheel)
    const runner = new FakeRunner((cmd) =>
      cmd.args[0] === 'repair'
        ? {
            exitCode: 1,
            stderr:
              'ValueError: Cannot repair wheel, because required library "libfoo.so.2" could not be located'
          }
        : {
            stdout:
              'pkg-1.0-cp311-cp311-linux_x86_64.whl is consistent with the following platform tag: "linux_x86_64".'
          }
    )
    const err = (await repairWheel(runner, linux, py, wheel, ctx).catch((e: unknown) => e)) as Error
    expect(err).toBeInstanceOf(RepairError)
    expect(err.message).toMatch(/The library at fault: libfoo\.so\.2 \(not found/)
    expect(err.message).toContain('`auditwheel show pkg-1.0-cp311-cp311-linux_x86_64.whl`:')
    expect(err.message).toMatch(/Hint: build the library with a dependency recipe/)
    expect(runner.lines()[1]).toBe(`/t/bin/auditwheel show ${wheel}`)
  })
})
