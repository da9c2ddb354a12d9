import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError } from '../errors.js'
import { formatCommand, type Command, type Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { removeTree } from '../util/remove.js'

/** A venv of pinned tools, kept in the tool cache. */
export interface ToolVenv {
  dir: string
  bin: string
  python: string
  /** True when an existing, complete venv was reused. */
  reused: boolean
}

export interface VenvRequest {
  /** The interpreter the venv is made from. */
  python: string
  dir: string
  /** Packages to install, each pinned by the constraints. */
  packages: readonly string[]
  /** The text of requirements/tools.txt. */
  constraints: string
  /** What the log calls it ("tools venv"). */
  label: string
  /** Packages installed (upgraded) after `packages`, without the constraints (the project's build requirements). */
  extra?: readonly string[]
  /** Variables for pip (e.g. PIP_CACHE_DIR). */
  env?: Record<string, string | undefined>
  /**
   * What the venv was made for (e.g. the interpreter's full version and a hash of its requirements): kept in
   * the .complete marker; a venv whose marker says otherwise is made again.
   */
  stamp?: string
  /** uv's executable and cache: it makes and fills the venv instead of venv and pip (python/uv.ts). */
  uv?: UvTool
}

/**
 * Every uv command's variables: the machine's certificate store, as pip uses (uv otherwise trusts only its
 * bundled roots, and a proxy's or company's own authority fails: UV_SYSTEM_CERTS, UV_NATIVE_TLS before);
 * no uv.toml or pyproject [tool.uv] of the user's or the checkout's (UV_NO_CONFIG: what is installed comes
 * from pip's configuration alone); and pip's choice among indexes: the best version on any of them (uv's
 * default stops at the first index that has the package).
 */
export const UV_ENV: Record<string, string> = {
  UV_SYSTEM_CERTS: '1',
  UV_NATIVE_TLS: '1',
  UV_NO_CONFIG: '1',
  UV_INDEX_STRATEGY: 'unsafe-best-match'
}

export interface UvTool {
  exe: string
  cacheDir: string
  /** pip's configuration on the target as uv's variables (python/pip-config.ts). */
  env: Record<string, string>
  /** pip's constraint files: named in a constraints file we give uv (uv reads UV_CONSTRAINT only without -c). */
  constraints: readonly string[]
}

/** The variables of a uv command: the caller's, uv's own, its cache, pip's configuration. */
export const uvEnv = (
  uv: UvTool,
  env?: Record<string, string | undefined>
): Record<string, string | undefined> => ({
  ...env,
  ...UV_ENV,
  UV_CACHE_DIR: uv.cacheDir,
  ...uv.env
})

export const COMPLETE_MARKER = '.complete'

/** Where pip installs: a venv, from its base interpreter's pip or (if it has one) its own. */
export interface VenvPip {
  base: string
  python: string
  bin: string
  env?: Record<string, string | undefined>
  /** uv installs instead of pip: `uv pip install --python <venv's python>`, the same arguments. */
  uv?: UvTool
}

const PIP_FLAGS = ['--disable-pip-version-check', '--no-input']

/**
 * `pip install` into a venv: its own pip when it has one, else the base interpreter's pip with --python
 * (pip >= 22.3). Without a usable base pip, the venv gets its own (ensurepip) and that one installs.
 */
export async function pipInstall(runner: Runner, v: VenvPip, args: string[], where: string): Promise<void> {
  const what = `installing ${args.filter((a) => !a.startsWith('-') && !a.includes('constraints')).join(', ')} into ${where}`
  if (v.uv) {
    await runner.run(
      { command: v.uv.exe, args: ['pip', 'install', '--python', v.python, ...args], env: uvEnv(v.uv, v.env) },
      { what }
    )
    return
  }
  const own = fs.existsSync(path.join(v.bin, 'pip')) || fs.existsSync(path.join(v.bin, 'pip.exe'))
  if (!own) {
    const cmd: Command = {
      command: v.base,
      args: ['-m', 'pip', '--python', v.python, 'install', ...PIP_FLAGS, ...args],
      env: v.env
    }
    const r = await runner.run(cmd, { allowFailure: true })
    if (r.exitCode === 0) return
    if (!/No module named pip|no such option: --python|--python option/i.test(r.stdout + r.stderr)) {
      throw new CommandError(formatCommand(cmd), r.exitCode, r.tail, what)
    }
    core.info(`${v.base} has no pip that can install into another environment: giving the venv its own pip`)
    await runner.run({ command: v.python, args: ['-m', 'ensurepip', '--default-pip'], env: v.env }, { what })
  }
  await runner.run(
    { command: v.python, args: ['-m', 'pip', 'install', ...PIP_FLAGS, ...args], env: v.env },
    { what }
  )
}

/** Makes (or reuses) a venv with pinned packages; `.complete` is written last, so a broken one is rebuilt. */
export async function ensureVenv(runner: Runner, mod: PlatformModule, req: VenvRequest): Promise<ToolVenv> {
  const bin = mod.venvBin(req.dir)
  const python = mod.venvPython(req.dir)
  const marker = path.join(req.dir, COMPLETE_MARKER)
  const stamp = req.stamp ?? ''
  const stale = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').split('\n')[0] !== stamp
  if (stale) core.info(`The ${req.label} at ${req.dir} was made for something else: making it again`)
  if (fs.existsSync(marker) && !stale) {
    const alive = await runner
      .run({ command: python, args: ['-c', 'pass'] }, { silent: true, allowFailure: true })
      .then((r) => r.exitCode === 0)
      .catch(() => false)
    if (alive) {
      core.info(`Reusing the ${req.label} at ${req.dir} (cache hit)`)
      return { dir: req.dir, bin, python, reused: true }
    }
    core.info(`The ${req.label} at ${req.dir} no longer runs: making it again`)
  }
  const all = [...req.packages, ...(req.extra ?? [])]
  await core.group(`Make the ${req.label} (${all.join(', ')})`, async () => {
    removeTree(req.dir)
    fs.mkdirSync(path.dirname(req.dir), { recursive: true })
    // No pip of its own (ensurepip costs ~2.5 s a venv): the interpreter's pip, or uv, installs into it.
    const make = req.uv
      ? {
          command: req.uv.exe,
          args: ['venv', '--python', req.python, req.dir],
          env: uvEnv(req.uv, req.env)
        }
      : { command: req.python, args: ['-m', 'venv', req.dir, '--without-pip'], env: req.env }
    await runner.run(make, { what: `making the ${req.label}` })
    const constraintsFile = path.join(req.dir, 'constraints.txt')
    // With uv, pip's configured constraint files are named in ours (nested -c): uv's -c replaces UV_CONSTRAINT.
    const nested = (req.uv?.constraints ?? []).map((c) => `-c ${c}\n`).join('')
    fs.writeFileSync(constraintsFile, nested ? `${req.constraints.trimEnd()}\n${nested}` : req.constraints)
    const pip = { base: req.python, python, bin, env: req.env, ...(req.uv ? { uv: req.uv } : {}) }
    await pipInstall(runner, pip, ['-c', constraintsFile, ...req.packages], `the ${req.label}`)
    // --upgrade: the newest versions that match, as an isolated build would get.
    if (req.extra?.length) await pipInstall(runner, pip, ['--upgrade', ...req.extra], `the ${req.label}`)
    fs.writeFileSync(marker, `${stamp}\n${new Date().toISOString()}\n`)
  })
  return { dir: req.dir, bin, python, reused: false }
}
