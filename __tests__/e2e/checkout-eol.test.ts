/**
 * A git configured the way Git for Windows is (core.autocrlf=true in its global config) still checks out
 * the files as committed, LF, in the project and in its submodule: the checkout stage, through the real
 * runner and git, with a global config file of the test's own.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ExecRunner } from '../../src/exec.js'
import { checkout } from '../../src/stages/checkout.js'
import { git, makeFixtureRepo, type FixtureRepo } from '../harness/git-fixture.js'

let root: string
let repo: FixtureRepo
let env: Record<string, string>

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-eol-'))
  fs.mkdirSync(path.join(root, 'repos'))
  repo = makeFixtureRepo(path.join(root, 'repos'))
  const config = path.join(root, 'gitconfig')
  fs.writeFileSync(config, '[core]\n\tautocrlf = true\n')
  env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: root,
    GIT_CONFIG_GLOBAL: config,
    GIT_CONFIG_NOSYSTEM: '1'
  }
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('checkout with core.autocrlf=true configured', () => {
  it('that configuration turns LF into CRLF for a plain git checkout (the premise)', () => {
    const plain = path.join(root, 'plain')
    git(root, 'clone', '-q', '-c', `core.autocrlf=true`, repo.url, plain)
    expect(fs.readFileSync(path.join(plain, 'README'), 'utf8')).toBe('three\r\n')
  })

  it('yields LF files in the checkout and its submodule', async () => {
    const dir = path.join(root, 'ws', 'dipy')
    fs.mkdirSync(path.dirname(dir), { recursive: true })
    const runner = new ExecRunner(env)
    const r = await checkout(runner, { repository: repo.url, dir, ref: 'master' })
    expect(r.commit).toBe(repo.shas.master)
    expect(fs.readFileSync(path.join(dir, 'README'), 'utf8')).toBe('three\n')
    expect(fs.readFileSync(path.join(dir, 'pyproject.toml'), 'utf8')).not.toContain('\r')
    expect(fs.readFileSync(path.join(dir, 'external', 'data.txt'), 'utf8')).toBe('submodule data\n')
  })
})
