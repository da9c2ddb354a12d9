import { describe, expect, it } from 'vitest'
import { PlainLog, parseCommand } from '../../src/cli/plain-log.js'
import { resultTable } from '../../src/cli/result-table.js'
import { forTerminal } from '../../src/cli/wording.js'

describe('PlainLog', () => {
  it('never sends a control byte from a message to the terminal', () => {
    const log = new PlainLog()
    const out = log.push('name \x1b[2J\x00x\x9b\n::warning::bad \x1b]0;t\x07%0Anext\n') + log.flush()
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/)
    expect(out).toBe('name \\e[2J\\0x\\x9b\nWarning: bad \\e]0;t\\x07\nnext\n')
  })

  it('renders workflow commands as plain lines (as @actions/core escapes them)', () => {
    const log = new PlainLog()
    const out = log.push(
      [
        '::group::Clone https://x/r.git',
        'Cloning...',
        '::endgroup::',
        '::debug::hidden',
        '::warning file=src/a.c,line=3::unused%0Avariable',
        "::error::Input 'labels': 100%25 wrong%0D%0Anext line",
        ''
      ].join('\n')
    )
    expect(out).toBe(
      '\n== Clone https://x/r.git\nCloning...\nWarning (src/a.c:3): unused\nvariable\n' +
        "Error: Input 'labels': 100% wrong\r\nnext line\n"
    )
    expect(log.annotations).toEqual([
      { level: 'warning', message: 'unused\nvariable' },
      { level: 'error', message: "Input 'labels': 100% wrong\r\nnext line" }
    ])
  })

  it('words every line of its own for a terminal, not only annotations', () => {
    const log = new PlainLog(false, forTerminal)
    const line =
      'Upload: none (workflow_dispatch event → no upload (set upload: nightly or staging to upload))'
    expect(log.push(`${line}\n`)).toBe(
      'Upload: none (a local run acts as workflow_dispatch, which uploads nothing unless told: set --upload nightly or staging to upload)\n'
    )
    expect(new PlainLog().push(`${line}\n`)).toBe(`${line}\n`)
  })

  it('drops ::add-mask:: and shows the masked value as *** afterwards', () => {
    const log = new PlainLog()
    expect(log.push('::add-mask::s3cr3t\n')).toBe('')
    expect(log.push('token is s3cr3t\n::error::bad s3cr3t\n')).toBe('token is ***\nError: bad ***\n')
  })

  it('holds a command split across writes until its line ends; passes other partial lines through', () => {
    const log = new PlainLog()
    expect(log.push('::err')).toBe('')
    expect(log.push('or::split%0Aup\nplain ')).toBe('Error: split\nup\nplain ')
    expect(log.push('::not a command at mid-line\n')).toBe('::not a command at mid-line\n')
    expect(log.push('::warning::no newline')).toBe('')
    expect(log.flush()).toBe('Warning: no newline\n')
  })

  it('parses properties', () => {
    expect(parseCommand('::error title=A%3A b%2C c,line=4::m')).toEqual({
      name: 'error',
      props: { title: 'A: b, c', line: '4' },
      message: 'm'
    })
    expect(parseCommand('plain')).toBeUndefined()
  })
})

describe('resultTable', () => {
  it('lists each wheel with where it went, and what failed', () => {
    const wheel = '/ws/wheelhouse/dipy-1.12.1-cp311-cp311-manylinux_2_28_x86_64.whl'
    const table = resultTable(
      {
        commit: 'a'.repeat(40),
        ref: '1.12.1',
        version: '1.12.1',
        wheels: JSON.stringify([wheel]),
        uploaded: JSON.stringify([
          'https://api.anaconda.org/download/s/dipy/1.12.1/dipy-1.12.1-cp311-cp311-manylinux_2_28_x86_64.whl'
        ]),
        'upload-target': JSON.stringify({
          target: 'staging',
          channel: 's',
          labels: ['main'],
          reason: 'push of 1.12.1'
        }),
        'artifact-id': '42'
      },
      ['Python 3.12 failed at build 3.12: x.c:1:1: error: boom\n(exit code 1)']
    )
    expect(table.split('\n')).toEqual([
      '',
      'Result:',
      `  commit  ${'a'.repeat(40)} (1.12.1, version 1.12.1)`,
      '  built   dipy-1.12.1-cp311-cp311-manylinux_2_28_x86_64.whl → /ws/wheelhouse, ' +
        'https://api.anaconda.org/download/s/dipy/1.12.1/dipy-1.12.1-cp311-cp311-manylinux_2_28_x86_64.whl, artifact 42',
      '  upload  staging: anaconda.org s (main) (push of 1.12.1)',
      '  failed  Python 3.12 failed at build 3.12: x.c:1:1: error: boom',
      ''
    ])
  })

  it('says when nothing was checked out or built', () => {
    expect(resultTable({}, [])).toBe(
      '\nResult:\n  commit  not checked out\n  built   no wheel\n  failed  nothing\n'
    )
  })
})
