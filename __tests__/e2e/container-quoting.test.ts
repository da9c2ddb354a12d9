/** The rendered commands of the container script, run by bash: a hostile value stays one argument. */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { expect, it } from 'vitest'
import { renderCommand } from '../../src/container/script.js'

it('bash receives hostile values verbatim, as single arguments, and runs nothing from them', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-quote-'))
  const marker = path.join(dir, 'pwned')
  const hostile = [
    `x'; touch ${marker}; echo '`,
    `$(touch ${marker})`,
    `\`touch ${marker}\``,
    'a b\tc\nd',
    '"; touch ' + marker + ' #',
    '$HOME ${PATH} *'
  ]
  const cwd = path.join(dir, "a dir with 'quotes' and $(x)")
  fs.mkdirSync(cwd)
  const script = [
    renderCommand({ command: 'printf', args: ['<%s>\\n', ...hostile] }),
    renderCommand({ command: 'pwd', args: [], cwd }),
    renderCommand({ command: 'printenv', args: ['DW_VALUE'], env: { DW_VALUE: hostile[0] } })
  ].join('\n')
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', script], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin' }
  })
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout).toBe(`${hostile.map((h) => `<${h}>`).join('\n')}\n${cwd}\n${hostile[0]}\n`)
  expect(fs.existsSync(marker)).toBe(false)
})
