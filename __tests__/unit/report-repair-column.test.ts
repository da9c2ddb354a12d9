/** The summary's compiler-cache table names, per Python, whether the repaired wheel was reused or the repair ran. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import * as core from '@actions/core'
import { afterEach, describe, expect, it } from 'vitest'
import type { CompilerCacheReport } from '../../src/cache/ccache.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { report } from '../../src/report.js'
import type { WheelRecord } from '../../src/stages/results.js'
import { defaultInputs } from '../harness/plan-fixtures.js'

const made: string[] = []
afterEach(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  delete process.env.GITHUB_STEP_SUMMARY
  delete process.env.GITHUB_OUTPUT
})

const wheel = (python: string, repairReused?: boolean): WheelRecord => ({
  python,
  path: `/w/pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl`,
  name: 'pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl',
  tags: 'cp311-cp311-manylinux_2_28_x86_64',
  size: 1,
  sha256: '0'.repeat(64),
  grafted: [],
  tested: true,
  ...(repairReused === undefined ? {} : { repairReused })
})

describe('the repair column', () => {
  it('reused, ran, or - when the cache was not planned', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-report-'))
    made.push(dir)
    const file = path.join(dir, 'summary.html')
    fs.writeFileSync(file, '')
    process.env.GITHUB_STEP_SUMMARY = file
    process.env.GITHUB_OUTPUT = path.join(dir, 'out')
    fs.writeFileSync(process.env.GITHUB_OUTPUT, '')
    const stats = ['3.11', '3.12', '3.13'].map((python) => ({ python, hits: 1, misses: 0 }))
    const cc = { restoredFrom: 'the tool cache', stats } as unknown as CompilerCacheReport
    const plan = makePlan(defaultInputs('linux', { container: 'off' }), {
      platform: 'linux',
      arch: 'x86_64',
      workspace: path.join(dir, 'ws'),
      temp: path.join(dir, 't'),
      toolCache: path.join(dir, 'tc'),
      home: dir,
      cpus: 1,
      eventName: 'workflow_dispatch',
      env: {}
    })
    await core.summary.clear()
    await report({
      plan,
      wheels: [wheel('3.11', true), wheel('3.12', false), wheel('3.13')],
      failures: [],
      compilerCache: cc,
      timings: []
    })
    const html = fs.readFileSync(file, 'utf8')
    expect(html).toContain('<th>repair</th>')
    expect(html).toMatch(/<td>3\.11<\/td>(<td>[^<]*<\/td>){4}<td>reused<\/td>/)
    expect(html).toMatch(/<td>3\.12<\/td>(<td>[^<]*<\/td>){4}<td>ran<\/td>/)
    expect(html).toMatch(/<td>3\.13<\/td>(<td>[^<]*<\/td>){4}<td>-<\/td>/)
  })
})
