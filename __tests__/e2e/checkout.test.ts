/** The bundle, run as the runner runs it, checking out BUILD_COMMIT from a local repository. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { NODES, runAction, type RunActionOptions } from '../harness/action.js'
import { git, makeFixtureRepo, pushCommit, type FixtureRepo } from '../harness/git-fixture.js'

let repo: FixtureRepo

beforeAll(() => {
  repo = makeFixtureRepo()
})

describe.each(NODES)('checkout under $label', ({ path: node }) => {
  const checkoutOnly = (inputs: Record<string, string>, extra: RunActionOptions = {}) =>
    runAction({ node, ...extra, inputs: { repository: repo.url, 'stop-after': 'checkout', ...inputs } })

  const head = (dir: string) => git(dir, 'rev-parse', 'HEAD')

  it.each([
    ['a lightweight tag', '1.0.0', 'v100', '1.0.0'],
    ['an annotated tag', '1.1.0', 'v110', '1.1.0'],
    ['a branch', 'feature', 'feature', '1.1.0'],
    ['master', 'master', 'master', '1.2.0.dev0']
  ] as const)('checks out %s', async (_what, ref, sha, version) => {
    const r = await checkoutOnly({ 'build-commit': ref })
    expect(r.exitCode, r.log).toBe(0)
    expect(r.outputs.commit).toBe(repo.shas[sha])
    expect(r.outputs.ref).toBe(ref)
    expect(r.outputs.version).toBe(version)
    const dir = path.join(r.workspace, 'dipy')
    expect(head(dir)).toBe(repo.shas[sha])
    // Detached, with the submodule populated and full history and tags present.
    expect(git(dir, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('HEAD')
    expect(fs.readFileSync(path.join(dir, 'external', 'data.txt'), 'utf8')).toBe('submodule data\n')
    expect(git(dir, 'tag', '--list').split('\n').sort()).toEqual(['1.0.0', '1.1.0'])
    expect(r.summary).toContain(repo.shas[sha])
    expect(r.log).toContain('::group::')
  })

  it('checks out a full and an abbreviated SHA', async () => {
    for (const ref of [repo.shas.feature, repo.shas.v110.slice(0, 8)]) {
      const r = await checkoutOnly({ 'build-commit': ref })
      expect(r.exitCode, r.log).toBe(0)
      expect(r.outputs.commit).toBe(ref.length === 40 ? ref : repo.shas.v110)
    }
  })

  it('takes BUILD_COMMIT from the environment', async () => {
    const r = await checkoutOnly({}, { env: { BUILD_COMMIT: '1.0.0' } })
    expect(r.exitCode, r.log).toBe(0)
    expect(r.outputs.commit).toBe(repo.shas.v100)
  })

  it('takes env.BUILD_COMMIT from the running workflow file', async () => {
    const workflow = {
      file: 'build-wheels.yml',
      content: 'name: wheels\non: push\nenv:\n  BUILD_COMMIT: "1.1.0"  # or a tag\njobs: {}\n'
    }
    const r = await checkoutOnly({}, { workflow })
    expect(r.exitCode, r.log).toBe(0)
    expect(r.outputs.ref).toBe('1.1.0')
    expect(r.outputs.commit).toBe(repo.shas.v110)
    expect(r.summary).toContain('(workflow)')
  })

  it('builds master on a schedule, whatever BUILD_COMMIT says', async () => {
    const r = await checkoutOnly({ 'build-commit': '1.0.0' }, { event: 'schedule' })
    expect(r.exitCode, r.log).toBe(0)
    expect(r.outputs.ref).toBe('master')
    expect(r.outputs.commit).toBe(repo.shas.master)
  })

  it('reruns in a dirty workspace without stale files, and sees new commits', async () => {
    const first = await checkoutOnly({ 'build-commit': 'master' })
    expect(first.exitCode, first.log).toBe(0)
    const dir = path.join(first.workspace, 'dipy')
    fs.writeFileSync(path.join(dir, 'stale.o'), 'left over')
    fs.writeFileSync(path.join(dir, 'README'), 'edited by hand')
    fs.mkdirSync(path.join(dir, 'build'))
    fs.writeFileSync(path.join(dir, 'external', 'data.txt'), 'dirty submodule')
    const newSha = pushCommit(repo, { NEWS: 'news\n' }, 'fourth')
    try {
      const second = await checkoutOnly({ 'build-commit': 'master' }, { root: first.root })
      expect(second.exitCode, second.log).toBe(0)
      expect(second.outputs.commit).toBe(newSha)
      expect(fs.existsSync(path.join(dir, 'stale.o'))).toBe(false)
      expect(fs.existsSync(path.join(dir, 'build'))).toBe(false)
      expect(fs.readFileSync(path.join(dir, 'README'), 'utf8')).toBe('three\n')
      expect(fs.readFileSync(path.join(dir, 'external', 'data.txt'), 'utf8')).toBe('submodule data\n')
      expect(second.log).toContain('Fetch ')
    } finally {
      git(repo.work, 'reset', '-q', '--hard', repo.shas.master)
      git(repo.work, 'push', '-q', '--force', repo.bare, 'master:master')
    }
  })

  it('names a missing ref and lists the nearest tags', async () => {
    const r = await checkoutOnly({ 'build-commit': '1.1.1' })
    expect(r.exitCode).not.toBe(0)
    expect(r.stdout).toMatch(/::error::The ref "1\.1\.1" does not exist in .*Nearest tags: 1\.1\.0, 1\.0\.0/)
    expect(r.outputs.commit).toBeUndefined()
  })

  it('refuses a path that escapes the workspace before any git call', async () => {
    const r = await checkoutOnly({ 'build-commit': '1.0.0', path: '../outside' }, { traceGit: true })
    expect(r.exitCode).not.toBe(0)
    expect(r.stdout).toContain("::error::Input 'path'")
    expect(r.gitCalls).toEqual([])
  })
})

describe('refused ref shapes (node 24)', () => {
  const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-marker-')), 'pwned')
  it.each([
    `--upload-pack=touch ${marker}`,
    '-b',
    'with space',
    'tab\there',
    'ctrl\x07bell',
    'a..b',
    'HEAD@{1}',
    'back\\slash',
    'tilde~1',
    'caret^',
    'colon:x',
    'what?',
    'star*',
    'bracket[',
    'branch.lock',
    'trailing/'
  ])('refuses %j before any git process runs', async (ref) => {
    const r = await runAction({
      traceGit: true,
      inputs: { repository: repo.url, 'build-commit': ref, 'stop-after': 'checkout' }
    })
    expect(r.exitCode).not.toBe(0)
    expect(r.stdout).toContain("::error::Input 'build-commit'")
    expect(r.stdout).toContain('is not a valid git ref')
    expect(r.gitCalls).toEqual([])
    expect(fs.existsSync(marker)).toBe(false)
    expect(fs.existsSync(path.join(r.workspace, 'dipy'))).toBe(false)
  })
})
