import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { materialize, type PlannedCommand } from '../command.js'
import { CommandError, messageOf, WheelTestError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import type { PythonPlan } from '../plan/types.js'

/** Tests one wheel with the plan's commands: a new venv, the wheel installed, the test from an empty directory. */
export async function testWheel(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan & { test: PlannedCommand[] },
  slots: { python: string; wheel: string }
): Promise<void> {
  fs.rmSync(py.testDir, { recursive: true, force: true })
  fs.mkdirSync(path.join(py.testDir, 'empty'), { recursive: true })
  await core.group(`Test the wheel for Python ${py.version}`, async () => {
    for (const planned of py.test) {
      try {
        await runner.run(materialize(planned, slots, runner.env, mod), { what: planned.what })
      } catch (err) {
        const hint = err instanceof CommandError ? mod.hint(err.tail) : undefined
        throw new WheelTestError(
          `Testing ${path.basename(slots.wheel)}: ${messageOf(err)}${hint ? `\nHint: ${hint}` : ''}`,
          { cause: err }
        )
      }
    }
  })
}
