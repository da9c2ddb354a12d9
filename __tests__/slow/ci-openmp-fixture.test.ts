/**
 * What ci.yml runs on every runner OS, run here on Linux: scripts/openmp_fixture.py lays out the OpenMP
 * fixture, the bundled action builds, repairs and tests it (container: off), and
 * scripts/check_fixture_wheel.py checks the wheel (tag, grafted libgomp and libdwmath, clean-venv import and
 * answers). The checker is also shown to fail on a wrong tag, a wheel without its OpenMP runtime, and no wheel.
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
/** The checker's name of this host's arch (uname -m spelling, as auditwheel's tags use). */
const LINUX_ARCH = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[process.arch]

function checker(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(PYTHON, [CHECKER, ...args], { encoding: 'utf8' })
  return { status: r.status, out: r.stdout + r.stderr }
}

describe('the ci.yml OpenMP job, run on this host', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-ci-openmp-'))
  const version = execFileSync(PYTHON, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], {
    encoding: 'utf8'
  }).trim()
  const tag = `cp${version.replace('.', '')}`
  let run: ActionRun
  let wheelhouse: string

  beforeAll(async () => {
    expect(LINUX_ARCH, `no checker arch for ${process.arch}`).toBeDefined()
    const layout = JSON.parse(
      execFileSync(PYTHON, [LAYOUT, path.join(root, 'fixture')], { encoding: 'utf8' })
    ) as Record<string, string>
    run = await runAction({
      inputs: {
        repository: layout.repository,
        'build-commit': layout['build-commit'],
        dependencies: layout.dependencies,
        'python-version': version,
        container: 'off',
        manylinux: 'auto',
        'stop-after': 'test',
        upload: 'none',
        'test-command': 'python -c "import dwomp; assert dwomp.add(2, 3) == 5"'
      },
      timeoutMs: 900_000
    })
    wheelhouse = run.outputs.wheelhouse ?? ''
  })

  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true })
    if (run) fs.rmSync(run.root, { recursive: true, force: true })
  })

  it('the laid-out fixture builds, repairs and tests through the action', () => {
    expect(run.exitCode, run.log.slice(-6000)).toBe(0)
    expect(JSON.parse(run.outputs.wheels ?? '[]')).toEqual([
      expect.stringMatching(
        new RegExp(`/dwomp-0\\.1\\.0-${tag}-${tag}-manylinux_2_\\d+_${LINUX_ARCH}\\.whl$`)
      )
    ])
  })

  it('the checker passes the wheel, naming every check', () => {
    const r = checker('--wheelhouse', wheelhouse, '--os', 'linux', '--arch', LINUX_ARCH)
    expect(r.out).toMatch(new RegExp(`^ok {3}platform tag: manylinux_2_\\d+_${LINUX_ARCH} `, 'm'))
    expect(r.out).toMatch(/^ok {3}grafted OpenMP runtime \(libgomp\): dwomp\.libs\/libgomp-[0-9a-f]{8}\.so/m)
    expect(r.out).toMatch(/^ok {3}grafted libdwmath: dwomp\.libs\/libdwmath-[0-9a-f]{8}\.so/m)
    expect(r.out).toContain('ok   installs in a new venv: yes')
    expect(r.out).toContain('ok   computes add: 5 (expected 5)')
    expect(r.out).toContain('ok   computes psum: 5000050000 (expected 5000050000)')
    expect(r.out).toContain('ok   computes threads: 2 (expected 2)')
    expect(r.out).toMatch(/^ok {3}built with OpenMP: _OPENMP = 20\d{4}$/m)
    expect(r.out).toMatch(/: all checks passed\n$/)
    expect(r.status).toBe(0)
  })

  it('fails on a tag other than the one asked for', () => {
    const r = checker('--wheelhouse', wheelhouse, '--os', 'linux', '--arch', LINUX_ARCH, '--manylinux', '2_5')
    expect(r.out).toMatch(/^FAIL platform tag: manylinux_2_\d+_\w+ \(expected \^manylinux_2_5_/m)
    expect(r.out).toMatch(/1 check\(s\) failed\n$/)
    expect(r.status).toBe(1)
  })

  it('fails on a wheel whose OpenMP runtime was not grafted: the tag check passes, the import does not', () => {
    const stripped = path.join(root, 'stripped')
    fs.mkdirSync(stripped)
    const [wheel] = fs.readdirSync(wheelhouse).filter((f) => f.endsWith('.whl'))
    // Rewrite the wheel without dwomp.libs/libgomp-*: what a repair that missed the runtime would give.
    execFileSync(PYTHON, [
      '-c',
      [
        'import re, sys, zipfile',
        'src, dst = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2], "w")',
        'for i in src.infolist():',
        '    if not re.match(r"dwomp\\.libs/libgomp-", i.filename): dst.writestr(i, src.read(i))',
        'dst.close()'
      ].join('\n'),
      path.join(wheelhouse, wheel),
      path.join(stripped, wheel)
    ])
    const r = checker('--wheelhouse', stripped, '--os', 'linux', '--arch', LINUX_ARCH)
    expect(r.out).toMatch(/^ok {3}platform tag/m)
    expect(r.out).toMatch(/^FAIL grafted OpenMP runtime \(libgomp\): nothing matches/m)
    expect(r.out).toMatch(/^FAIL imports from an empty directory: .*libgomp-[0-9a-f]{8}\.so/ms)
    expect(r.status).toBe(1)
  })

  it('fails when there is no wheel for the running Python, listing what is there', () => {
    const other = path.join(root, 'other')
    fs.mkdirSync(other)
    fs.writeFileSync(path.join(other, 'dwomp-0.1.0-cp39-cp39-manylinux_2_28_x86_64.whl'), '')
    const r = checker('--wheelhouse', other, '--os', 'linux', '--arch', LINUX_ARCH)
    expect(r.out).toBe(`FAIL one ${tag} wheel in ${other}: dwomp-0.1.0-cp39-cp39-manylinux_2_28_x86_64.whl\n`)
    expect(r.status).toBe(1)
  })

  it('refuses an arch that does not exist on the OS, before looking at any wheel', () => {
    const r = checker('--wheelhouse', wheelhouse, '--os', 'windows', '--arch', 'x86_64')
    expect(r.out).toContain('--arch x86_64 is not one of x64, x86, arm64 for --os windows')
    expect(r.status).toBe(2)
  })
})
