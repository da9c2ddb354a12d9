/**
 * uv for the venvs: the build env, the tools venv and the test venv are made (`uv venv`) and filled
 * (`uv pip install`, the same arguments, pins and constraints as pip's) by uv when it runs on the target,
 * by pip otherwise. uv itself is pinned (requirements/uv.txt) and installed from PyPI by pip into a venv
 * of its own in the tool cache, once per pin and executor; its download cache lives in the tool cache too.
 * The plan holds both forms of the test venv's commands: the uv ones it prints, and pip's for a target
 * where uv does not run (the run says so in a warning). uv is the default; DIPY_WHEELS_VENV_TOOL=pip asks
 * for pip. pip's own configuration is read on the target at run time and carried over to uv's variables
 * (python/pip-config.ts); a setting uv cannot take as pip does leaves the venvs to pip, with a notice.
 */
import * as core from '@actions/core'
import uvPin from '../../requirements/uv.txt'
import { mergeEnv, type PlannedCommand, type Word } from '../command.js'
import { InputError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { shortHash } from '../util/hash.js'
import { parsePipConfigList, uvFromPip, type UvFromPip } from './pip-config.js'
import { planVenv, type VenvPlan } from './venv-plan.js'
import { ensureVenv, UV_ENV, type UvTool } from './venvs.js'

export const UV_CONSTRAINTS: string = uvPin
export const UV_DIR_NAME = 'dipy-wheels-uv'
export const UV_CACHE_DIR_NAME = 'dipy-wheels-uv-cache'

/** The plan's uv: where its venv goes, its executable, its cache. */
export interface UvPlan {
  /** The pinned requirement (uv==X.Y.Z). */
  requirement: string
  dir: string
  exe: string
  /** UV_CACHE_DIR of every uv command. */
  cacheDir: string
  /** uv's own venv: made, and uv installed into it, by pip. */
  venv: VenvPlan
}

/** The pinned requirement of requirements/uv.txt. */
export function uvRequirement(text: string = UV_CONSTRAINTS): string {
  const line = text.split('\n').find((l) => /^uv==\S+$/.test(l.trim()))
  if (!line) throw new Error('requirements/uv.txt pins no uv==version')
  return line.trim()
}

export const VENV_TOOL_VAR = 'DIPY_WHEELS_VENV_TOOL'

/**
 * The plan's uv, or undefined when the run uses pip: uv unless DIPY_WHEELS_VENV_TOOL=pip (uv names the
 * default, for the benchmark's side-by-side measure); any other value is refused before anything runs.
 */
export function planUv(
  mod: PlatformModule,
  toolCache: string,
  envId: string,
  env: Readonly<Record<string, string | undefined>>,
  pipCache: string
): UvPlan | undefined {
  const tool = env[VENV_TOOL_VAR] ?? ''
  if (tool === 'pip') return undefined
  if (tool !== '' && tool !== 'uv') {
    throw new InputError(
      VENV_TOOL_VAR,
      `${JSON.stringify(tool)} is neither uv nor pip: unset it to make the venvs with uv (the default), or set it to pip.`
    )
  }
  const p = mod.paths
  const dir = p.join(toolCache, UV_DIR_NAME, shortHash(UV_CONSTRAINTS, envId))
  const exe = p.join(mod.venvBin(dir), p.sep === '\\' ? 'uv.exe' : 'uv')
  const requirement = uvRequirement()
  const venv = planVenv(mod, {
    label: `uv venv (${requirement})`,
    dir,
    packages: ['uv'],
    constraints: UV_CONSTRAINTS,
    env: { PIP_CACHE_DIR: pipCache }
  })
  return { requirement, dir, exe, cacheDir: p.join(toolCache, UV_CACHE_DIR_NAME), venv }
}

/** pip's flags that uv's pip interface does without (uv never asks, never checks its version, never compiles). */
const PIP_ONLY = new Set(['--disable-pip-version-check', '--no-input', '--no-compile'])

/** `pip install` arguments as `uv pip install` takes them (pins, constraints, -r, --upgrade kept). */
export const uvInstallArgs = <T extends Word>(args: readonly T[]): T[] =>
  args.filter((a) => typeof a !== 'string' || !PIP_ONLY.has(a))

/**
 * A planned command in its uv form: `<python> -m venv DIR` → `uv venv --seed --python <python> DIR` (pip
 * seeded, for a test command that calls it), `<python> -m pip install ARGS` → `uv pip install --python
 * <python> ARGS`; any other command as it is.
 */
export function toUv(cmd: PlannedCommand, uv: UvPlan): PlannedCommand {
  const [m, mod, sub, ...rest] = cmd.args
  const env = { ...cmd.env, set: { ...cmd.env?.set, ...UV_ENV, UV_CACHE_DIR: uv.cacheDir } }
  if (m === '-m' && mod === 'venv') {
    const dirs = [sub, ...rest].filter((a) => typeof a !== 'string' || !a.startsWith('-'))
    return { ...cmd, command: uv.exe, args: ['venv', '--seed', '--python', cmd.command, ...dirs], env }
  }
  if (m === '-m' && mod === 'pip' && sub === 'install') {
    return {
      ...cmd,
      command: uv.exe,
      args: ['pip', 'install', '--python', cmd.command, ...uvInstallArgs(rest)],
      env
    }
  }
  return cmd
}

/**
 * uv's executable, installed (or reused) in the tool cache and checked to run; undefined, with a warning,
 * when it cannot be installed or does not run on the target: pip then does the work.
 */
export async function ensureUv(
  runner: Runner,
  mod: PlatformModule,
  uv: UvPlan,
  python: string
): Promise<{ exe: string; version: string } | undefined> {
  try {
    await ensureVenv(runner, mod, uv.venv, { python })
    const r = await runner.run({ command: uv.exe, args: ['--version'] }, { silent: true, allowFailure: true })
    if (r.exitCode === 0) {
      return { exe: uv.exe, version: r.stdout.trim() }
    }
    core.warning(
      `${uv.requirement} does not run here (${r.tail.trim().split('\n').pop()}): pip makes the venvs.`
    )
  } catch (err) {
    core.warning(
      `${uv.requirement} could not be installed (${(err as Error).message.split('\n')[0]}): pip makes the venvs.`
    )
  }
  return undefined
}

/** The listing's variables: `pip config`'s own scope options off. */
const LISTING_ENV: Record<string, string> = { PIP_USER: '0', PIP_SITE: '0', PIP_GLOBAL: '0' }

/**
 * pip's configuration on the target as uv's variables: `pip config list` with the interpreter's pip, else
 * with the pip of uv's own venv (a base without pip); a string says why it could not be read.
 */
export async function pipConfigForUv(
  runner: Runner,
  mod: PlatformModule,
  pythons: readonly string[]
): Promise<UvFromPip | string> {
  let why = 'no interpreter to ask'
  // `pip config` has --user/--site/--global, which a setting of that name turns on: it would then list one
  // scope only. Turned off for the listing (and those lines left out); the target's own are pip install's.
  const scopes = Object.keys(LISTING_ENV)
  const own = scopes.filter((k) => runner.env[mod.envKey(runner.env, k)] !== undefined)
  for (const python of pythons) {
    // Silent: a value may hold credentials (an index URL's, a proxy's).
    const r = await runner
      .run(
        { command: python, args: ['-m', 'pip', 'config', 'list'], env: LISTING_ENV },
        { silent: true, allowFailure: true }
      )
      .catch((err: unknown) => ({ exitCode: -1, tail: (err as Error).message, stdout: '' }))
    if (r.exitCode !== 0) {
      why = r.tail.trim().split('\n').pop() ?? `exit code ${r.exitCode}`
      continue
    }
    try {
      const settings = parsePipConfigList(r.stdout).filter(
        (s) => !(s.section === ':env:' && scopes.includes(`PIP_${s.key.toUpperCase()}`))
      )
      const out = uvFromPip(settings, (p) => mod.paths.isAbsolute(p))
      return { ...out, unmappable: [...out.unmappable, ...own.map((k) => k.slice(4).toLowerCase())] }
    } catch (err) {
      return (err as Error).message
    }
  }
  return why
}

/**
 * uv's tool for a run: the plan's, installed and checked with the first interpreter, with pip's
 * configuration carried over; null for pip (none planned, uv does not run, or pip's configuration has a
 * setting uv cannot take as pip does: a notice names it).
 */
export async function uvTool(
  runner: Runner,
  mod: PlatformModule,
  plan: { uv?: UvPlan },
  python: string
): Promise<UvTool | null> {
  if (!plan.uv) return null
  const installed = await ensureUv(runner, mod, plan.uv, python)
  if (!installed) return null
  const { exe, version } = installed
  const pip = await pipConfigForUv(runner, mod, [python, mod.venvPython(plan.uv.dir)])
  if (typeof pip === 'string') {
    core.notice(`Could not read pip's configuration (${pip}): pip makes the venvs, as it reads its own.`)
    return null
  }
  if (pip.unmappable.length) {
    core.notice(
      `pip's configuration sets ${pip.unmappable.join(', ')}, which uv cannot take as pip does: pip makes the venvs.`
    )
    return null
  }
  core.info(`Venvs made and filled by ${version} (${exe})`)
  const carried = Object.keys(pip.env)
  if (carried.length) core.info(`pip's configuration carried over to uv: ${carried.sort().join(', ')}`)
  return { exe, cacheDir: plan.uv.cacheDir, env: pip.env, constraints: pip.constraints }
}

/** A planned command of uv's with pip's configuration (known at run time) added; any other as it is. */
export function withPipConfig(cmd: PlannedCommand, uv: UvTool): PlannedCommand {
  return cmd.command === uv.exe ? { ...cmd, env: mergeEnv(cmd.env, { set: uv.env }) } : cmd
}
