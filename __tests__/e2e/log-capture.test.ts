/**
 * alongside(): work started beside a foreground step writes nothing into the step's log; its own lines
 * (core's commands and its commands' output, stdout and stderr) come after, in one group, in order.
 * Run in a node 24 process of its own (the log is that process's stdout), as the bundle runs.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { NODES, REPO_ROOT } from '../harness/action.js'

const SCRIPT = `
import * as exec from '@actions/exec'
import * as core from '@actions/core'
import { alongside } from '${path.join(REPO_ROOT, 'src', 'util', 'log-capture.ts')}'
const bg = alongside(async () => {
  core.startGroup('inner group')
  core.info('bg info line')
  await exec.exec('bash', ['-c', 'for i in 1 2 3; do echo bg-out-$i; sleep 0.05; echo bg-err-$i >&2; sleep 0.05; done'])
  core.endGroup()
  return 7
})
const failing = alongside(async () => {
  core.info('about to fail')
  throw new Error('it failed')
})
await core.group('foreground', async () => {
  await exec.exec('bash', ['-c', 'for i in 1 2 3 4; do echo fg-$i; sleep 0.1; done'])
})
console.log('value', await bg.settle('background work'))
await failing.settle('failing work').catch((err) => console.log('caught', err.message))
`

describe('log capture of work alongside a step', () => {
  it('keeps the foreground group whole and writes the held-back lines after it, in order', () => {
    const dir = path.join(REPO_ROOT, '.cache', 'log-capture-test')
    fs.mkdirSync(dir, { recursive: true })
    const file = path.join(dir, 'script.mts')
    fs.writeFileSync(file, SCRIPT)
    const r = spawnSync(NODES[0].path, [file], { encoding: 'utf8', cwd: REPO_ROOT })
    expect(r.status, r.stderr).toBe(0)
    const lines = r.stdout.split('\n').filter((l) => !l.startsWith('[command]'))
    expect(lines).toEqual([
      '::group::foreground',
      'fg-1',
      'fg-2',
      'fg-3',
      'fg-4',
      '::endgroup::',
      '::group::background work',
      '— inner group',
      'bg info line',
      'bg-out-1',
      'bg-err-1',
      'bg-out-2',
      'bg-err-2',
      'bg-out-3',
      'bg-err-3',
      '',
      '::endgroup::',
      'value 7',
      '::group::failing work',
      'about to fail',
      '::endgroup::',
      'caught it failed',
      ''
    ])
    expect(r.stderr).toBe('')
  })
})
