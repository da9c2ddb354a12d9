/**
 * The persistent build env (the project's own [build-system] requires, installed once per interpreter and
 * requirement set) and the build argv it leads to: --no-isolation, and -Cbuild-dir for meson-python.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { materialize } from '../../src/command.js'
import { platformModule } from '../../src/platforms/index.js'
import {
  BUILD_ENV_MAX_AGE_MS,
  buildEnvStamp,
  ensureBuildEnv,
  isMesonpy,
  LEGACY_BUILD_SYSTEM,
  planBuildEnv,
  readBuildSystem,
  settingsDict,
  type BuildEnvRequest
} from '../../src/python/build-env.js'
import { FakeRunner } from './recording-runner.js'

const linux = platformModule('linux')
const made: string[] = []
const tmp = (): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-benv-'))
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

const DIPY_PYPROJECT = `[build-system]
build-backend = "mesonpy"
requires = [
    "meson-python>=0.13.1",
    "Cython>=3.0.4",
    "packaging>21.0",
    "wheel",
    "numpy>=2.0.0rc1",
    "scipy>=1.8",
]

[project]
name = "dipy"
version = "1.12.1"
`

function project(pyproject?: string): string {
  const dir = tmp()
  if (pyproject !== undefined) fs.writeFileSync(path.join(dir, 'pyproject.toml'), pyproject)
  return dir
}

describe('the build system of a project', () => {
  it('reads [build-system] requires and the backend; meson-python is recognised', () => {
    const bs = readBuildSystem(project(DIPY_PYPROJECT))
    expect(bs.backend).toBe('mesonpy')
    expect(bs.requires).toContain('numpy>=2.0.0rc1')
    expect(isMesonpy(bs)).toBe(true)
  })

  it('falls back to PEP 517’s setuptools default without pyproject.toml or [build-system]', () => {
    expect(readBuildSystem(project())).toEqual(LEGACY_BUILD_SYSTEM)
    expect(readBuildSystem(project('[project]\nname = "x"\n'))).toEqual(LEGACY_BUILD_SYSTEM)
    expect(isMesonpy(LEGACY_BUILD_SYSTEM)).toBe(false)
  })

  it('refuses a requires that is not a list of strings', () => {
    expect(() => readBuildSystem(project('[build-system]\nrequires = "numpy"\n'))).toThrow(/list of strings/)
  })

  it('stamps the env with the interpreter and requirement set, not their order or spacing', () => {
    const a = buildEnvStamp('3.11.7', 'c', ['numpy >= 2', 'Cython'])
    expect(a).toMatch(/^Python 3\.11\.7 [0-9a-f]{16}$/)
    expect(buildEnvStamp('3.11.7', 'c', ['Cython', 'numpy>=2'])).toBe(a)
    expect(buildEnvStamp('3.11.7', 'c', ['Cython', 'numpy>=2.1'])).not.toBe(a)
    expect(buildEnvStamp('3.11.7', 'd', ['Cython', 'numpy>=2'])).not.toBe(a)
    expect(buildEnvStamp('3.11.8', 'c', ['Cython', 'numpy>=2'])).not.toBe(a)
  })

  it('passes config settings to the backend query as build does (repeated keys become lists)', () => {
    expect(settingsDict(['compile-args=-v', 'setup-args=-Da=1', 'setup-args=-Db=2'])).toEqual({
      'compile-args': '-v',
      'setup-args': ['-Da=1', '-Db=2']
    })
  })
})

function request(srcDir: string, toolCache: string, extra: Partial<BuildEnvRequest> = {}): BuildEnvRequest {
  const buildSystem = readBuildSystem(srcDir)
  return {
    venv: planBuildEnv(linux, {
      full: '3.11.7',
      dir: path.join(toolCache, 'dipy-wheels-buildenv', 'env-py3.11'),
      constraints: 'build==1.6.1\n',
      buildSystem,
      pipCache: '/tc/dipy-wheels-pip'
    }),
    python: '/usr/bin/python3.11',
    srcDir,
    buildSystem,
    configSettings: ['compile-args=-v'],
    pipCache: '/tc/dipy-wheels-pip',
    ...extra
  }
}

/** A runner that makes venv directories and answers the backend query with `missing`. */
function venvRunner(missing: string[] = []): FakeRunner {
  return new FakeRunner((cmd) => {
    if (cmd.args[0] === '-m' && cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
    if (cmd.args[0] === '-c' && cmd.args[1].includes('get_requires_for_build')) {
      return { stdout: `${JSON.stringify(missing)}\n` }
    }
    return undefined
  })
}

describe('the persistent build env', () => {
  it('installs pinned build, then the project’s own requirements unpinned, then what the backend asks for', async () => {
    const src = project(DIPY_PYPROJECT)
    const tc = tmp()
    const runner = venvRunner(['ninja>=1.8.2'])
    const venv = await ensureBuildEnv(runner, linux, request(src, tc))
    expect(venv).toEqual({
      dir: `${tc}/dipy-wheels-buildenv/env-py3.11`,
      bin: `${tc}/dipy-wheels-buildenv/env-py3.11/bin`,
      python: `${tc}/dipy-wheels-buildenv/env-py3.11/bin/python`,
      reused: false
    })
    expect(fs.readFileSync(`${tc}/dipy-wheels-buildenv/env-py3.11/constraints.txt`, 'utf8')).toBe(
      'build==1.6.1\n'
    )
    const lines = runner.lines()
    // A venv without pip of its own: the interpreter's pip installs into it (--python).
    const pip = `/usr/bin/python3.11 -m pip --python ${venv.python} install --disable-pip-version-check --no-input`
    expect(lines[0]).toBe(`/usr/bin/python3.11 -m venv ${venv.dir} --without-pip`)
    expect(lines[1]).toBe(`${pip} -c ${venv.dir}/constraints.txt build`)
    expect(lines[2]).toBe(
      `${pip} --upgrade 'meson-python>=0.13.1' 'Cython>=3.0.4' 'packaging>21.0' wheel 'numpy>=2.0.0rc1' 'scipy>=1.8'`
    )
    expect(lines[3]).toMatch(new RegExp(`^${venv.python} -c .* ${src} '\\{"compile-args":"-v"\\}'$`, 's'))
    expect(lines[4]).toBe(`${pip} 'ninja>=1.8.2'`)
    // pip's cache reaches every install; the query sees the env's scripts first on PATH.
    expect(runner.calls.slice(0, 3).every((c) => c.env?.PIP_CACHE_DIR === '/tc/dipy-wheels-pip')).toBe(true)
    expect(runner.calls[3].env).toEqual({
      PIP_CACHE_DIR: '/tc/dipy-wheels-pip',
      PATH: `${tc}/dipy-wheels-buildenv/env-py3.11/bin:/usr/bin:/bin`,
      VIRTUAL_ENV: `${tc}/dipy-wheels-buildenv/env-py3.11`
    })
  })

  it('falls back to a pip of the venv’s own when the interpreter’s pip cannot install into it', async () => {
    const src = project(DIPY_PYPROJECT)
    const runner = new FakeRunner((cmd) => {
      if (cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
      if (cmd.args.includes('--python'))
        return { exitCode: 1, stderr: '/usr/bin/python3.11: No module named pip' }
      return cmd.args[0] === '-c' ? { stdout: '[]' } : undefined
    })
    const venv = await ensureBuildEnv(runner, linux, request(src, tmp()))
    expect(runner.lines().slice(1, 4)).toEqual([
      `/usr/bin/python3.11 -m pip --python ${venv.python} install --disable-pip-version-check --no-input -c ${venv.dir}/constraints.txt build`,
      `${venv.python} -m ensurepip --default-pip`,
      `${venv.python} -m pip install --disable-pip-version-check --no-input -c ${venv.dir}/constraints.txt build`
    ])
  })

  it('is reused on the next run (only the query runs), and made again once it is a week old', async () => {
    const src = project(DIPY_PYPROJECT)
    const tc = tmp()
    await ensureBuildEnv(venvRunner(), linux, request(src, tc))
    const again = venvRunner()
    const venv = await ensureBuildEnv(again, linux, request(src, tc))
    expect(venv.reused).toBe(true)
    expect(again.lines().map((l) => l.split(' ').slice(1, 3).join(' '))).toEqual(['-c pass', "-c 'import"])
    const later = venvRunner()
    const old = await ensureBuildEnv(
      later,
      linux,
      request(src, tc, { now: Date.now() + BUILD_ENV_MAX_AGE_MS + 1 })
    )
    expect(old.reused).toBe(false)
    expect(later.lines()[0]).toMatch(/-m venv/)
  })
})

describe('the build command', () => {
  const base = {
    srcDir: '/ws/dipy',
    outDir: '/tmp/dw/py3.11/dist',
    configSettings: ['compile-args=-v'],
    noIsolation: false,
    buildEnv: '/tc/env'
  }

  it('isolated by default (compiler-cache off), with the build env first on PATH', () => {
    expect(linux.planBuild(base)).toEqual({
      command: { slot: 'buildPython' },
      args: ['-m', 'build', '--wheel', '--outdir', '/tmp/dw/py3.11/dist', '-Ccompile-args=-v', '/ws/dipy'],
      cwd: '/ws/dipy',
      env: { prepend: { PATH: ['/tc/env/bin'] }, set: { VIRTUAL_ENV: '/tc/env' } }
    })
  })

  it('in the build env with --no-isolation; the platform variables are kept', () => {
    const cmd = linux.planBuild({ ...base, noIsolation: true, env: { set: { PIP_CACHE_DIR: '/p' } } })
    expect(cmd.args).toEqual([
      '-m',
      'build',
      '--wheel',
      '--no-isolation',
      '--outdir',
      '/tmp/dw/py3.11/dist',
      '-Ccompile-args=-v',
      '/ws/dipy'
    ])
    expect(cmd.env).toEqual({
      prepend: { PATH: ['/tc/env/bin'] },
      set: { PIP_CACHE_DIR: '/p', VIRTUAL_ENV: '/tc/env' }
    })
    expect(
      materialize(cmd, { buildPython: '/tc/env/bin/python' }, { PATH: '/usr/bin', HOME: '/h' }, linux)
    ).toEqual({
      command: '/tc/env/bin/python',
      args: cmd.args,
      cwd: '/ws/dipy',
      env: { PATH: '/tc/env/bin:/usr/bin', PIP_CACHE_DIR: '/p', VIRTUAL_ENV: '/tc/env' }
    })
  })

  it("on Windows: the env's Scripts first on the runner's own Path", () => {
    const windows = platformModule('windows')
    const cmd = windows.planBuild({
      ...base,
      srcDir: 'D:\\ws\\dipy',
      outDir: 'D:\\t\\dist',
      buildEnv: 'C:\\e'
    })
    const run = materialize(
      cmd,
      { buildPython: 'C:\\e\\Scripts\\python.exe' },
      { Path: 'C:\\Windows' },
      windows
    )
    expect(run.env).toEqual({ Path: 'C:\\e\\Scripts;C:\\Windows', VIRTUAL_ENV: 'C:\\e' })
  })
})
