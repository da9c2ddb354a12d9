/**
 * The early target check as the wheels stage runs it, against a real HTTP index on localhost serving
 * PEP 691 JSON pages: a win32 target whose test requirement has no win32 wheel stops, naming it; an index
 * that is down is a warning; no PIP_INDEX_URL skips the check.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { makePlan } from '../../src/plan/make-plan.js'
import { checkTargetEarly } from '../../src/stages/target-check.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { FakeRunner } from './recording-runner.js'

/** What the index holds: project → file names. */
const FILES: Record<string, string[]> = {
  'meson-python': ['meson_python-0.18.0-py3-none-any.whl'],
  numpy: ['numpy-2.3.4-cp312-cp312-win32.whl', 'numpy-2.3.4-cp312-cp312-win_amd64.whl'],
  scipy: ['scipy-1.16.3-cp312-cp312-win_amd64.whl', 'scipy-1.16.3.tar.gz'],
  packaging: ['packaging-25.0-py3-none-any.whl']
}

let server: http.Server
let index = ''
const seen: string[] = []
beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.url ?? '')
    const name = /^\/simple\/([^/]+)\/$/.exec(req.url ?? '')?.[1]
    const files = name ? FILES[name] : undefined
    if (!files) return void res.writeHead(404).end()
    res.writeHead(200, { 'content-type': 'application/vnd.pypi.simple.v1+json' })
    res.end(JSON.stringify({ files: files.map((filename) => ({ filename, yanked: false })) }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  index = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple`
})
afterAll(() => new Promise<void>((r) => server.close(() => r())))

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  seen.length = 0
})

/** A checkout whose pyproject.toml asks for meson-python and numpy to build and numpy and scipy to run. */
function checkout(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-tc-'))
  temps.push(dir)
  fs.writeFileSync(
    path.join(dir, 'pyproject.toml'),
    [
      '[build-system]',
      'requires = ["meson-python>=0.17", "numpy>=2"]',
      'build-backend = "mesonpy"',
      '[project]',
      'name = "demo"',
      'dependencies = ["numpy>=1.25", "scipy>=1.10", "colorama; sys_platform == \'linux\'"]',
      ''
    ].join('\n')
  )
  return dir
}

function windowsPlan(architecture: string) {
  const plan = makePlan(
    defaultInputs('windows', { architecture, testRequires: ['packaging'] }),
    runnerHost('windows', 'AMD64')
  )
  return { ...plan, checkout: { ...plan.checkout, dir: checkout() } }
}

describe('the early target check', () => {
  it('stops a win32 build whose dependency scipy has no win32 wheel, before anything compiles', async () => {
    const runner = new FakeRunner(undefined, { PIP_INDEX_URL: index })
    await expect(checkTargetEarly(runner, windowsPlan('x86'))).rejects.toThrow(
      [
        'Cannot build for cp312-cp312-win32: 1 requirement has no wheel for it.',
        '- test requirement scipy>=1.10: no wheel for cp312-…-win32 (1 wheel of matching versions, all for ' +
          'other targets, e.g. scipy-1.16.3-cp312-cp312-win_amd64.whl); only sdists (1.16.3), which pip ' +
          'would compile from source',
        'Nothing was compiled. Build for another architecture or Python version, or provide wheels for these ' +
          'requirements on an index the build can reach.',
        'dipy: SciPy and h5py publish no win32 wheels for CPython 3.11+, so a 32-bit wheel of dipy cannot be ' +
          'tested; build x64.'
      ].join('\n')
    )
    expect(runner.calls).toEqual([])
    // The marker sys_platform == 'linux' keeps colorama out of a Windows check.
    expect(seen).not.toContain('/simple/colorama/')
  })

  it('passes x64, where every requirement has a wheel', async () => {
    const runner = new FakeRunner(undefined, { PIP_INDEX_URL: index })
    await expect(checkTargetEarly(runner, windowsPlan('x64'))).resolves.toBeUndefined()
    expect([...seen].sort()).toEqual([
      '/simple/meson-python/',
      '/simple/numpy/',
      '/simple/numpy/',
      '/simple/packaging/',
      '/simple/scipy/'
    ])
  })

  it('skips without PIP_INDEX_URL, and warns (does not stop) when the index cannot be read', async () => {
    await expect(checkTargetEarly(new FakeRunner(undefined, {}), windowsPlan('x86'))).resolves.toBeUndefined()
    expect(seen).toEqual([])
    const down = new FakeRunner(undefined, { PIP_INDEX_URL: 'http://127.0.0.1:9/simple' })
    await expect(checkTargetEarly(down, windowsPlan('x86'))).resolves.toBeUndefined()
  })
})
