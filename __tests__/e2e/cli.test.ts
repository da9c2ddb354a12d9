/** The README's first command: dist/cli.js drives the same pipeline from flags. */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES } from '../harness/action.js'
import { git, makeFixtureRepo, type FixtureRepo } from '../harness/git-fixture.js'

const run = promisify(execFile)
let repo: FixtureRepo
beforeAll(() => {
  repo = makeFixtureRepo()
})

async function cli(args: string[], env: Record<string, string> = {}) {
  const cleanEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...env
  }
  try {
    const r = await run(NODES[0].path, [path.join(DIST_DIR, 'cli.js'), ...args], { env: cleanEnv })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('dist/cli.js', () => {
  it('checks out a ref into the given workspace and prints the outputs', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-'))
    const r = await cli(
      ['--workspace', ws, '--repository', repo.url, '--build-commit', '1.1.0', '--stop-after', 'checkout'],
      { RUNNER_TEMP: path.join(ws, 'temp') }
    )
    expect(r.code, r.stdout + r.stderr).toBe(0)
    // Plain text for a terminal: no workflow commands, a closing table from the outputs.
    expect(r.stdout).not.toMatch(/^::/m)
    expect(r.stdout).toContain('\n== Clone ')
    expect(r.stdout).toMatch(
      new RegExp(`^  commit +${repo.shas.v110} \\(1\\.1\\.0, version 1\\.1\\.0\\)$`, 'm')
    )
    expect(r.stdout).toMatch(/^ {2}built +no wheel$/m)
    expect(r.stdout).toMatch(/^ {2}failed +nothing$/m)
    const outputsFile = /^Outputs: (.*)$/m.exec(r.stdout)?.[1] ?? ''
    expect(fs.readFileSync(outputsFile, 'utf8')).toContain(repo.shas.v110)
    expect(git(path.join(ws, 'dipy'), 'rev-parse', 'HEAD')).toBe(repo.shas.v110)
    // summary.md beside the wheelhouse, in the workspace.
    expect(/^Summary: (.*)$/m.exec(r.stdout)?.[1]).toBe(path.join(ws, 'summary.md'))
    expect(fs.readFileSync(path.join(ws, 'summary.md'), 'utf8')).toContain(repo.shas.v110)
  })

  it('acts as workflow_dispatch, which uploads nothing unless told to', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-'))
    const r = await cli([
      '--workspace',
      ws,
      '--repository',
      repo.url,
      '--build-commit',
      '1.0.0',
      '--stop-after',
      'checkout'
    ])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^ {2}upload +none \(.*workflow_dispatch.*\)$/m)
    // Its advice is worded with flags at a terminal.
    expect(r.stdout).toMatch(/^ {2}upload +none \(.*set --upload nightly or staging to upload\)$/m)
  })

  it('refuses a bad input before writing anything, naming the flag', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-'))
    const r = await cli(['--workspace', ws, '--repository', repo.url, '--build-commit', '--upload-pack=x'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Error: --build-commit: "--upload-pack=x" is not a valid git ref/m)
    expect(r.stdout + r.stderr).not.toMatch(/^::/m)
    expect(fs.readdirSync(ws)).toEqual([])
  })

  it('prints a multi-line error as lines, not %0A, and never prints a token', async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-'))
    const token = 'tokCliSecret42'
    const r = await cli([
      '--workspace',
      ws,
      '--repository',
      repo.url,
      '--build-commit',
      '1.0.0',
      '--nightly-token',
      token,
      '--dependencies',
      'zlib'
    ])
    expect(r.code).not.toBe(0)
    expect(r.stderr).toContain('Error: --dependencies: it must be a YAML list of recipes')
    expect(r.stderr).toContain('\n- name: zlib\n')
    expect(r.stdout + r.stderr).not.toContain('%0A')
    expect(r.stdout + r.stderr).not.toContain(token)
    expect(r.stdout + r.stderr).not.toMatch(/^::/m)
    fs.rmSync(ws, { recursive: true, force: true })
  })

  it('refuses an unknown flag with usage code 2', async () => {
    const r = await cli(['--no-such-flag', 'x'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Unknown flag --no-such-flag')
  })

  it('lists every input in --help', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    for (const flag of ['--build-commit', '--python-version', '--container', '--upload', '--stop-after']) {
      expect(r.stdout).toContain(flag)
    }
  })
})
