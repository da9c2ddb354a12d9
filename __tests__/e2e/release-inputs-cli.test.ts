/** `command: release`: bad inputs refused before any request, and the CLI running the same release. */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES, runAction } from '../harness/action.js'
import { PYPI_TOKEN, releaseSuite, unmasked, VERSION } from '../harness/release-suite.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'

const s = releaseSuite({ prefix: 'cli', orgs: 3 })
const { expectOnIndex, inputs } = s
let anaconda: AnacondaServer
let tmp: string
let files: string[]
beforeAll(() => {
  ;({ anaconda, tmp, files } = s)
})

/** A fresh channel holding `which` of the files, and a fresh pypiserver behind the stub. */
async function setup(which = files, password?: string): Promise<string> {
  return s.setup(which, password)
}

describe('inputs', () => {
  it.each([
    [{ 'pypi-url': 'http://example.test/' }, "Input 'pypi-url'"],
    [{ version: '1.0.0+local' }, "Input 'version'"],
    [{ 'pypi-token': 'pypi-a b' }, "Input 'pypi-token'"],
    [{ attestations: 'true', 'pypi-token': 'pypi-AgEtestonlytoken' }, "Input 'attestations'"],
    [{ attestations: 'maybe' }, "Input 'attestations'"],
    [{ expected: 'dipy-*.whl;rm' }, "Input 'expected'"]
  ])('%o is refused before any request', async (over, message) => {
    const before = anaconda.requests.length
    const run = await runAction({
      inputs: {
        command: 'release',
        version: VERSION,
        'pypi-url': 'http://127.0.0.1:9/',
        'pypi-index-url': 'http://127.0.0.1:9/simple',
        'anaconda-url': anaconda.url,
        ...over
      }
    })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain(message)
    expect(anaconda.requests.length).toBe(before)
  })
})

describe('the CLI', () => {
  it('node dist/cli.js release VERSION runs the same release', async () => {
    const owner = await setup()
    // The token comes from the environment, never from the command line.
    const args = Object.entries(inputs(owner)).flatMap(([k, v]) =>
      ['command', 'version', 'pypi-token'].includes(k) ? [] : [`--${k}`, v]
    )
    const ws = fs.mkdtempSync(path.join(tmp, 'cli-'))
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: ws,
      DIPY_WHEELS_RETRY_BASE_MS: '5',
      RUNNER_TEMP: ws,
      INPUT_PYPI_TOKEN: PYPI_TOKEN
    }
    const child = spawn(
      NODES[0].path,
      [path.join(DIST_DIR, 'cli.js'), 'release', VERSION, '--workspace', ws, ...args],
      { env }
    )
    let log = ''
    child.stdout.on('data', (d: Buffer) => (log += d))
    child.stderr.on('data', (d: Buffer) => (log += d))
    const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)))
    expect(code, log.slice(-3000)).toBe(0)
    expect(unmasked(log)).not.toContain(PYPI_TOKEN)
    expectOnIndex(files)
  })
})
