import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertDeletable, realPathOf, workspaceDir } from '../../src/validate/paths.js'

let root: string
let ws: string
let outside: string

beforeAll(() => {
  root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-paths-')))
  ws = path.join(root, 'ws')
  outside = path.join(root, 'outside')
  fs.mkdirSync(path.join(ws, 'real', 'sub'), { recursive: true })
  fs.mkdirSync(outside)
  fs.symlinkSync(outside, path.join(ws, 'escape'))
  fs.symlinkSync(path.join(ws, 'real'), path.join(ws, 'inner'))
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('workspace paths, symlinks followed', () => {
  it('resolves existing and not-yet-existing paths inside', () => {
    expect(workspaceDir('path', 'dipy', ws)).toBe(path.join(ws, 'dipy'))
    expect(workspaceDir('path', 'real/sub', ws)).toBe(path.join(ws, 'real', 'sub'))
    expect(workspaceDir('output-dir', 'inner/new/wheels', ws)).toBe(path.join(ws, 'real', 'new', 'wheels'))
  })

  it.each([
    ['escape', 'outside the workspace'],
    ['escape/dipy', 'outside the workspace'],
    ['escape/a/b/c', 'outside the workspace'],
    ['../outside', 'outside the workspace'],
    ['real/../..', 'outside the workspace'],
    ['/etc', 'outside the workspace'],
    ['.', 'the workspace itself'],
    ['inner/..', 'the workspace itself'],
    ['a\nb', 'control character']
  ])('refuses %j (%s)', (value, why) => {
    expect(() => workspaceDir('output-dir', value, ws)).toThrow(new RegExp(`^Input 'output-dir': .*${why}`))
  })

  it('sees a symlink planted after the inputs were read, before a delete', () => {
    const dir = path.join(ws, 'later')
    expect(() => assertDeletable(dir, ws, 'path')).not.toThrow()
    fs.symlinkSync(outside, dir)
    expect(realPathOf(dir)).toBe(outside)
    expect(() => assertDeletable(dir, ws, 'path')).toThrow(/nothing was deleted/)
    expect(() => assertDeletable(ws, ws, 'path')).toThrow(/not strictly inside/)
  })
})
