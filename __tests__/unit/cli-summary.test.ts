/** The CLI's closing tables and summary.md, read from a step summary written by @actions/core itself. */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { parseSummary, terminalTables, writeSummary } from '../../src/cli/summary.js'
import { resultTable } from '../../src/cli/result-table.js'

const SHA = 'ab'.repeat(32)

function stepSummary(): string {
  const html = core.summary
    .addHeading('dipy wheels', 2)
    .addTable([[{ data: 'commit', header: true }], ['0123abc']])
    .addHeading('Wheels', 3)
    .addTable([
      ['wheel', 'tags', 'size', 'sha256', 'grafted libraries', 'tested'].map((data) => ({
        data,
        header: true
      })),
      [
        'dipy-1.0-cp311-cp311-manylinux_2_28_x86_64.whl',
        'cp311-cp311-manylinux_2_28_x86_64',
        '10.4 MiB',
        SHA,
        'libgomp-a34b3233.so.1.0.0',
        'yes'
      ]
    ])
    .addHeading('Time per step', 3)
    .addTable([
      [
        { data: 'step', header: true },
        { data: 'seconds', header: true }
      ],
      // Escaped as report.ts escapes foreign text (core.summary writes cells as given).
      ['build &lt;3.11&gt; &amp; co', '12.5']
    ])
    .stringify()
  core.summary.emptyBuffer()
  return html
}

const made: string[] = []
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('closing tables', () => {
  it('reads every table of the step summary, under its heading, entities decoded', () => {
    const sections = parseSummary(stepSummary())
    expect(sections.map((s) => s.heading)).toEqual(['dipy wheels', 'Wheels', 'Time per step'])
    expect(sections[1].rows[1]).toEqual([
      'dipy-1.0-cp311-cp311-manylinux_2_28_x86_64.whl',
      'cp311-cp311-manylinux_2_28_x86_64',
      '10.4 MiB',
      SHA,
      'libgomp-a34b3233.so.1.0.0',
      'yes'
    ])
    expect(sections[2].rows[1][0]).toBe('build <3.11> & co')
  })

  it('prints the wheel with its whole sha256 and the step times on the terminal', () => {
    const text = terminalTables(parseSummary(stepSummary()))
    expect(text).toMatch(/^Wheels:$/m)
    expect(text).toMatch(
      new RegExp(`^ {2}dipy-1\\.0-cp311-.*10\\.4 MiB +${SHA} +libgomp-a34b3233\\.so\\.1\\.0\\.0 +yes$`, 'm')
    )
    expect(text).toMatch(/^ {2}build <3\.11> & co +12\.5$/m)
    expect(text).not.toContain('dipy wheels:') // the commit is in the result table already
  })

  it('writes summary.md in the workspace with the result and markdown tables', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-summary-'))
    made.push(ws)
    const html = path.join(ws, 'step.html')
    fs.writeFileSync(html, stepSummary())
    const result = resultTable({ commit: '0123abc' }, [])
    const out = writeSummary(ws, html, result, 42)
    expect(out?.file).toBe(path.join(ws, 'summary.md'))
    const md = fs.readFileSync(path.join(ws, 'summary.md'), 'utf8')
    expect(md).toContain('## Wheels\n\n| wheel | tags | size | sha256 | grafted libraries | tested |\n')
    expect(md).toContain(`| ${SHA} |`)
    expect(md).toContain('  commit  0123abc')
    expect(writeSummary(ws, path.join(ws, 'none.html'), result, 1)).toBeUndefined()
  })

  it('shows a release as what went to the index, without build rows', () => {
    const text = resultTable(
      { version: '1.2.3', uploaded: '["a.whl","b.tar.gz"]', skipped: '[]', missing: '[]' },
      [],
      'release'
    )
    expect(text).toMatch(/^ {2}uploaded +a\.whl, b\.tar\.gz$/m)
    expect(text).toMatch(/^ {2}skipped +none$/m)
    expect(text).not.toMatch(/built|commit/)
  })
})
