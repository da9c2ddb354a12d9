/**
 * The early check of a win32 dipy build with pip's defaults: no index configured, so pip asks its own
 * default index (PyPI). dipy 1.12.1's own pyproject.toml (from its sdist) gives the requirements; the plan
 * is the action's plan for x86 on an x64 runner. It stops before anything compiles, naming the requirements
 * PyPI has no win32 wheel of for CPython 3.12; for x64 every requirement has a wheel.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BuildError } from '../../src/errors.js'
import { ExecRunner, type Command, type RunOptions } from '../../src/exec.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { checkTargetEarly } from '../../src/stages/target-check.js'
import { DIPY_VERSION, dipySdist } from '../harness/dipy-source.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { VENV_BIN } from '../harness/pypiserver.js'

const PYTHON = path.join(VENV_BIN, 'python')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-target-pypi-'))
let checkout = ''

beforeAll(async () => {
  const sdist = await dipySdist()
  execFileSync('tar', ['-xzf', sdist, '-C', work, `dipy-${DIPY_VERSION}/pyproject.toml`])
  checkout = path.join(work, `dipy-${DIPY_VERSION}`)
}, 300_000)
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** pip's defaults: no PIP_* variable, no configuration file. */
const defaults = () => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: work,
  PIP_CONFIG_FILE: os.devNull
})

class Recording extends ExecRunner {
  readonly calls: Command[] = []
  override run(cmd: Command, options?: RunOptions) {
    this.calls.push(cmd)
    return super.run(cmd, options)
  }
}

function dipyPlan(architecture: string) {
  const plan = makePlan(
    defaultInputs('windows', { architecture, pythonVersions: ['3.12'] }),
    runnerHost('windows', 'AMD64')
  )
  return {
    ...plan,
    compilerCache: { ...plan.compilerCache, pipCache: path.join(work, 'pip-cache') },
    checkout: { ...plan.checkout, dir: checkout }
  }
}

describe("dipy's win32 plan against pip's default index", () => {
  it('stops before anything compiles, naming scipy and the tag', async () => {
    const runner = new Recording(defaults())
    const started = Date.now()
    const err = await checkTargetEarly(runner, dipyPlan('x86'), PYTHON).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(BuildError)
    const message = (err as Error).message
    console.log(
      `${message}\n(${runner.calls.length} pip calls, ${((Date.now() - started) / 1000).toFixed(1)} s)`
    )
    expect(message).toMatch(
      /^Cannot build for cp312-cp312-win32: \d+ requirements? ha(s|ve) no wheel for it\./
    )
    expect(message).toMatch(
      /- (build|test) requirement scipy[^:]*: pip finds no wheel for cp312-cp312-win32; only an sdist \(\d+\.\d+\.\d+/
    )
    expect(runner.calls.every((c) => c.command === PYTHON && c.args[1] === 'pip')).toBe(true)
  })

  it('lets the x64 plan through: every requirement has a win_amd64 wheel', async () => {
    const runner = new Recording(defaults())
    await expect(checkTargetEarly(runner, dipyPlan('x64'), PYTHON)).resolves.toBeUndefined()
    expect(runner.calls).toHaveLength(1)
  })
})
