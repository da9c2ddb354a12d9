import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { materialize, type PlannedCommand } from '../command.js'
import { CommandError, messageOf, WheelTestError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import type { PythonPlan } from '../plan/types.js'
import { removeTree } from '../util/remove.js'

type TestPlan = PythonPlan & { test: PlannedCommand[] }

/**
 * Before the wheel exists (alongside the compile): a new test venv (the plan's first test command) with the
 * project's declared dependencies and the test requirements installed from the plan's requirements file.
 */
export async function prepareTest(
  runner: Runner,
  mod: PlatformModule,
  py: TestPlan & Required<Pick<PythonPlan, 'testEarly'>>,
  slots: { python: string },
  requirements: readonly string[]
): Promise<void> {
  removeTree(py.testDir)
  fs.mkdirSync(path.join(py.testDir, 'empty'), { recursive: true })
  fs.writeFileSync(py.testEarly.requirements, requirements.map((r) => `${r}\n`).join(''))
  core.info(
    `The test venv of Python ${py.version}, made while the wheel compiles: ${requirements.join(', ') || 'nothing to install yet'}`
  )
  const [venv] = py.test
  await runner.run(materialize(venv, slots, runner.env, mod), { what: venv.what })
  if (requirements.length) {
    await runner.run(materialize(py.testEarly.install, slots, runner.env, mod), {
      what: py.testEarly.install.what
    })
  }
}

/**
 * Tests one wheel with the plan's commands: a new venv (unless `prepared` made it), the wheel installed,
 * the test from an empty directory.
 */
export async function testWheel(
  runner: Runner,
  mod: PlatformModule,
  py: TestPlan,
  slots: { python: string; wheel: string },
  prepared = false
): Promise<void> {
  if (!prepared) {
    removeTree(py.testDir)
    fs.mkdirSync(path.join(py.testDir, 'empty'), { recursive: true })
  }
  await core.group(`Test the wheel for Python ${py.version}`, async () => {
    for (const planned of prepared ? py.test.slice(1) : py.test) {
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
