/**
 * The CLI twice on the Cython fixture (dwcy, container off), in two different workspaces with one tool
 * cache and no RUNNER_TEMP (the CLI's own temp folder, <workspace>/.dipy-wheels-tmp): the second run
 * reuses every Cython output, and neither leaves anything in the system temp (a private TMPDIR) nor
 * build products in its workspace. Its closing table and summary.md name the wheel with its sha256.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { DIST_DIR, NODES, ownToolCache } from '../harness/action.js'
import { answerTest, DWCY_TAG, makeCythonFixture } from '../harness/cython-fixture.js'
import { pythonsForTests, reVersion } from '../harness/pythons.js'

const exec = promisify(execFile)

describe('the CLI twice (Cython fixture, two workspaces, one tool cache)', () => {
  it('reuses every Cython output the second time and leaves nothing in the system temp', async () => {
    const [A] = pythonsForTests(1)
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-rerun-'))
    const tmp = path.join(root, 'tmp')
    fs.mkdirSync(tmp)
    const toolCache = ownToolCache('dw-cli-rerun-toolcache-')
    const repo = makeCythonFixture(path.join(root, 'fixture'))
    const cli = async (ws: string): Promise<string> => {
      const args = [
        ...['--workspace', ws, '--repository', repo, '--build-commit', DWCY_TAG, '--python-version', A],
        ...[
          '--container',
          'off',
          '--stop-after',
          'test',
          '--upload',
          'none',
          '--test-command',
          answerTest(41)
        ]
      ]
      const env = {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        TMPDIR: tmp,
        RUNNER_TOOL_CACHE: toolCache
      }
      try {
        const r = await exec(NODES[0].path, [path.join(DIST_DIR, 'cli.js'), ...args], {
          env,
          maxBuffer: 64 << 20,
          timeout: 900_000
        })
        return r.stdout + r.stderr
      } catch (err) {
        const e = err as { stdout: string; stderr: string }
        throw new Error(`CLI failed:\n${(e.stdout + e.stderr).slice(-6000)}`)
      }
    }
    const reused = (log: string): string | undefined =>
      new RegExp(`Cython for Python ${reVersion(A)}: (\\d+ of \\d+) outputs reused`).exec(log)?.[1]

    const first = await cli(path.join(root, 'ws-one'))
    expect(reused(first), first.slice(-4000)).toBe('0 of 2')
    const ws = path.join(root, 'elsewhere', 'ws-two')
    const second = await cli(ws)
    expect(reused(second), second.slice(-4000)).toBe('2 of 2')
    // ccache too: every object a hit, and the repaired wheel reused (the closing table's row: python, hits,
    // misses, hit rate, Cython, repair).
    expect(second).toMatch(new RegExp(`^ {2}${reVersion(A)} +[1-9]\\d* +0 +100% +2 of 2 +reused$`, 'm'))

    expect(fs.readdirSync(tmp)).toEqual([])
    expect(fs.readdirSync(ws).sort()).toEqual(['dipy', 'summary.md', 'wheelhouse'])
    // meson's build directory sits in the checkout during the build, and goes with the wheel out.
    expect(fs.existsSync(path.join(ws, 'dipy', '.dipy-wheels-build'))).toBe(false)
    const [wheel] = fs.readdirSync(path.join(ws, 'wheelhouse'))
    const sha = createHash('sha256')
      .update(fs.readFileSync(path.join(ws, 'wheelhouse', wheel)))
      .digest('hex')
    expect(second).toMatch(
      new RegExp(`^Wheels:\\n(?:.*\\n)*? {2}${wheel.replace(/\./g, '\\.')} .* ${sha} `, 'm')
    )
    expect(fs.readFileSync(path.join(ws, 'summary.md'), 'utf8')).toContain(`| ${sha} |`)
    fs.rmSync(root, { recursive: true, force: true })
    fs.rmSync(toolCache, { recursive: true, force: true })
  })
})
