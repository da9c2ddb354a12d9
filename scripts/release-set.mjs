// The release's default expected set, derived from the wheel workflows' matrices
// (.github/workflows/build-wheels.yml and build-wheels-windows.yml) into src/release/default-set.ts.
//   node scripts/release-set.mjs          writes the file
//   node scripts/release-set.mjs --check  fails when the file is not what the workflows give (lint-workflows.sh)
// Imports the TypeScript module directly: node 24 strips the types (the module imports only `yaml`).
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WHEEL_WORKFLOWS } from '../src/workflow-siblings.ts'
import { releaseSetOf, renderDefaultSet } from '../src/release/workflow-set.ts'

export const TARGET = join('src', 'release', 'default-set.ts')

/** What src/release/default-set.ts must hold for the workflows under `root`. */
export function expectedDefaultSet(root) {
  const rels = WHEEL_WORKFLOWS.map((name) => join('.github', 'workflows', name))
  const files = rels.map((rel) => ({ path: rel, content: readFileSync(join(root, rel), 'utf8') }))
  return renderDefaultSet(
    releaseSetOf(files),
    rels.map((r) => r.replace(/\\/g, '/'))
  )
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const root = args.find((a) => a !== '--check') ?? fileURLToPath(new URL('..', import.meta.url))
  let want
  try {
    want = expectedDefaultSet(root)
  } catch (err) {
    console.error(`release set: ${err.message}`)
    process.exit(1)
  }
  const target = join(root, TARGET)
  if (!check) {
    writeFileSync(target, want)
    console.log(`wrote ${TARGET}`)
  } else {
    let have = ''
    try {
      have = readFileSync(target, 'utf8')
    } catch {
      // missing: reported below
    }
    if (have !== want) {
      console.error(
        `${TARGET} is not the set the wheel workflows build (their matrices changed, or the file was edited).\n` +
          'Run `npm run release-set` and commit the result. It should read:\n' +
          want
      )
      process.exit(1)
    }
    console.log(`${TARGET} matches the matrices of ${WHEEL_WORKFLOWS.join(' and ')}.`)
  }
}
