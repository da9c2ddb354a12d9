/**
 * Set-up shared by the unit tests of fetchSource (dependencies-sources, -companions, -source-dir): a runner
 * that refuses every command (an archive source starts none), and a scratch directory per test with the
 * product's progress lines kept off the test's output.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, vi } from 'vitest'
import type { Runner } from '../../src/exec.js'

export const noRunner: Runner = {
  env: {},
  which: async () => undefined,
  run: async () => {
    throw new Error('no command expected')
  }
}

/**
 * A new directory under the system temp (named `prefix…`) for each test of the enclosing suite, removed after
 * it, with stdout silenced meanwhile. Returns a getter for the current test's directory.
 */
export function scratchPerTest(prefix: string): () => string {
  let dir = ''
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
  })
  afterEach(() => {
    vi.restoreAllMocks()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return () => dir
}
