/**
 * Reproducible wheels in the container: the OpenMP fixture built twice from one commit by the bundle in
 * the local manylinux-like image on the real engine (harness/real-engine.ts), in different workspaces,
 * temp directories and tool caches, gives byte-identical repaired wheels (SOURCE_DATE_EPOCH from the
 * commit's time reaches the build and the repair inside the container). When they differ, the members
 * that differ are named.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ownToolCache, runAction, type ActionRun } from '../harness/action.js'
import { FIXTURE_TEST_COMMAND, makeOpenmpFixture, type OpenmpFixture } from '../harness/openmp-fixture.js'
import { testImage } from '../harness/real-engine.js'

const LONG = 1_800_000
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')
let image: string
let root: string
let fx: OpenmpFixture

beforeAll(() => {
  image = testImage()
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-repro-ctr-'))
  fx = makeOpenmpFixture(root)
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

function build(): Promise<ActionRun> {
  return runAction({
    root: fs.mkdtempSync(path.join(root, 'run-')),
    toolCache: ownToolCache('dw-repro-ctr-tc-'),
    inputs: {
      repository: fx.repo,
      'build-commit': '0.1.0',
      'python-version': '3.11',
      container: image,
      manylinux: '2_34',
      'stop-after': 'test',
      upload: 'none',
      dependencies: fx.dependencies,
      'test-command': FIXTURE_TEST_COMMAND
    },
    timeoutMs: LONG
  })
}

describe('reproducible wheels (container build, real engine)', () => {
  it(
    'two builds of one commit in other workspaces, temp directories and tool caches are byte-identical',
    async () => {
      const first = await build()
      expect(first.exitCode, first.log.slice(-6000)).toBe(0)
      await new Promise((r) => setTimeout(r, 1500))
      const second = await build()
      expect(second.exitCode, second.log.slice(-6000)).toBe(0)
      expect(first.workspace).not.toBe(second.workspace)
      expect(first.temp).not.toBe(second.temp)
      const [a] = JSON.parse(first.outputs.wheels) as string[]
      const [b] = JSON.parse(second.outputs.wheels) as string[]
      expect(path.basename(a)).toBe('dwomp-0.1.0-cp311-cp311-manylinux_2_34_x86_64.whl')
      expect(path.basename(b)).toBe(path.basename(a))
      const keep = process.env.DIPY_WHEELS_KEEP_REPRO
      if (keep) {
        fs.mkdirSync(path.join(keep, 'a'), { recursive: true })
        fs.mkdirSync(path.join(keep, 'b'), { recursive: true })
        fs.copyFileSync(a, path.join(keep, 'a', path.basename(a)))
        fs.copyFileSync(b, path.join(keep, 'b', path.basename(b)))
      }
      expect(differences(a, b)).toEqual([])
      expect(sha256(fs.readFileSync(a))).toBe(sha256(fs.readFileSync(b)))
    },
    LONG
  )
})
