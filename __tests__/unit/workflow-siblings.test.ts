/** BUILD_COMMIT agreement between the two wheel workflows: the CI check and the action's warning. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  buildCommitProblems,
  siblingBuildCommitWarning,
  siblingWorkflowPath,
  workflowBuildCommit
} from '../../src/workflow-siblings.js'
// @ts-expect-error: a plain .mjs script without types; the test checks what it returns.
import { checkBuildCommit } from '../../scripts/check-build-commit.mjs'

const check = checkBuildCommit as (root: string) => string[]
const root = fileURLToPath(new URL('../..', import.meta.url))

const wf = (buildCommit: string | undefined, rest = 'on: push\njobs: {}\n'): string =>
  (buildCommit === undefined ? '' : `env:\n  BUILD_COMMIT: ${buildCommit}\n`) + rest

describe('workflowBuildCommit', () => {
  it('reads the top-level value as written, never as a number', () => {
    expect(workflowBuildCommit(wf('1.10'))).toBe('1.10')
    expect(workflowBuildCommit(wf("'1.12.1' # a tag"))).toBe('1.12.1')
    expect(workflowBuildCommit(wf('0123'))).toBe('0123')
    expect(workflowBuildCommit(wf('2ecd365'))).toBe('2ecd365')
  })

  it('ignores a BUILD_COMMIT that is not at the top level, and empty values', () => {
    expect(workflowBuildCommit('jobs:\n  a:\n    env:\n      BUILD_COMMIT: 1.0\n')).toBeUndefined()
    expect(workflowBuildCommit(wf("''"))).toBeUndefined()
    expect(workflowBuildCommit('')).toBeUndefined()
  })
})

describe('siblingWorkflowPath', () => {
  it('pairs the two wheel workflows in the same directory and separator', () => {
    expect(siblingWorkflowPath('/w/.github/workflows/build-wheels.yml')).toBe(
      '/w/.github/workflows/build-wheels-windows.yml'
    )
    expect(siblingWorkflowPath('D:\\a\\r\\r\\.github\\workflows\\build-wheels-windows.yml')).toBe(
      'D:\\a\\r\\r\\.github\\workflows\\build-wheels.yml'
    )
    expect(siblingWorkflowPath('build-wheels.yml')).toBe('build-wheels-windows.yml')
  })

  it('gives no sibling to any other workflow', () => {
    expect(siblingWorkflowPath('/w/.github/workflows/ci.yml')).toBeUndefined()
    expect(siblingWorkflowPath('/w/.github/workflows/release.yml')).toBeUndefined()
  })
})

describe('siblingBuildCommitWarning', () => {
  const linux = (v: string | undefined) => ({ path: 'build-wheels.yml', content: wf(v) })
  const windows = (v: string | undefined) => ({ path: 'build-wheels-windows.yml', content: wf(v) })

  it('says nothing when the two agree', () => {
    expect(siblingBuildCommitWarning(linux("'1.12.1'"), windows('1.12.1'))).toBeUndefined()
  })

  it('names both files and both values when they differ (1.10 is not 1.1)', () => {
    expect(siblingBuildCommitWarning(linux('1.10'), windows('1.1'))).toBe(
      'BUILD_COMMIT disagrees between the wheel workflows: build-wheels.yml builds "1.10", ' +
        'build-wheels-windows.yml builds "1.1". A release should build one dipy commit on every OS: ' +
        'set the same env.BUILD_COMMIT at the top of both files.'
    )
  })

  it('says nothing when either file relies on the build-commit input instead', () => {
    expect(siblingBuildCommitWarning(linux(undefined), windows('1.12.1'))).toBeUndefined()
    expect(siblingBuildCommitWarning(linux('1.12.1'), windows(undefined))).toBeUndefined()
  })

  it('warns, without throwing, when the sibling is not valid YAML', () => {
    const broken = { path: 'build-wheels-windows.yml', content: 'env: [unclosed\n' }
    expect(siblingBuildCommitWarning(linux('1.12.1'), broken)).toMatch(
      /^could not compare BUILD_COMMIT with the sibling workflow: build-wheels-windows\.yml is not valid YAML: /
    )
  })
})

describe('buildCommitProblems (the CI check)', () => {
  it('is empty when every file sets the same value', () => {
    expect(
      buildCommitProblems([
        { path: 'a.yml', content: wf("'1.12.1'") },
        { path: 'b.yml', content: wf('"1.12.1"') }
      ])
    ).toEqual([])
  })

  it('reports a difference with every value, and a file without a value', () => {
    expect(
      buildCommitProblems([
        { path: 'a.yml', content: wf('1.10') },
        { path: 'b.yml', content: wf('1.1') },
        { path: 'c.yml', content: wf(undefined) }
      ])
    ).toEqual([
      "c.yml sets no env.BUILD_COMMIT at the top (e.g. BUILD_COMMIT: '1.12.1').",
      'env.BUILD_COMMIT differs between the wheel workflows (a.yml: "1.10", b.yml: "1.1"): set the same value in each.'
    ])
  })
})

describe('scripts/check-build-commit.mjs', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })

  function repo(linux: string, windows: string | undefined): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bc-'))
    dirs.push(dir)
    const wfDir = path.join(dir, '.github', 'workflows')
    fs.mkdirSync(wfDir, { recursive: true })
    fs.writeFileSync(path.join(wfDir, 'build-wheels.yml'), wf(linux))
    if (windows !== undefined) fs.writeFileSync(path.join(wfDir, 'build-wheels-windows.yml'), wf(windows))
    return dir
  }

  it('passes on this repository', () => {
    expect(check(root)).toEqual([])
  })

  it('fails when the two files differ', () => {
    expect(check(repo("'1.12.1'", "'1.12.0'"))).toEqual([
      `env.BUILD_COMMIT differs between the wheel workflows (${path.join('.github', 'workflows', 'build-wheels.yml')}: "1.12.1", ${path.join('.github', 'workflows', 'build-wheels-windows.yml')}: "1.12.0"): set the same value in each.`
    ])
  })

  it('fails when a file is missing', () => {
    const problems = check(repo("'1.12.1'", undefined))
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^\.github\/workflows\/build-wheels-windows\.yml cannot be read: ENOENT/)
  })
})
