/** action.yml and the README say the same about --vsenv on Windows, and what the platform module does. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { windows } from '../../src/platforms/windows.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const action = parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { description: string }>
}
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')

describe('config-settings and --vsenv on Windows', () => {
  it('the platform drops setup-args=--vsenv (the MSVC environment of the target is loaded)', () => {
    expect(windows.configSettings(['compile-args=-v', 'setup-args=--vsenv'])).toEqual(['compile-args=-v'])
  })

  it("action.yml's description and the README's input table both say it is dropped", () => {
    const text = action.inputs['config-settings'].description
    expect(text).toMatch(/setup-args=--vsenv is dropped/)
    expect(text).not.toMatch(/--vsenv is added/)
    const row = readme.split('\n').find((l) => l.startsWith('| `config-settings`'))
    expect(row).toMatch(/`setup-args=--vsenv` is dropped/)
  })
})
