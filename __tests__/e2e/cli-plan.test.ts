/**
 * `dist/cli.js plan`: the whole plan of another runner, printed from this Linux machine through the bundle,
 * in that runner's own paths. Nothing runs: no clone, no directory in the workspace.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { DIST_DIR, NODES } from '../harness/action.js'
import { sha16, SMOKE_TEST, TOOLS_TXT, UV_TXT } from '../harness/plan-fixtures.js'

const exec = promisify(execFile)
const made: string[] = []
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

async function plan(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ws: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cli-plan-'))
  made.push(root)
  const ws = path.join(root, 'ws')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    RUNNER_TEMP: path.join(root, 'temp')
  }
  try {
    const r = await exec(NODES[0].path, [path.join(DIST_DIR, 'cli.js'), 'plan', '--workspace', ws, ...args], {
      env
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr, ws }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, ws }
  }
}

describe('dist/cli.js plan', () => {
  it('--os windows --architecture x64: the Windows runner’s plan, every path a Windows path', async () => {
    const r = await plan(['--os', 'windows', '--architecture', 'x64', '--build-commit', '1.12.1'])
    expect(r.code, r.stderr).toBe(0)
    const tc = 'C:\\hostedtoolcache\\windows'
    const tools = `${tc}\\dipy-wheels-tools\\${sha16(TOOLS_TXT, 'windows-AMD64')}`
    const env = `${tc}\\dipy-wheels-buildenv\\${sha16('windows-AMD64', TOOLS_TXT)}-py3.12`
    const src = 'D:\\a\\dipy-wheels\\dipy-wheels\\dipy'
    const t = 'D:\\a\\_temp\\dipy-wheels\\py3.12'
    const venv = `${t}\\test\\venv`
    const build = (settings: string): string =>
      // sccache from the tools venv's Scripts, after the build env's, and its variables (the compiler cache).
      `(in ${src}) PATH='${env}\\Scripts;${tools}\\Scripts;$PATH' SCCACHE_DIR=${tc}\\dipy-wheels-ccache ` +
      'SCCACHE_CACHE_SIZE=1G SCCACHE_IDLE_TIMEOUT=0 ' +
      `PIP_CACHE_DIR=${tc}\\dipy-wheels-pip VIRTUAL_ENV=${env} ` +
      `<buildPython> -m build --wheel --no-isolation --outdir ${t}\\dist ${settings ? `${settings} ` : ''}${src}`
    const sccache = `SCCACHE_DIR=${tc}\\dipy-wheels-ccache SCCACHE_CACHE_SIZE=1G SCCACHE_IDLE_TIMEOUT=0`
    const meson = `-Cbuild-dir=${src}\\.dipy-wheels-build\\py3.12 -Csetup-args=--native-file=${src}\\.dipy-wheels-build\\py3.12-cython.ini`
    const testEnv =
      `PATH='${venv}\\Scripts;$PATH' VIRTUAL_ENV=${venv} MPLBACKEND=Agg PIP_CACHE_DIR=${tc}\\dipy-wheels-pip ` +
      '-u PYTHONPATH -u PYTHONHOME'
    // uv makes and fills the test venv by default: its variables on each uv command.
    const uvDir = `${tc}\\dipy-wheels-uv\\${sha16(UV_TXT, 'windows-AMD64')}`
    const uv = `${uvDir}\\Scripts\\uv.exe`
    const uvVars = `UV_SYSTEM_CERTS=1 UV_NATIVE_TLS=1 UV_NO_CONFIG=1 UV_INDEX_STRATEGY=unsafe-best-match UV_CACHE_DIR=${tc}\\dipy-wheels-uv-cache`
    const pipEnv = `PIP_CACHE_DIR=${tc}\\dipy-wheels-pip`
    // A planned venv: its reuse check, then pip's commands (venv without pip, the interpreter's pip with
    // --python, else the venv's own pip), after uv's when uv fills it.
    // `optional`: installed last and allowed to fail (the compiler cache's tool off Linux), named in the stamp.
    const venvLines = (dir: string, pkgs: string, uvForm: boolean, optional = ''): string[] => {
      const py = `${dir}\\Scripts\\python.exe`
      const c = `-c ${dir}\\constraints.txt ${pkgs}`
      const o = `-c ${dir}\\constraints.txt ${optional}`
      const how = uvForm ? 'with pip, ' : ''
      const opt = (line: string): string[] => (optional ? [line] : [])
      return [
        `  reused when ${dir}\\.complete reads ${JSON.stringify(optional ? `with ${optional}` : '')} and this runs: ${py} -c pass`,
        ...(uvForm
          ? [
              `  make:    ${pipEnv} ${uvVars} ${uv} venv --python <python> ${dir}`,
              `  install: ${pipEnv} ${uvVars} ${uv} pip install --python ${py} ${c}`,
              ...opt(`  then, allowed to fail: ${pipEnv} ${uvVars} ${uv} pip install --python ${py} ${o}`)
            ]
          : []),
        `  ${how}make:    ${pipEnv} <python> -m venv ${dir} --without-pip`,
        `  ${how}install: ${pipEnv} <python> -m pip --python ${py} install --disable-pip-version-check --no-input ${c}`,
        ...opt(
          `  ${how}then, allowed to fail: ${pipEnv} <python> -m pip --python ${py} install --disable-pip-version-check --no-input ${o}`
        ),
        `  ${how}if the interpreter's pip cannot install into it: ${pipEnv} ${py} -m ensurepip --default-pip`,
        `  ${how}then:    ${pipEnv} ${py} -m pip install --disable-pip-version-check --no-input ${c}`,
        ...opt(
          `  ${how}then, allowed to fail: ${pipEnv} ${py} -m pip install --disable-pip-version-check --no-input ${o}`
        )
      ]
    }
    // The build env's commands: the interpreter's version and the checkout's requires are found by the run
    // (placeholders here); uv's form, then pip's; then the backend's own requirements.
    const bpy = `${env}\\Scripts\\python.exe`
    const reqs = `--upgrade '<the checkout'\\''s [build-system] requires>'`
    const pipFlags = '--disable-pip-version-check --no-input'
    const buildEnvLines = [
      `    reused when ${env}\\.complete reads "Python <Python 3.12.x found> <hash of tools.txt and the requires>" ` +
        `and this runs: ${bpy} -c pass`,
      `    make:    ${pipEnv} ${uvVars} ${uv} venv --python <python> ${env}`,
      `    install: ${pipEnv} ${uvVars} ${uv} pip install --python ${bpy} -c ${env}\\constraints.txt build`,
      `    install: ${pipEnv} ${uvVars} ${uv} pip install --python ${bpy} ${reqs}`,
      `    with pip, make:    ${pipEnv} <python> -m venv ${env} --without-pip`,
      `    with pip, install: ${pipEnv} <python> -m pip --python ${bpy} install ${pipFlags} -c ${env}\\constraints.txt build`,
      `    with pip, install: ${pipEnv} <python> -m pip --python ${bpy} install ${pipFlags} ${reqs}`,
      `    with pip, if the interpreter's pip cannot install into it: ${pipEnv} ${bpy} -m ensurepip --default-pip`,
      `    with pip, then:    ${pipEnv} ${bpy} -m pip install ${pipFlags} -c ${env}\\constraints.txt build`,
      `    with pip, then:    ${pipEnv} ${bpy} -m pip install ${pipFlags} ${reqs}`,
      '    then what the backend asks for (get_requires_for_build_wheel) and the env lacks, installed'
    ]
    expect(r.stdout).toBe(
      [
        'Target: windows AMD64; runs up to: publish',
        'Executor: this runner (windows-AMD64)',
        `Checkout: https://github.com/dipy/dipy.git at 1.12.1 (input) into ${src}`,
        'Dependencies: none',
        `Compiler cache: sccache (pip-installed into the tools venv when not on PATH); pip cache ${tc}\\dipy-wheels-pip`,
        `  sccache counters (before and after each build): ${sccache} <ccache> --show-stats --stats-format json`,
        `  sccache before the save: ${sccache} <ccache> --stop-server`,
        "Build backend: read from the checkout's pyproject.toml before the build (meson-python has its own build commands)",
        `Tools venv: ${tools} (delvewheel, sccache==0.16.0)`,
        ...venvLines(tools, 'delvewheel', true, 'sccache==0.16.0'),
        `Venvs: made and filled by uv==0.13.8 (${uv}, cache ${tc}\\dipy-wheels-uv-cache); ` +
          "pip's configuration (pip config list, on the target) carried over to uv's variables at run time; " +
          'pip when uv does not run here or pip is configured in a way uv cannot follow',
        ...venvLines(uvDir, 'uv', false),
        'Windows: x64 (wheels win_amd64); MSVC: vcvarsall amd64 of the Visual Studio vswhere finds, loaded once ' +
          'for the recipes, build and test',
        "  MSVC find:    'C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe' -latest -prerelease " +
          "-products '*' -requires Microsoft.VisualStudio.Component.VC.Tools.x86.x64 -property installationPath -utf8",
        "  MSVC capture: cmd.exe /d /c 'D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd' " +
          '(D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd calls vcvarsall.bat amd64)',
        '',
        'Python 3.12',
        '  find:      python.exe of x64 (tool cache, pythonLocation, PATH), run to check its version, bits and ' +
          'sysconfig platform',
        `  build env: ${env} (build + the project's [build-system] requires)`,
        ...buildEnvLines,
        `  build unless the backend is meson-python: ${build('')}`,
        `  build if the MSVC capture fails (meson's --vsenv): ${build('-Csetup-args=--vsenv')}`,
        `  build if the backend is meson-python: ${build(meson)}`,
        '  build if the backend is meson-python and the MSVC capture fails: ' +
          build(`${meson} -Csetup-args=--vsenv`),
        `  repair:    ${tools}\\Scripts\\delvewheel.exe repair -w ${t}\\repaired -v <wheel>`,
        // Off on Windows: delvewheel's names do not tell a DLL's content cheaply (on purpose, see the plan).
        "  reuse:     off: delvewheel's DLL names hash each DLL with the DLLs it loads, so checking a stored " +
          "wheel against the libraries' current content would redo the repair's search",
        `  test deps: (in ${t}\\test\\empty) ${testEnv.replace(' -u', ` ${uvVars} -u`)} ${uv} pip install ` +
          `--python ${venv}\\Scripts\\python.exe -r ${t}\\test\\early-requirements.txt (while the wheel compiles)`,
        `  test:      (in ${t}\\test\\empty) ${uvVars} -u PYTHONPATH -u PYTHONHOME ${uv} venv --seed --python <python> ${venv}`,
        `  test:      (in ${t}\\test\\empty) ${testEnv.replace(' -u', ` ${uvVars} -u`)} ${uv} pip install ` +
          `--python ${venv}\\Scripts\\python.exe <wheel>`,
        `  test:      (in ${t}\\test\\empty) ${testEnv} ${venv}\\Scripts\\python.exe -c '${SMOKE_TEST}'`,
        '',
        'Wheelhouse: D:\\a\\dipy-wheels\\dipy-wheels\\wheelhouse',
        'Artifact: none (the runner provides no artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL not set))',
        'Upload: none (a local run acts as workflow_dispatch, which uploads nothing unless told: set --upload nightly or staging to upload)',
        ''
      ].join('\n')
    )
    const windowsPaths = r.stdout.match(/[A-Z]:\\[^\s';]*/g) ?? []
    expect(windowsPaths.length).toBeGreaterThan(20)
    for (const p of windowsPaths) expect(p).not.toContain('/')
    // Nothing ran: no checkout in the workspace.
    expect(fs.existsSync(path.join(r.ws, 'dipy'))).toBe(false)
  })

  it("--verbose: the build command carries meson's compile-args=-v (the compiler's command lines)", async () => {
    const quiet = await plan(['--os', 'linux', '--build-commit', '1.12.1', '--json'])
    const loud = await plan(['--os', 'linux', '--build-commit', '1.12.1', '--json', '--verbose'])
    expect(quiet.code, quiet.stderr).toBe(0)
    expect(loud.code, loud.stderr).toBe(0)
    const of = (r: { stdout: string }) =>
      JSON.parse(r.stdout) as { compileCommandLines: boolean; pythons: Array<{ build: { args: string[] } }> }
    expect(of(quiet).compileCommandLines).toBe(false)
    expect(of(quiet).pythons[0].build.args).not.toContain('-Ccompile-args=-v')
    expect(of(loud).compileCommandLines).toBe(true)
    expect(of(loud).pythons[0].build.args).toContain('-Ccompile-args=-v')
  })

  it('--json: the plan as data, in the target’s path flavour', async () => {
    const r = await plan([
      '--os',
      'macos',
      '--architecture',
      'arm64',
      '--python-version',
      '3.13',
      '--build-commit',
      '1.12.1',
      '--json'
    ])
    expect(r.code, r.stderr).toBe(0)
    const p = JSON.parse(r.stdout) as {
      platform: string
      arch: string
      pythons: Array<{ version: string; build: { env: unknown }; repair: { command: string } }>
    }
    expect([p.platform, p.arch, p.pythons.map((py) => py.version)]).toEqual(['macos', 'arm64', ['3.13']])
    const env = `/Users/runner/hostedtoolcache/dipy-wheels-buildenv/${sha16('macos-arm64', TOOLS_TXT)}-py3.13`
    // ccache through the executor's symlink directory (sha16 of macos-arm64), paths relative to the checkout.
    const links = `/Users/runner/hostedtoolcache/dipy-wheels-ccache-bin/${sha16('macos-arm64')}`
    expect(p.pythons[0].build.env).toEqual({
      set: {
        CCACHE_DIR: '/Users/runner/hostedtoolcache/dipy-wheels-ccache',
        CCACHE_BASEDIR: '/Users/runner/work/dipy-wheels/dipy-wheels/dipy',
        CCACHE_NOHASHDIR: 'true',
        CCACHE_DEPEND: 'true',
        CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
        CCACHE_MAXSIZE: '1G',
        MACOSX_DEPLOYMENT_TARGET: '11.0',
        ARCHFLAGS: '-arch arm64',
        CMAKE_OSX_ARCHITECTURES: 'arm64',
        PIP_CACHE_DIR: '/Users/runner/hostedtoolcache/dipy-wheels-pip',
        VIRTUAL_ENV: env
      },
      prepend: { PATH: [`${env}/bin`, links] }
    })
    expect(p.pythons[0].repair.command).toBe(
      `/Users/runner/hostedtoolcache/dipy-wheels-tools/${sha16(TOOLS_TXT, 'macos-arm64')}/bin/delocate-wheel`
    )
  })

  it('refuses an unknown --os or --architecture with usage code 2, naming the flag', async () => {
    const os1 = await plan(['--os', 'solaris'])
    expect(os1.code).toBe(2)
    expect(os1.stderr).toContain('--os solaris: use linux, macos or windows.')
    const arch = await plan(['--os', 'linux', '--architecture', 'mips'])
    expect(arch.code).toBe(2)
    expect(arch.stderr).toContain('--architecture mips: use x64, arm64 or x86.')
  })
})
