// Fails when dist/ differs from a fresh bundle of src/ (CI runs it; so does .ci/run).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const fresh = mkdtempSync(join(tmpdir(), 'dist-check-'))
execFileSync(process.execPath, [join(root, 'scripts/bundle.mjs'), fresh], { stdio: 'inherit' })

const files = (dir) =>
  readdirSync(dir).flatMap((f) =>
    statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]
  )
const list = (dir) =>
  files(dir)
    .map((f) => relative(dir, f))
    .sort()
const want = list(fresh)
const have = list(join(root, 'dist'))
const problems = []
for (const f of new Set([...want, ...have])) {
  if (!want.includes(f)) problems.push(`dist/${f} is not produced by the bundle`)
  else if (!have.includes(f)) problems.push(`dist/${f} is missing`)
  else if (!readFileSync(join(fresh, f)).equals(readFileSync(join(root, 'dist', f))))
    problems.push(`dist/${f} differs`)
}
if (problems.length) {
  console.error(`dist/ does not match src/: run npm run build and commit dist/.\n  ${problems.join('\n  ')}`)
  process.exit(1)
}
console.log(`dist/ matches a fresh bundle (${want.length} files).`)
