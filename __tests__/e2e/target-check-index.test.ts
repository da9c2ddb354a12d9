/**
 * The early check against a real index: pypiserver (PEP 503 pages) serves small valid wheels and an sdist
 * standing in for scipy, numpy, h5py, cython and meson-python on win32, and the check asks pip (of
 * .venv-test) through the real runner. pip itself, asked to download each for the same target
 * (--only-binary :all: --platform win32 --python-version 3.12), is the reference: the check names exactly
 * the requirements pip cannot download a wheel of.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { BuildError } from '../../src/errors.js'
import { ExecRunner, type Command, type RunOptions } from '../../src/exec.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { checkTargetEarly } from '../../src/stages/target-check.js'
import { exec } from '../harness/pip-venv.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { freePort, VENV_BIN } from '../harness/pypiserver.js'
import { makeWheel } from '../harness/wheel-factory.js'

const PYTHON = path.join(VENV_BIN, 'python')
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-target-'))
let server: ChildProcess | undefined
let index = ''

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
    ['cython', '3.1.2', 'cp39-abi3-win_amd64'],
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
    if (
      await fetch(index).then(
        (r) => r.ok,
        () => false
      )
    )
      return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`pypiserver did not answer on ${index}`)
})

afterAll(() => {
  server?.kill()
  fs.rmSync(work, { recursive: true, force: true })
})

/** pip's environment: only the local index, no user or site configuration. */
const pipEnv = (indexUrl: string) => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: work,
  PIP_CONFIG_FILE: os.devNull,
  PIP_INDEX_URL: indexUrl,
  PIP_RETRIES: '0'
})

/** pip's own answer: can it download a wheel of the requirement for CPython 3.12 on win32? */
async function pipFinds(requirement: string): Promise<boolean> {
  const dl = [
    'download',
    '--no-deps',
    '--only-binary',
    ':all:',
    '--platform',
    'win32',
    '--python-version',
    '3.12'
  ]
  const r = await exec(
    PYTHON,
    [
      '-m',
      'pip',
      ...dl,
      '--implementation',
      'cp',
      '--no-cache-dir',
      '-d',
      path.join(work, 'dl'),
      requirement
    ],
    {
      env: pipEnv(index),
      timeoutMs: 60_000
    }
  )
  return r.code === 0
}

/** The real runner, recording what it ran. */
class Recording extends ExecRunner {
  readonly calls: Command[] = []
  override run(cmd: Command, options?: RunOptions) {
    this.calls.push(cmd)
    return super.run(cmd, options)
  }
}

/** A Windows plan for `architecture` whose checkout asks for these build and test requirements. */
function windowsPlan(architecture: string, build: string[], test: string[]) {
  const dir = fs.mkdtempSync(path.join(work, 'checkout-'))
  const list = (l: string[]) => `[${l.map((r) => JSON.stringify(r)).join(', ')}]`
  fs.writeFileSync(
    path.join(dir, 'pyproject.toml'),
    `[build-system]\nrequires = ${list(build)}\nbuild-backend = "mesonpy"\n[project]\nname = "demo"\nversion = "1"\n`
  )
  const plan = makePlan(
    defaultInputs('windows', { architecture, testRequires: test, pythonVersions: ['3.12'] }),
    runnerHost('windows', 'AMD64')
  )
  return {
    ...plan,
    compilerCache: { ...plan.compilerCache, pipCache: path.join(work, 'pip-cache') },
    checkout: { ...plan.checkout, dir }
  }
}

const BUILD = ['meson-python>=0.15', 'cython>=3.0', 'numpy>=2.0', 'scipy>=1.8.0']
const TEST = ['h5py', 'nosuchproject']

describe('fail early for cp312-cp312-win32 against a local index', () => {
  it('names scipy (only an sdist), h5py and a project the index lacks, as pip finds, and nothing pip can install', async () => {
    const runner = new Recording(pipEnv(index))
    const err = await checkTargetEarly(runner, windowsPlan('x86', BUILD, TEST), PYTHON).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(BuildError)
    const message = (err as Error).message
    expect(message).toContain('Cannot build for cp312-cp312-win32: 3 requirements have no wheel for it.')
    expect(message).toContain(
      '- build requirement scipy>=1.8.0: pip finds no wheel for cp312-cp312-win32; only an sdist (1.17.1), which pip would compile from source'
    )
    expect(message).toContain(
      '- test requirement h5py: pip finds no wheel for cp312-cp312-win32; no sdist either'
    )
    for (const req of [...BUILD, ...TEST])
      expect(await pipFinds(req)).toBe(/scipy|h5py|nosuchproject/.test(req) === false)
    // Only pip ran: nothing was built.
    expect(runner.calls.every((c) => c.command === PYTHON && c.args.slice(0, 2).join(' ') === '-m pip')).toBe(
      true
    )
    console.log(message)
  })

  it('passes x64, where pip finds a wheel of every requirement', async () => {
    const runner = new Recording(pipEnv(index))
    await expect(
      checkTargetEarly(runner, windowsPlan('x64', BUILD, ['h5py']), PYTHON)
    ).resolves.toBeUndefined()
    expect(runner.calls).toHaveLength(1)
  })

  it('an index pip cannot reach is a warning, not a stop', async () => {
    const warn = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const runner = new Recording(pipEnv('http://127.0.0.1:9/simple/'))
    await expect(checkTargetEarly(runner, windowsPlan('x86', BUILD, TEST), PYTHON)).resolves.toBeUndefined()
    const printed = warn.mock.calls.map((c) => String(c[0])).join('')
    warn.mockRestore()
    expect(printed).toMatch(/::warning::Target check for cp312-cp312-win32 skipped: pip could not answer/)
  })
})
