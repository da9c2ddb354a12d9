/**
 * Bare command names are found on the PATH the command is given, not on the action's own PATH: real
 * scripts in temporary directories, run through ExecRunner (@actions/exec underneath).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { ExecRunner } from '../../src/exec.js'
import { compilerIdentity } from '../../src/stages/dependencies.js'
import { runnerWithEnv } from '../../src/platforms/windows-job.js'

let tmp: string
let childOnly: string
let actionOnly: string
const SYSTEM = '/usr/bin:/bin'

/** An executable shell script `name` in `dir` that prints `text`. */
function script(dir: string, name: string, text: string): void {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, name)
  fs.writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' '${text}'\n`)
  fs.chmodSync(file, 0o755)
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'exec-path-'))
  childOnly = path.join(tmp, 'child-bin')
  actionOnly = path.join(tmp, 'action-bin')
  script(childOnly, 'dw-probe', 'from the child PATH')
  script(actionOnly, 'dw-probe', "from the action's PATH")
  script(actionOnly, 'dw-action-only', 'should not run')
  script(childOnly, 'cc', 'Apple clang version 17.0.0 (clang-1700.0.13.5)\nTarget: arm64-apple-darwin24.6.0')
  // The action's own PATH has the other directory first: @actions/exec alone would run its dw-probe.
  vi.stubEnv('PATH', `${actionOnly}:${process.env.PATH ?? SYSTEM}`)
})
afterAll(() => {
  vi.unstubAllEnvs()
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('ExecRunner resolves a bare name on the PATH of the child', () => {
  it("runs the script found on the command's own PATH, which the action's PATH does not have", async () => {
    expect(process.env.PATH?.split(':')).not.toContain(childOnly)
    const runner = new ExecRunner({ PATH: SYSTEM })
    const r = await runner.run(
      { command: 'dw-probe', args: [], env: { PATH: `${childOnly}:${SYSTEM}` } },
      { silent: true }
    )
    expect(r.stdout.trim()).toBe('from the child PATH')
  })

  it("uses the runner's environment PATH when the command sets none", async () => {
    const runner = new ExecRunner({ PATH: `${childOnly}:${SYSTEM}` })
    expect((await runner.run({ command: 'dw-probe', args: [] }, { silent: true })).stdout.trim()).toBe(
      'from the child PATH'
    )
    expect(await runner.which('dw-probe')).toBe(path.join(childOnly, 'dw-probe'))
  })

  it("does not run a command that only the action's PATH has", async () => {
    const runner = new ExecRunner({ PATH: SYSTEM })
    await expect(runner.run({ command: 'dw-action-only', args: [] }, { silent: true })).rejects.toThrow(
      /Unable to locate executable file: dw-action-only\. It is on no directory of the PATH the command is given \(\/usr\/bin:\/bin\)/
    )
    expect(await runner.which('dw-action-only')).toBeUndefined()
  })

  it('a runner with an environment on top (the MSVC one) finds and runs from its PATH', async () => {
    const runner = runnerWithEnv(new ExecRunner({ PATH: SYSTEM }), { PATH: `${childOnly}:${SYSTEM}` })
    expect(await runner.which('dw-probe')).toBe(path.join(childOnly, 'dw-probe'))
    expect((await runner.run({ command: 'dw-probe', args: [] }, { silent: true })).stdout.trim()).toBe(
      'from the child PATH'
    )
  })

  it("the compiler identity is the compiler on the build's PATH", async () => {
    const runner = runnerWithEnv(new ExecRunner({ PATH: SYSTEM }), { PATH: `${childOnly}:${SYSTEM}` })
    expect(await compilerIdentity(runner, 'macos')).toBe(
      'Apple clang version 17.0.0 (clang-1700.0.13.5) arm64-apple-darwin24.6.0'
    )
  })
})
