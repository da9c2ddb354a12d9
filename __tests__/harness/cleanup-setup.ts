// After each test file: the run directories and tool caches the harness made are removed (set
// DIPY_WHEELS_KEEP_RUNS=1 to keep them for a look).
import * as fs from 'node:fs'
import { afterAll } from 'vitest'
import { CREATED } from './action.js'

afterAll(() => {
  if (process.env.DIPY_WHEELS_KEEP_RUNS) return
  for (const dir of CREATED.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})
