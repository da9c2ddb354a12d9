/**
 * Reproducible wheels of real dipy: dipy 1.12.1 from its sdist (a local git repository tagged 1.12.1),
 * built twice by the bundle on the host (container: off, Python 3.11), in two workspaces and temp
 * directories, the first on the suite's shared tool cache (its build env, tools venv and ccache reused),
 * the second on a fresh tool cache of its own (everything compiled again): the two wheels have the same
 * sha256. When they differ, the members that differ are named. Slow (two full dipy builds): run it with
 * `npx vitest run __tests__/dipy/dipy-reproducible.test.ts`, wrapped in `flock /tmp/dipy-heavy.lock`.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { dipyRepo } from '../harness/dipy-source.js'

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
let root: string
let repo: string

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-dipy-repro-'))
  repo = await dipyRepo(root, '1.12.1')
})
afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true })
})

/** The members whose bytes differ, and those only one wheel has. */
function differences(a: string, b: string): string[] {
  const x = unzipSync(fs.readFileSync(a))
  const y = unzipSync(fs.readFileSync(b))
  const names = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()
  return names.filter((n) => !x[n] || !y[n] || sha256(x[n]) !== sha256(y[n]))
}

function build(toolCache?: string): Promise<ActionRun> {
  return runAction({
    root: fs.mkdtempSync(path.join(root, 'run-')),
    ...(toolCache ? { toolCache } : {}),
    inputs: {
      repository: repo,
      'build-commit': '1.12.1',
      'python-version': '3.11',
      container: 'off',
      upload: 'none',
      artifact: 'false',
      'test-command': 'none'
    },
    timeoutMs: 3_000_000
  })
}

describe('reproducible dipy wheels', () => {
  it('two builds of dipy 1.12.1 in other workspaces, temp directories and tool caches: one sha256', async () => {
    const first = await build()
    expect(first.exitCode, first.log.slice(-6000)).toBe(0)
    const second = await build(ownToolCache('dw-dipy-repro-tc-'))
    expect(second.exitCode, second.log.slice(-6000)).toBe(0)
    const [a] = JSON.parse(first.outputs.wheels) as string[]
    const [b] = JSON.parse(second.outputs.wheels) as string[]
    expect(path.basename(a)).toMatch(/^dipy-1\.12\.1-cp311-cp311-manylinux_\d+_\d+_x86_64\.whl$/)
    expect(path.basename(b)).toBe(path.basename(a))
    const keep = process.env.DIPY_WHEELS_KEEP_REPRO
    if (keep) {
      for (const [d, w] of [
        ['a', a],
        ['b', b]
      ]) {
        fs.mkdirSync(path.join(keep, d), { recursive: true })
        fs.copyFileSync(w, path.join(keep, d, path.basename(w)))
      }
    }
    expect(differences(a, b)).toEqual([])
    expect(sha256(fs.readFileSync(a))).toBe(sha256(fs.readFileSync(b)))
  })
})
