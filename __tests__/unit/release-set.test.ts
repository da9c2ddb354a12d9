/**
 * One source for the release set (issue 19): the release's default `expected` is what the wheel workflows'
 * matrices build, and the CI check (scripts/release-set.mjs --check, run by scripts/lint-workflows.sh)
 * fails when they drift. The expected globs are written out by hand from the workflow files.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { defaultExpected } from '../../src/release/inputs.js'
import { expandMatrix } from '../../src/release/workflow-set.js'
import { NODES } from '../harness/action.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const wfDir = path.join(root, '.github', 'workflows')

describe("dipy's default expected set", () => {
  it('is 3.11 to 3.14 on Linux x86_64/aarch64, macOS x86_64/arm64 and Windows x64: 20 wheels, no win_arm64', () => {
    const platforms = [
      'manylinux*_x86_64',
      'manylinux*_aarch64',
      'macosx_*_x86_64',
      'macosx_*_arm64',
      'win_amd64'
    ]
    const want = platforms.flatMap((p) =>
      ['cp311', 'cp312', 'cp313', 'cp314'].map((py) => `dipy-*-${py}-${py}-${p}.whl`)
    )
    expect([...defaultExpected('dipy')].sort()).toEqual(want.sort())
    expect(defaultExpected('other')).toEqual([])
  })

  it('release.yml passes no expected input, so the default is what it releases', () => {
    const doc = parse(fs.readFileSync(path.join(wfDir, 'release.yml'), 'utf8'), { schema: 'failsafe' }) as {
      jobs: Record<string, { steps: Array<{ uses?: string; with?: Record<string, string> }> }>
    }
    const step = doc.jobs.release.steps.find((s) => s.uses === './')!
    expect(step.with?.command).toBe('release')
    expect(step.with).not.toHaveProperty('expected')
  })
})

describe('GitHub matrix expansion', () => {
  it('crosses the lists, then extends matching rows with include, or adds an include row of its own', () => {
    expect(
      expandMatrix({
        os: ['a', 'b'],
        python: ['1', '2'],
        exclude: [{ os: 'b', python: '1' }],
        include: [
          { os: 'a', arch: 'x' },
          { os: 'c', arch: 'z', python: '9' }
        ]
      })
    ).toEqual([
      { os: 'a', python: '1', arch: 'x' },
      { os: 'a', python: '2', arch: 'x' },
      { os: 'b', python: '2' },
      { os: 'c', arch: 'z', python: '9' }
    ])
  })
})

describe('scripts/release-set.mjs --check', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })

  /** A copy of this repository's workflows and default-set.ts, with `edit` applied to one workflow. */
  function copy(file?: string, edit?: (text: string) => string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rs-'))
    dirs.push(dir)
    fs.mkdirSync(path.join(dir, '.github', 'workflows'), { recursive: true })
    fs.mkdirSync(path.join(dir, 'src', 'release'), { recursive: true })
    for (const f of ['build-wheels.yml', 'build-wheels-windows.yml']) {
      const text = fs.readFileSync(path.join(wfDir, f), 'utf8')
      fs.writeFileSync(path.join(dir, '.github', 'workflows', f), f === file && edit ? edit(text) : text)
    }
    fs.copyFileSync(
      path.join(root, 'src', 'release', 'default-set.ts'),
      path.join(dir, 'src', 'release', 'default-set.ts')
    )
    return dir
  }

  const check = (dir: string) =>
    spawnSync(NODES[0].path, [path.join(root, 'scripts', 'release-set.mjs'), '--check', dir], {
      encoding: 'utf8'
    })

  it('passes on this repository', () => {
    const r = check(root)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('src/release/default-set.ts matches the matrices')
  })

  it('fails when a workflow builds one more Python than the release expects', () => {
    const dir = copy('build-wheels-windows.yml', (t) =>
      t.replace(
        "python: ['3.11', '3.12', '3.13', '3.14']",
        "python: ['3.11', '3.12', '3.13', '3.14', '3.15']"
      )
    )
    const r = check(dir)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(
      'release set: the wheel workflows do not build a full grid: no cp315 on manylinux*_x86_64'
    )
  })

  it('fails when a platform is added to both workflows until the file is written again', () => {
    const dir = copy('build-wheels-windows.yml', (t) => t.replace('arch: [x64]', 'arch: [x64, arm64]'))
    const r = check(dir)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('src/release/default-set.ts is not the set the wheel workflows build')
    expect(r.stderr).toContain("'win_arm64'")
    const write = spawnSync(NODES[0].path, [path.join(root, 'scripts', 'release-set.mjs'), dir], {
      encoding: 'utf8'
    })
    expect(write.status, write.stderr).toBe(0)
    expect(check(dir).status).toBe(0)
  })

  it('fails when the generated file was edited by hand', () => {
    const dir = copy()
    const f = path.join(dir, 'src', 'release', 'default-set.ts')
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace("'win_amd64'", "'win_amd64',\n  'win_arm64'"))
    expect(check(dir).status).toBe(1)
  })
})
