// Fails when the wheel workflows (.github/workflows/build-wheels.yml and build-wheels-windows.yml) do not
// set the same top-level env.BUILD_COMMIT. Run by scripts/lint-workflows.sh (so by .ci/run and ci.yml).
// Imports the TypeScript module directly: node 24 strips the types (the module imports only `yaml`).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildCommitProblems, WHEEL_WORKFLOWS } from '../src/workflow-siblings.ts'

/** The problems of the wheel workflows under `root` (a repository checkout); empty when they agree. */
export function checkBuildCommit(root) {
  const files = []
  const problems = []
  for (const name of WHEEL_WORKFLOWS) {
    const rel = join('.github', 'workflows', name)
    try {
      files.push({ path: rel, content: readFileSync(join(root, rel), 'utf8') })
    } catch (err) {
      problems.push(`${rel} cannot be read: ${err.message}`)
    }
  }
  return [...problems, ...buildCommitProblems(files)]
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url))
  const problems = checkBuildCommit(root)
  if (problems.length) {
    console.error(`BUILD_COMMIT check failed:\n  ${problems.join('\n  ')}`)
    process.exit(1)
  }
  console.log(`BUILD_COMMIT agrees in ${WHEEL_WORKFLOWS.join(' and ')}.`)
}
