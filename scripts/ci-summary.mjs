// Sums vitest JSON reports into the closing line CI reads: "tests: N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const dir = process.argv[2] ?? '.cache/ci'
let passed = 0
let failed = 0
let skipped = 0
for (const f of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []) {
  const r = JSON.parse(readFileSync(join(dir, f), 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  console.log(`${f}: ${r.numPassedTests} passed, ${r.numFailedTests} failed (${r.success ? 'ok' : 'FAILED'})`)
  if (!r.success && !r.numFailedTests) failed += 1 // a suite that failed to load counts as a failure
}
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
