/**
 * Every harness removes what it makes: after a test file of the e2e, slow or dipy suite, the directories
 * runAction made (dw-run-*) and the tool caches of its own a test asked for (ownToolCache) are gone. Checked
 * from outside: a vitest of its own runs fixtures/harness-probe/probe.test.ts as a file of that project of
 * the repository's vitest.config.ts (its setup files, as they are), and this test looks once it exited.
 */
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/action.js'

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-harness-cleanup-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

/** A config of one project of the repository's, running the probe only. */
function probeConfig(project: string): string {
  const file = path.join(work, `vitest.${project}.config.mjs`)
  const base = JSON.stringify(path.join(REPO_ROOT, 'vitest.config.ts'))
  const probe = JSON.stringify('__tests__/fixtures/harness-probe/probe.test.ts')
  fs.writeFileSync(
    file,
    [
      `import base from ${base}`,
      `const p = base.test.projects.find((x) => x.test.name === ${JSON.stringify(project)})`,
      'if (!p) throw new Error("no such project")',
      `export default { ...base, test: { ...base.test, projects: [{ ...p, test: { ...p.test, include: [${probe}] } }] } }`
    ].join('\n')
  )
  return file
}

describe('the harness removes what it makes', () => {
  for (const project of ['e2e', 'slow', 'dipy']) {
    it(`after a file of the ${project} suite: the run's directories and its own tool cache`, () => {
      const out = path.join(work, `${project}.json`)
      const vitest = path.join(REPO_ROOT, 'node_modules', 'vitest', 'vitest.mjs')
      const r = spawnSync(
        process.execPath,
        [vitest, 'run', '--config', probeConfig(project), '--root', REPO_ROOT, '--project', project],
        {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, DW_PROBE_OUT: out, DIPY_WHEELS_KEEP_RUNS: '' }
        }
      )
      expect(r.status, `${r.stdout}\n${r.stderr}`.slice(-3000)).toBe(0)
      const made = JSON.parse(fs.readFileSync(out, 'utf8')) as string[]
      expect(made.map((d) => path.basename(d).replace(/[^-]+$/, ''))).toEqual(['dw-run-', 'dw-probe-tc-'])
      expect(made.filter((d) => fs.existsSync(d))).toEqual([])
    }, 150_000)
  }
})
