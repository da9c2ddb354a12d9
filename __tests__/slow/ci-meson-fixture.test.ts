/**
 * ci.yml's second fixture, run here on Linux through the bundled action: dwmp, a meson-python package with
 * a Cython extension that takes OpenMP through meson's `dependency('openmp')` and libdwmath from a cmake
 * recipe (dipy's own build path), laid out by scripts/openmp_fixture.py, built, repaired and tested
 * (container: off), then checked by scripts/check_fixture_wheel.py --package dwmp.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, runAction, type ActionRun } from '../harness/action.js'

const PYTHON = 'python3'
const LAYOUT = path.join(REPO_ROOT, 'scripts', 'openmp_fixture.py')
const CHECKER = path.join(REPO_ROOT, 'scripts', 'check_fixture_wheel.py')
const LINUX_ARCH = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[process.arch]

describe('the ci.yml meson-python fixture, run on this host', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ci-meson-'))
  const version = execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8'
  }).trim()
  const tag = `cp${version.replace('.', '')}`
  let run: ActionRun

  beforeAll(async () => {
    const layout = JSON.parse(
      execFileSync(PYTHON, [LAYOUT, path.join(root, 'fixture'), 'dwmp'], { encoding: 'utf8' })
    ) as Record<string, string>
    run = await runAction({
      inputs: {
        repository: layout.repository,
        'build-commit': layout['build-commit'],
        dependencies: layout.dependencies,
        'python-version': version,
        container: 'off',
        'stop-after': 'test',
        upload: 'none',
        'test-command': 'python -c "import dwmp; assert dwmp.add(2, 3) == 5"'
      },
      timeoutMs: 900_000
    })
  })

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true })
    if (run) fs.rmSync(run.root, { recursive: true, force: true })
  })

  it('builds with meson-python, repairs and tests through the action', () => {
    expect(run.exitCode, run.log.slice(-6000)).toBe(0)
    expect(JSON.parse(run.outputs.wheels ?? '[]')).toEqual([
      expect.stringMatching(new RegExp(`/dwmp-0\\.1\\.0-${tag}-${tag}-manylinux_2_\\d+_${LINUX_ARCH}\\.whl$`))
    ])
    // meson's own OpenMP lookup and the recipe's library, as its log says.
    expect(run.log).toMatch(/Run-time dependency OpenMP found: YES/)
    expect(run.log).toMatch(/Library dwmath found: YES/)
  })

  it('the checker passes the wheel: tag, grafted runtimes, clean-venv import, answers with two threads', () => {
    const r = spawnSync(
      PYTHON,
      [
        CHECKER,
        '--wheelhouse',
        run.outputs.wheelhouse ?? '',
        '--package',
        'dwmp',
        '--os',
        'linux',
        '--arch',
        LINUX_ARCH
      ],
      { encoding: 'utf8' }
    )
    const out = r.stdout + r.stderr
    console.log(out)
    expect(out).toMatch(/^ok {3}grafted OpenMP runtime \(libgomp\): dwmp\.libs\/libgomp-[0-9a-f]{8}\.so/m)
    expect(out).toMatch(/^ok {3}grafted libdwmath: dwmp\.libs\/libdwmath-[0-9a-f]{8}\.so/m)
    expect(out).toContain('ok   computes psum: 5000050000 (expected 5000050000)')
    expect(out).toContain('ok   computes threads: 2 (expected 2)')
    expect(out).toMatch(/^ok {3}built with OpenMP: _OPENMP = 20\d{4}$/m)
    expect(r.status).toBe(0)
  })
})
