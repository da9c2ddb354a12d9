/**
 * Reproducible wheels (issue 19): the checkout reads the commit's committer time, and the build and repair
 * commands of every Python get it as SOURCE_DATE_EPOCH (unless the runner already sets one). The commit
 * time is set by hand (GIT_COMMITTER_DATE) so the expected value comes from outside the product.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ExecRunner } from '../../src/exec.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { checkout } from '../../src/stages/checkout.js'
import { withSourceDateEpoch } from '../../src/stages/reproducible.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-sde-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const WHEN = '2021-03-04T05:06:07Z'
const EPOCH = Date.parse(WHEN) / 1000 // 1614834367

function repoWithDatedCommit(): string {
  const work = path.join(tmp, 'work')
  fs.mkdirSync(work)
  const env = { ...process.env, GIT_COMMITTER_DATE: WHEN, GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z' }
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env, encoding: 'utf8' })
  git('init', '-q')
  fs.writeFileSync(path.join(work, 'pyproject.toml'), '[project]\nname = "demo"\nversion = "1.0"\n')
  git('add', '-A')
  git('-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-q', '-m', 'dated')
  git('tag', '1.0')
  return `file://${work}`
}

describe('SOURCE_DATE_EPOCH', () => {
  it("the checkout reads the commit's committer time (not the author time)", async () => {
    const url = repoWithDatedCommit()
    const r = await checkout(new ExecRunner(), { repository: url, dir: path.join(tmp, 'co'), ref: '1.0' })
    expect(r.commitTime).toBe(EPOCH)
  })

  it('goes into the build and repair commands of every Python, and a value of the runner wins', () => {
    const plan = makePlan(
      defaultInputs('linux', { pythonVersions: ['3.11', '3.12'] }),
      runnerHost('linux', 'x86_64')
    )
    const withEpoch = withSourceDateEpoch(plan, EPOCH, {})
    for (const py of withEpoch.pythons) {
      expect(py.build.env?.set?.SOURCE_DATE_EPOCH).toBe(String(EPOCH))
      expect(py.repair.env?.set?.SOURCE_DATE_EPOCH).toBe(String(EPOCH))
    }
    expect(withEpoch.pythons).toHaveLength(2)
    expect(withSourceDateEpoch(plan, EPOCH, { SOURCE_DATE_EPOCH: '1' })).toBe(plan)
    expect(plan.pythons[0].build.env?.set?.SOURCE_DATE_EPOCH).toBeUndefined() // the plan itself is not changed
  })
})
