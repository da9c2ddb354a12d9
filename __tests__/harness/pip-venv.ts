/**
 * Installs a package the way a user would, from a test server's simple index, into a clean venv.
 *
 * Step 1 is the summary's install line (`pip install --pre --index-url <index> <pkg>`) with --no-deps, run
 * with pip isolated from this machine's configuration (no PIP_* variables, PIP_CONFIG_FILE=/dev/null, no
 * cache): the package can only come from the test server. Step 2 asks pip, configured as the machine
 * configures it (its default index), for `<pkg>==<version>`: the installed package satisfies it, so only
 * its dependencies are downloaded. Async throughout: the test server runs in the test's own process.
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface Proc {
  code: number
  output: string
}

export function exec(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}
): Promise<Proc> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { env: opts.env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 900_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ code, output: `${stdout}${stderr}` })
      }
    )
  })
}

/** The environment without anything that points Python or pip somewhere else. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PYTHON|VIRTUAL_ENV|CONDA_|BINSTAR_|ANACONDA_)/.test(k)) env[k] = v
  }
  return env
}

/** pip with no configuration at all: only what its command line says. */
export function isolatedPipEnv(): NodeJS.ProcessEnv {
  const env = baseEnv()
  for (const k of Object.keys(env)) if (k.startsWith('PIP_')) delete env[k]
  return { ...env, PIP_CONFIG_FILE: os.devNull, PIP_NO_CACHE_DIR: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' }
}

export interface IndexInstall {
  venv: string
  /** The venv's python. */
  python: string
  /** Step 1: the package alone, from the index. */
  install: Proc
  /** Step 2: its dependencies, from pip's configured default index. */
  deps: Proc
}

/**
 * A fresh venv in `dir` (made by `python`, default python3.11) with `pkg` from `index` and its dependencies.
 * Throws with pip's output when a step fails.
 */
export async function installFromIndex(opts: {
  dir: string
  index: string
  pkg: string
  /** The version step 1 must have installed (step 2 pins it, so it cannot be replaced). */
  version: string
  python?: string
}): Promise<IndexInstall> {
  fs.mkdirSync(opts.dir, { recursive: true })
  const venv = fs.mkdtempSync(path.join(opts.dir, 'venv-'))
  const made = await exec(opts.python ?? 'python3.11', ['-m', 'venv', venv], { env: baseEnv() })
  if (made.code !== 0) throw new Error(`python -m venv ${venv} failed:\n${made.output}`)
  const python = path.join(venv, 'bin', 'python')
  const install = await exec(
    python,
    ['-m', 'pip', 'install', '--pre', '--no-deps', '--index-url', opts.index, opts.pkg],
    { env: isolatedPipEnv(), cwd: opts.dir }
  )
  if (install.code !== 0) throw new Error(`pip install from ${opts.index} failed:\n${install.output}`)
  // --no-compile: the dependencies' bytecode is not needed to show that they resolve and import.
  const deps = await exec(python, ['-m', 'pip', 'install', '--no-compile', `${opts.pkg}==${opts.version}`], {
    env: { ...baseEnv(), PIP_DISABLE_PIP_VERSION_CHECK: '1' },
    cwd: opts.dir
  })
  if (deps.code !== 0) throw new Error(`pip install of ${opts.pkg}'s dependencies failed:\n${deps.output}`)
  return { venv, python, install, deps }
}

/** Runs Python code with the venv's python from an empty directory (never the source tree). */
export async function runPython(
  venvPython: string,
  code: string,
  env: NodeJS.ProcessEnv = {}
): Promise<Proc> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-empty-'))
  try {
    return await exec(venvPython, ['-c', code], { env: { ...baseEnv(), MPLBACKEND: 'Agg', ...env }, cwd })
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true })
  }
}
