/**
 * The early check against a real index: pypiserver (PEP 503 pages) serves small valid wheels and sdists
 * standing in for PyPI's scipy, numpy, h5py and cython on win32. pip itself, asked to download each for
 * the same target (--only-binary :all: --platform win32 --python-version 3.12), is the reference: the
 * check names exactly the requirements pip cannot find a wheel for.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exec } from '../harness/pip-venv.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { checkTarget, formatTargetProblems, windowsMarkers } from '../../src/python/target-check.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const VENV_BIN = path.join(ROOT, '.venv-test', 'bin')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-target-'))
let server: ChildProcess | undefined
let index = ''

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port
      s.close(() => resolve(port))
    })
    s.on('error', reject)
  })
}

beforeAll(async () => {
  const pypiServer = path.join(VENV_BIN, 'pypi-server')
  if (!fs.existsSync(pypiServer)) {
    throw new Error(
      `${pypiServer} is missing: install the test tools (python3 -m venv .venv-test && .venv-test/bin/python -m pip install -r requirements/test.txt)`
    )
  }
  const packages = path.join(work, 'packages')
  fs.mkdirSync(packages)
  const wheels: Array<[string, string, string]> = [
    ['scipy', '1.17.1', 'cp312-cp312-win_amd64'],
    ['scipy', '1.17.1', 'cp312-cp312-win_arm64'],
    ['numpy', '2.3.0', 'cp312-cp312-win32'],
    ['numpy', '2.3.0', 'cp312-cp312-win_amd64'],
    ['h5py', '3.16.0', 'cp312-cp312-win_amd64'],
    ['cython', '3.1.2', 'cp39-abi3-win32'],
    ['meson_python', '0.18.0', 'py3-none-any']
  ]
  for (const [name, version, tag] of wheels) await makeWheel(packages, { name, version, tag })
  fs.writeFileSync(path.join(packages, 'scipy-1.17.1.tar.gz'), 'not a real sdist')
  const port = await freePort()
  server = spawn(pypiServer, ['run', '-i', '127.0.0.1', '-p', String(port), '-a', '.', '-P', '.', packages], {
    stdio: 'ignore'
  })
  index = `http://127.0.0.1:${port}/simple/`
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(index).then(
      (r) => r.ok,
      () => false
    )
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`pypiserver did not answer on ${index}`)
})

afterAll(() => {
  server?.kill()
  fs.rmSync(work, { recursive: true, force: true })
})

/** pip's own answer: can it download a wheel of the requirement for CPython 3.12 on win32? */
async function pipFinds(requirement: string): Promise<boolean> {
  const r = await exec(
    path.join(VENV_BIN, 'python'),
    [
      '-m',
      'pip',
      'download',
      '--no-deps',
      '--only-binary',
      ':all:',
      '--platform',
      'win32',
      '--python-version',
      '3.12',
      '--implementation',
      'cp',
      '--isolated',
      '--no-cache-dir',
      '--index-url',
      index,
      '-d',
      path.join(work, 'dl'),
      requirement
    ],
    { env: { PATH: process.env.PATH, HOME: work, PIP_CONFIG_FILE: '/dev/null' }, timeoutMs: 60_000 }
  )
  return r.code === 0
}

describe('fail early for cp312-cp312-win32 against a local index', () => {
  it('names scipy and h5py (no win32 wheel), as pip finds, and nothing pip can install', async () => {
    const build = ['meson-python>=0.15', 'cython>=3.0', 'numpy>=2.0', 'scipy>=1.8.0']
    const test = ['h5py']
    const problems = await checkTarget({
      indexUrl: index,
      target: { version: '3.12', platforms: ['win32'] },
      markers: windowsMarkers('3.12', 'AMD64'),
      buildRequires: build,
      testRequires: test
    })
    const named = problems.map((p) => p.requirement)
    expect(named).toEqual(['scipy>=1.8.0', 'h5py'])
    for (const req of [...build, ...test]) expect(await pipFinds(req)).toBe(!named.includes(req))
    expect(problems[0].why).toContain('only sdists (1.17.1)')
    expect(problems[1].why).toContain('no sdist either')
    console.log(formatTargetProblems(problems, 'cp312-cp312-win32'))
  })
})
