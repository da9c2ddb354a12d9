/**
 * The CLI as a person at a terminal meets it: help per command, its own version, typos, workspace
 * mistakes, a missing Python, tokens on the command line, and runs that leave nothing in the system temp.
 * Everything runs the bundle (node dist/cli.js) with a private TMPDIR and HOME.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES } from '../harness/action.js'
import { git, makeFixtureRepo, type FixtureRepo } from '../harness/git-fixture.js'

const exec = promisify(execFile)
const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
let repo: FixtureRepo
beforeAll(() => {
  repo = makeFixtureRepo()
})

/** A private root: TMPDIR and HOME inside it, so what a run leaves behind can be listed. */
function root(): { dir: string; tmp: string; home: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-usage-'))
  made.push(dir)
  const tmp = path.join(dir, 'tmp')
  const home = path.join(dir, 'home')
  fs.mkdirSync(tmp)
  fs.mkdirSync(home)
  return { dir, tmp, home }
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const r0 = env.TMPDIR ? undefined : root()
  const full = { PATH: process.env.PATH ?? '', HOME: r0?.home ?? '', TMPDIR: r0?.tmp ?? '', ...env }
  try {
    const r = await exec(NODES[0].path, [path.join(DIST_DIR, 'cli.js'), ...args], {
      env: full,
      timeout: 60_000
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string; killed?: boolean }
    return { code: e.killed ? -1 : e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

const pkgVersion = (
  JSON.parse(fs.readFileSync(path.join(DIST_DIR, '..', 'package.json'), 'utf8')) as { version: string }
).version

describe('help and version', () => {
  it('prints whole descriptions, examples, and the build inputs only for build', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    const flat = r.stdout.replace(/\s+/g, ' ')
    // action.yml's description goes on past "e.g." (the old help stopped there).
    expect(flat).toContain('(dipy tags are bare, e.g. 1.12.1), a branch, or a full or abbreviated SHA.')
    expect(r.stdout).toMatch(/^Examples:\n {2}dipy-wheels --build-commit /m)
    expect(r.stdout).not.toContain('--pypi-url')
    expect(r.stdout).not.toContain('Release only')
  })

  it('release --help is the release page, with its inputs described', async () => {
    const r = await cli(['release', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Usage: dipy-wheels release VERSION/)
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      "--pypi-url The index's legacy upload URL (PyPI's, TestPyPI's, or a pypiserver's root)."
    )
    expect(r.stdout).not.toContain('--python-version')
    expect(r.stdout).not.toContain('Release only')
    // The attestations flag: its default and when it is on.
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(
      /--attestations PEP 740 attestations .* auto: on with Trusted Publishing, off with pypi-token .* \[default: "auto"\]/
    )
  })

  it('plan --help is the plan page', async () => {
    const r = await cli(['plan', '--help'])
    expect(r.stdout).toMatch(/^Usage: dipy-wheels plan \[--os linux\|macos\|windows\]/)
    expect(r.stdout).toMatch(/^ {2}--json\n +The plan as JSON/m)
  })

  it('--version prints the tool version; the release version is --release-version', async () => {
    const r = await cli(['--version'])
    expect(r).toMatchObject({ code: 0, stdout: `dipy-wheels ${pkgVersion}\n` })
    const rel = await cli(['release', '--release-version', '1.2.3'])
    // Taken as the version: only the index URLs are missing.
    expect(rel.stderr).toBe(
      'dipy-wheels release needs --pypi-url, --pypi-index-url (dipy-wheels release --help).\n'
    )
  })
})

describe('mistakes', () => {
  it('suggests the flag meant by a typo', async () => {
    const r = await cli(['--pyhton-version', '3.11'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Unknown flag --pyhton-version: did you mean --python-version?')
  })

  it('reports every missing release input at once', async () => {
    const r = await cli(['release'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('dipy-wheels release needs VERSION, --pypi-url, --pypi-index-url')
  })

  it('refuses a workspace that is a file, or under /proc, with one line and no trace', async () => {
    const { dir } = root()
    const file = path.join(dir, 'a-file')
    fs.writeFileSync(file, '')
    const r = await cli(['--workspace', file, '--build-commit', '1.0.0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(
      `--workspace ${file}: ${file} is a file, not a directory. Give a directory you can write to (it is created when missing).\n`
    )
    const proc = await cli(['--workspace', '/proc/nope', '--build-commit', '1.0.0'])
    expect(proc.code).toBe(2) // -1 would be the 60 s timeout: the mkdir loop.
    expect(proc.stderr).toMatch(/^--workspace \/proc\/nope: \/proc is not writable \(\w+\)\./)
    expect(proc.stderr).not.toMatch(/\n\s+at /)
  })

  it('finds a missing Python before the clone when building on the host', async () => {
    const { dir, tmp, home } = root()
    const ws = path.join(dir, 'ws')
    const r = await cli(
      [
        '--workspace',
        ws,
        '--repository',
        repo.url,
        '--build-commit',
        '1.0.0',
        '--container',
        'off',
        '--python-version',
        '3.99'
      ],
      { TMPDIR: tmp, HOME: home }
    )
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/^--python-version: CPython 3\.99 not found on this machine/)
    expect(r.stderr).toContain('--container auto')
    expect(r.stderr).not.toContain('setup-python')
    expect(fs.existsSync(ws)).toBe(false)
    expect(fs.readdirSync(tmp)).toEqual([])
  })

  it('warns about a token on the command line, and words the missing one for a terminal', async () => {
    const { dir } = root()
    const r = await cli([
      '--workspace',
      path.join(dir, 'ws'),
      '--repository',
      repo.url,
      '--build-commit',
      '1.0.0',
      '--staging-token',
      'tokOnTheLine7',
      '--upload',
      'nightly'
    ])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(
      'Warning: --staging-token on the command line can be read by other users and lands in the shell history; export INPUT_STAGING_TOKEN instead.'
    )
    expect(r.stderr).toContain('Error: --nightly-token: it is empty')
    expect(r.stderr).toContain('export INPUT_NIGHTLY_TOKEN=')
    expect(r.stderr).not.toContain('secrets.')
    expect(r.stdout + r.stderr).not.toContain('tokOnTheLine7')
    expect(fs.existsSync(path.join(dir, 'ws'))).toBe(false) // Refused before anything was written.
  })
})

describe('temp folders', () => {
  it('two runs and a plan leave nothing in the system temp, nor build products in the workspace', async () => {
    const { dir, tmp, home } = root()
    const ws = path.join(dir, 'ws')
    const args = [
      '--workspace',
      ws,
      '--repository',
      repo.url,
      '--build-commit',
      '1.1.0',
      '--stop-after',
      'checkout'
    ]
    for (let i = 0; i < 2; i++) {
      const r = await cli(args, { TMPDIR: tmp, HOME: home })
      expect(r.code, r.stdout + r.stderr).toBe(0)
    }
    const p = await cli(['plan', ...args], { TMPDIR: tmp, HOME: home })
    expect(p.code, p.stderr).toBe(0)
    expect(fs.readdirSync(tmp)).toEqual([])
    expect(fs.readdirSync(ws).sort()).toEqual(['dipy', 'summary.md'])
    expect(git(path.join(ws, 'dipy'), 'rev-parse', 'HEAD')).toBe(repo.shas.v110)
  })

  it('--keep-temp keeps the run folder in the workspace and says where', async () => {
    const { dir, tmp, home } = root()
    const ws = path.join(dir, 'ws')
    const r = await cli(
      [
        '--workspace',
        ws,
        '--repository',
        repo.url,
        '--build-commit',
        '1.1.0',
        '--stop-after',
        'checkout',
        '--keep-temp'
      ],
      { TMPDIR: tmp, HOME: home }
    )
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toContain(`Temp folder (kept): ${path.join(ws, '.dipy-wheels-tmp')}`)
    expect(fs.existsSync(path.join(ws, '.dipy-wheels-tmp', '_runner_file_commands', 'output'))).toBe(true)
    expect(fs.readdirSync(tmp)).toEqual([])
  })
})
