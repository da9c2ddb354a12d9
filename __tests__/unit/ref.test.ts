import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import { buildCommitFromWorkflow, resolveBuildCommit, validateRef, workflowFilePath } from '../../src/ref.js'

describe('validateRef', () => {
  it.each([
    '1.12.1',
    'master',
    'maint/1.12.x',
    'a1b2c3d',
    '0123456789abcdef0123456789abcdef01234567',
    'v1.0-rc1'
  ])('accepts %s', (ref) => expect(validateRef(ref, 'build-commit')).toBe(ref))

  it.each([
    ['', 'empty'],
    ['--upload-pack=touch /tmp/x', "begins with '-'"],
    ['-b', "begins with '-'"],
    ['a b', 'a space'],
    ['a\tb', 'control character'],
    ['a\x01b', 'control character'],
    ['a..b', "'..'"],
    ['HEAD@{1}', "'@{'"],
    ['a\\b', "'\\'"],
    ['a~1', 'one of ~ ^ :'],
    ['a^', 'one of ~ ^ :'],
    ['a:b', 'one of ~ ^ :'],
    ['a?', 'one of ? * ['],
    ['a*', 'one of ? * ['],
    ['a[b', 'one of ? * ['],
    ['topic.lock', ".lock'"],
    ['topic/', "ends with '/'"],
    ['/topic', "begins with '/'"],
    ['a//b', "'//'"],
    ['@', "single character '@'"],
    ['v1.', "ends with '.'"],
    ['.hidden', "begins with '.'"],
    ['maint/.x', "begins with '.'"],
    ['maint.lock/x', ".lock'"],
    ['a\x7fb', 'control character'],
    ['x'.repeat(256), 'longer than 255']
  ])('refuses %j (%s), naming the input and the rule', (ref, rule) => {
    const err = (() => {
      try {
        validateRef(ref, 'build-commit')
      } catch (e) {
        return e as InputError
      }
      throw new Error('not refused')
    })()
    expect(err).toBeInstanceOf(InputError)
    expect(err.message).toContain("Input 'build-commit'")
    expect(err.message).toContain(rule)
  })
})

describe('BUILD_COMMIT from the workflow file', () => {
  it('keeps numeric-looking values as written', () => {
    expect(buildCommitFromWorkflow('env:\n  BUILD_COMMIT: 1.10\n')).toBe('1.10')
    expect(buildCommitFromWorkflow('env:\n  BUILD_COMMIT: "1.12.1"  # or a tag\n')).toBe('1.12.1')
    expect(buildCommitFromWorkflow('on: push\n')).toBeUndefined()
  })

  it('finds the running workflow inside the workspace only', () => {
    expect(workflowFilePath('o/r/.github/workflows/b.yml@refs/heads/main', '/ws')).toBe(
      '/ws/.github/workflows/b.yml'
    )
    expect(workflowFilePath('o/r/../../etc/passwd@refs/heads/main', '/ws')).toBeUndefined()
    expect(workflowFilePath('', '/ws')).toBeUndefined()
  })
})

describe('resolveBuildCommit', () => {
  let ws = ''
  beforeAll(() => {
    ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ref-'))
    fs.mkdirSync(path.join(ws, '.github/workflows'), { recursive: true })
    fs.writeFileSync(path.join(ws, '.github/workflows/w.yml'), 'env:\n  BUILD_COMMIT: 1.9.0\n')
    base.workspace = ws
  })
  afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))
  const base = {
    input: '',
    nightlyRef: 'master',
    eventName: 'push',
    envBuildCommit: undefined as string | undefined,
    workflowRef: 'o/r/.github/workflows/w.yml@refs/heads/main',
    workspace: ws
  }

  it('prefers the input, then BUILD_COMMIT, then the workflow file', () => {
    expect(resolveBuildCommit({ ...base, input: '1.0', envBuildCommit: '2.0' })).toEqual({
      ref: '1.0',
      source: 'input'
    })
    expect(resolveBuildCommit({ ...base, envBuildCommit: '2.0' })).toEqual({ ref: '2.0', source: 'env' })
    expect(resolveBuildCommit(base)).toEqual({ ref: '1.9.0', source: 'workflow' })
  })

  it('builds the nightly ref on a schedule, whatever else says', () => {
    expect(resolveBuildCommit({ ...base, eventName: 'schedule', input: '1.0', nightlyRef: 'main' })).toEqual({
      ref: 'main',
      source: 'schedule'
    })
  })

  it('says how to give a ref when there is none', () => {
    expect(() => resolveBuildCommit({ ...base, workflowRef: '' })).toThrow(
      /Input 'build-commit': no ref to build/
    )
  })
})
