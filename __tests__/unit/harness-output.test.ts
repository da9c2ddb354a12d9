/**
 * The harness reads the action's outputs as the runner does, with a parser of its own: if it used the
 * product's (src/util/file-commands.ts), a fault in how the product writes GITHUB_OUTPUT would be read back
 * by the same fault and never seen. Expected values follow GitHub's "Workflow commands" page ("Setting an
 * output parameter", "Multiline strings"): `name=value` lines, `name<<DELIMITER` … `DELIMITER` blocks.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { specifiers } from '../../scripts/module-map.mjs'
import { readOutputFile } from '../harness/action.js'

const HARNESS = path.resolve(__dirname, '../harness')

describe("the harness's GITHUB_OUTPUT reader", () => {
  it('reads name=value lines and multi-line blocks as GitHub documents them', () => {
    const text = [
      'wheels=2',
      'url=https://example.invalid/a?b=c',
      'summary<<ghadelimiter_5a8e',
      'line one',
      'x=1 inside a block',
      '',
      'ghadelimiter_5a8e',
      'empty='
    ].join('\n')
    expect(readOutputFile(`${text}\n`)).toEqual({
      wheels: '2',
      url: 'https://example.invalid/a?b=c',
      summary: 'line one\nx=1 inside a block\n',
      empty: ''
    })
  })

  it('refuses what the runner refuses: a block whose delimiter never comes, a line that is neither form', () => {
    expect(() => readOutputFile('notes<<EOF_1\nno end\n')).toThrow(/notes's delimiter EOF_1 never closes/)
    expect(() => readOutputFile('wheels=2\njust words\n')).toThrow(
      /a line the runner would refuse: just words/
    )
  })

  it("no harness module imports the product's file-command parser", () => {
    const users = fs
      .readdirSync(HARNESS)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        specifiers(f, fs.readFileSync(path.join(HARNESS, f), 'utf8')).some((s) => /file-commands/.test(s))
      )
    expect(users).toEqual([])
  })
})
