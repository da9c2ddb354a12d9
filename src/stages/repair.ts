import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { materialize, mergeEnv, type EnvChange } from '../command.js'
import { CommandError, messageOf, RepairError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import type { PythonPlan } from '../plan/types.js'
import { isPureWheel, wheelsIn } from '../util/wheel-file.js'

export interface RepairContext {
  /** The tools venv's bin directory (the plan's), for the failure explanation. */
  toolsBin: string
  arch: string
  policy?: string
  /** The dependency prefix's library path, when recipes were built. */
  libraryEnv: EnvChange
}

/** Repairs one wheel with the plan's command into an empty directory; pure wheels pass through. */
export async function repairWheel(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan,
  wheel: string,
  ctx: RepairContext
): Promise<string> {
  fs.rmSync(py.repairDir, { recursive: true, force: true })
  fs.mkdirSync(py.repairDir, { recursive: true })
  if (isPureWheel(wheel)) {
    const dest = path.join(py.repairDir, path.basename(wheel))
    fs.copyFileSync(wheel, dest)
    core.info(`${path.basename(wheel)} is pure Python: nothing to repair, copied unchanged.`)
    return dest
  }
  const planned = { ...py.repair, env: mergeEnv(py.repair.env, ctx.libraryEnv) }
  const cmd = materialize(planned, { wheel }, runner.env, mod)
  await core.group(`Repair the wheel for Python ${py.version}`, async () => {
    try {
      await runner.run(cmd, {
        what: `the repair (${mod.paths.basename(cmd.command)}) for Python ${py.version}`
      })
    } catch (err) {
      const tail = err instanceof CommandError ? err.tail : messageOf(err)
      const details = await mod.explainRepairFailure(
        runner,
        { toolsBin: ctx.toolsBin, wheel, destDir: py.repairDir, arch: ctx.arch, policy: ctx.policy },
        tail
      )
      const hint = mod.hint(tail + details)
      throw new RepairError(`${messageOf(err)}${details}${hint ? `\nHint: ${hint}` : ''}`, { cause: err })
    }
  })
  const wheels = wheelsIn(py.repairDir)
  if (wheels.length !== 1) {
    throw new RepairError(
      wheels.length === 0
        ? `The repair for Python ${py.version} produced no wheel in ${py.repairDir}.`
        : `The repair for Python ${py.version} produced ${wheels.length} wheels, expected one: ${wheels.join(', ')}.`
    )
  }
  core.info(`Repaired: ${wheels[0]}`)
  return wheels[0]
}
