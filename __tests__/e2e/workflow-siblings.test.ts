/** The action warns when the wheel workflow it runs in and its sibling build different BUILD_COMMITs. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'

const roots: string[] = []
afterEach(() => {
  for (const r of roots.splice(0)) fs.rmSync(r, { recursive: true, force: true })
})

async function runWith(sibling: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-siblings-'))
  roots.push(root)
  const dir = path.join(root, 'ws', '.github', 'workflows')
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'build-wheels-windows.yml'), `env:\n  BUILD_COMMIT: ${sibling}\njobs: {}\n`)
  return runAction({
    root,
    workflow: { file: 'build-wheels.yml', content: 'env:\n  BUILD_COMMIT: 1.10\njobs: {}\n' },
    inputs: { 'stop-after': 'plan', upload: 'none' }
  })
}

describe('BUILD_COMMIT of the sibling workflow', () => {
  it('warns, naming both files and both values, when they differ', async () => {
    const r = await runWith('1.12.1')
    expect(r.exitCode, r.log).toBe(0)
    expect(r.stdout).toMatch(
      /::warning::BUILD_COMMIT disagrees between the wheel workflows: \.github\/workflows\/build-wheels\.yml builds "1\.10", \.github\/workflows\/build-wheels-windows\.yml builds "1\.12\.1"/
    )
  })

  it('says nothing when they agree (1.10 read as text, not the number 1.1)', async () => {
    const r = await runWith("'1.10'")
    expect(r.exitCode, r.log).toBe(0)
    expect(r.stdout).not.toMatch(/BUILD_COMMIT disagrees/)
    expect(r.stdout).toMatch(/Checkout: .* at 1\.10 \(workflow\)/)
  })
})
