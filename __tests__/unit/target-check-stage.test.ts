/**
 * The early target check as the wheels stage runs it, with pip's answers scripted: the questions it puts
 * to pip (literal argv), a win32 target whose dependency has no win32 wheel stops naming it and the tag,
 * a pip that cannot read its index is a warning, and no interpreter to run pip skips the check.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Command } from '../../src/exec.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { checkTargetEarly } from '../../src/stages/target-check.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { FakeRunner, type Response } from './recording-runner.js'

const PY = 'C:\\py\\python.exe'
const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  vi.restoreAllMocks()
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

const reqsOf = (c: Command): string[] => c.args.slice(c.args.indexOf('--') + 1)
const NOT_FOUND = (r: string): Response => ({
  exitCode: 1,
  stderr: `ERROR: No matching distribution found for ${r}\n`
})

/** pip as it answers for win32: scipy has only an sdist, everything else has a wheel. */
const win32Pip = (c: Command): Response => {
  if (c.args[2] === 'index') return { stdout: 'scipy (1.16.3)\nAvailable versions: 1.16.3, 1.9.3\n' }
  const scipy = reqsOf(c).find((r) => r.startsWith('scipy'))
  return scipy ? NOT_FOUND(scipy) : { stdout: '{"install": []}' }
}

describe('the early target check', () => {
  it('asks pip for a wheel of every requirement for cp312-cp312-win32, with pip config and cache as planned', async () => {
    const runner = new FakeRunner(win32Pip, {})
    await checkTargetEarly(runner, windowsPlan('x86'), PY).catch(() => undefined)
    expect(runner.calls[0]).toEqual({
      command: PY,
      args: [
        ...['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--no-deps', '--only-binary', ':all:'],
        ...['--disable-pip-version-check', '--no-input', '--quiet', '--report', '-'],
        ...['--platform', 'win32', '--python-version', '3.12', '--implementation', 'cp'],
        ...['--abi', 'cp312', '--abi', 'abi3', '--abi', 'none'],
        '--',
        // The marker sys_platform == 'linux' keeps colorama out of a Windows check.
        ...['meson-python>=0.17', 'numpy>=2', 'packaging', 'numpy>=1.25', 'scipy>=1.10']
      ],
      env: { PIP_CACHE_DIR: 'C:\\hostedtoolcache\\windows\\dipy-wheels-pip' }
    })
  })

  it('stops a win32 build whose dependency scipy has no win32 wheel, naming it and the tag', async () => {
    const runner = new FakeRunner(win32Pip, {})
    await expect(checkTargetEarly(runner, windowsPlan('x86'), PY)).rejects.toThrow(
      [
        'Cannot build for cp312-cp312-win32: 1 requirement has no wheel for it.',
        '- test requirement scipy>=1.10: pip finds no wheel for cp312-cp312-win32; only an sdist (1.16.3), ' +
          'which pip would compile from source',
        'Nothing was compiled. Build for another architecture or Python version, or provide wheels for these ' +
          "requirements on an index pip can reach (PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, or pip's configuration).",
        'dipy: SciPy and h5py publish no win32 wheels for CPython 3.11+, so a 32-bit wheel of dipy cannot be ' +
          'tested; build x64.'
      ].join('\n')
    )
    // The whole list, then each requirement alone at -vv (numpy>=2 and numpy>=1.25 are separate texts), then
    // scipy's sdists.
    expect(runner.calls.map((c) => `${c.args[2]} ${c.args[3]} ${reqsOf(c).join(' ')}`)).toEqual([
      'install --dry-run meson-python>=0.17 numpy>=2 packaging numpy>=1.25 scipy>=1.10',
      'install -vv meson-python>=0.17',
      'install -vv numpy>=2',
      'install -vv packaging',
      'install -vv numpy>=1.25',
      'install -vv scipy>=1.10',
      'index versions scipy'
    ])
    expect(runner.calls[1].args).not.toContain('--quiet')
  })

  it('passes when pip finds every wheel: one question', async () => {
    const runner = new FakeRunner(() => ({ stdout: '{"install": []}' }), {})
    await expect(checkTargetEarly(runner, windowsPlan('x64'), PY)).resolves.toBeUndefined()
    expect(runner.calls).toHaveLength(1)
    expect(runner.calls[0].args).toContain('win_amd64')
  })

  it('warns, and does not stop, when pip could not read its index', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const down: Response = {
      exitCode: 1,
      stderr:
        'Could not fetch URL http://127.0.0.1:9/simple/numpy/: connection error: refused - skipping\n' +
        'ERROR: No matching distribution found for numpy>=2\n'
    }
    const runner = new FakeRunner((c) => (c.args.includes('-vv') ? down : NOT_FOUND('numpy>=2')), {})
    await expect(checkTargetEarly(runner, windowsPlan('x86'), PY)).resolves.toBeUndefined()
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(
      '::warning::Target check for cp312-cp312-win32 skipped: pip could not answer'
    )
  })

  it('skips with a line when no interpreter of the plan is found to run pip', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const runner = new FakeRunner(() => ({ exitCode: 1 }), {})
    await expect(checkTargetEarly(runner, windowsPlan('x86'))).resolves.toBeUndefined()
    expect(runner.calls.every((c) => !c.args.includes('pip'))).toBe(true)
    expect(out.mock.calls.map((c) => String(c[0])).join('')).toContain(
      'Target check skipped: none of the Pythons of the plan was found to run pip with.'
    )
  })
})
