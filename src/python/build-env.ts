/**
 * A persistent build environment: one venv per interpreter and per set of the project's own build
 * requirements ([build-system] requires of its pyproject.toml), kept in the tool cache. The wheel is then
 * built with `python -m build --no-isolation` in it, so the compiler sees the same paths (numpy's headers,
 * Cython, meson) on every run: that is what lets ccache hit across runs, and the requirements are
 * installed once instead of on every build.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse } from 'smol-toml'
import { BuildError, messageOf } from '../errors.js'
import type { Runner } from '../exec.js'
import { applyEnv } from '../command.js'
import type { PlatformModule } from '../platforms/index.js'
import { shortHash } from '../util/hash.js'
import { planVenv, type VenvPlan } from './venv-plan.js'
import { ensureVenv, pipInstall, type ToolVenv, type UvTool } from './venvs.js'
import { removeTree } from '../util/remove.js'

/** The [build-system] table of a project. */
export interface BuildSystem {
  requires: string[]
  backend: string
}

/** PEP 517's fallback when a project has no [build-system] (build uses the same). */
export const LEGACY_BUILD_SYSTEM: BuildSystem = {
  requires: ['setuptools >= 40.8.0'],
  backend: 'setuptools.build_meta:__legacy__'
}

/** Reads [build-system] from `<srcDir>/pyproject.toml`; the legacy setuptools default when absent. */
export function readBuildSystem(srcDir: string): BuildSystem {
  const file = path.join(srcDir, 'pyproject.toml')
  if (!fs.existsSync(file)) return LEGACY_BUILD_SYSTEM
  let doc: Record<string, unknown>
  try {
    doc = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (err) {
    throw new BuildError(`${file} is not valid TOML: ${messageOf(err)}`, { cause: err })
  }
  const table = doc['build-system'] as { requires?: unknown; 'build-backend'?: unknown } | undefined
  if (!table) return LEGACY_BUILD_SYSTEM
  const requires = table.requires
  if (!Array.isArray(requires) || !requires.every((r) => typeof r === 'string')) {
    throw new BuildError(`${file}: [build-system] requires must be a list of strings.`)
  }
  const backend = typeof table['build-backend'] === 'string' ? table['build-backend'] : ''
  return { requires, backend: backend || LEGACY_BUILD_SYSTEM.backend }
}

/**
 * `[project] dependencies` of `<srcDir>/pyproject.toml` when they are static (PEP 621: not named in
 * `dynamic`); undefined when there is no such list, or the file cannot be read (the wheel's own install
 * then brings them).
 */
export function readProjectDependencies(srcDir: string): string[] | undefined {
  try {
    const doc = parse(fs.readFileSync(path.join(srcDir, 'pyproject.toml'), 'utf8')) as {
      project?: { dependencies?: unknown; dynamic?: unknown }
    }
    const deps = doc.project?.dependencies
    const dynamic = Array.isArray(doc.project?.dynamic) ? doc.project.dynamic : []
    if (dynamic.includes('dependencies') || !Array.isArray(deps)) return undefined
    return deps.every((d) => typeof d === 'string') ? deps : undefined
  } catch {
    return undefined
  }
}

/** Whether the backend is meson-python (which takes -Cbuild-dir). */
export const isMesonpy = (bs: BuildSystem): boolean => bs.backend.trim() === 'mesonpy'

/** What a build env was made for: the interpreter, the pinned tools and the requirements (order and spacing do not matter). */
export function buildEnvStamp(full: string, constraints: string, requires: readonly string[]): string {
  const reqs = [...new Set(requires.map((r) => r.replace(/\s+/g, '')))].sort().join('\n')
  return `Python ${full} ${shortHash('v4', constraints, reqs)}`
}

/** A build env older than this is made again, so unpinned requirements (numpy>=2) move forward. */
export const BUILD_ENV_MAX_AGE_MS = 7 * 24 * 3600 * 1000

/**
 * Asks the backend for its dynamic requirements (get_requires_for_build_wheel: e.g. meson-python asks for
 * ninja when the system has none) and prints those that are not met, as JSON.
 */
export const MISSING_REQUIREMENTS_SCRIPT = [
  'import json, sys',
  'import build',
  'srcdir, settings = sys.argv[1], json.loads(sys.argv[2])',
  'b = build.ProjectBuilder(srcdir)',
  "reqs = set(b.build_system_requires) | set(b.get_requires_for_build('wheel', settings or None))",
  'missing = sorted({chain[0] for r in reqs for chain in build.check_dependency(r)})',
  'print(json.dumps(missing))'
].join('\n')

/** key=value settings as the dict build passes to the backend (repeated keys become lists). */
export function settingsDict(settings: readonly string[]): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {}
  for (const s of settings) {
    const i = s.indexOf('=')
    const [k, v] = i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)]
    const prev = out[k]
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return out
}

/** What the build env's commands are planned from (facts of the run: the interpreter's version, the checkout). */
export interface BuildEnvPlanRequest {
  /** The target interpreter's full version (the reuse stamp's). */
  full: string
  /** The env's directory (the plan's). */
  dir: string
  /** requirements/tools.txt: pins `build` itself. */
  constraints: string
  /** The project's [build-system]: installed into the env for a build without isolation; undefined: `build` only. */
  buildSystem?: BuildSystem
  /** pip's cache directory. */
  pipCache: string
  /** uv planned: its form first, pip's beside it. */
  uv?: { exe: string; cacheDir: string }
}

export interface BuildEnvRequest {
  /** The env's planned commands (planBuildEnv, through resolveInterpreter). */
  venv: VenvPlan
  /** The target interpreter. */
  python: string
  srcDir: string
  /** The project's [build-system] (with it, the backend is asked for its dynamic requirements). */
  buildSystem?: BuildSystem
  configSettings: readonly string[]
  /** pip's cache directory. */
  pipCache: string
  /** uv, when it runs on the target: it makes and fills the env. */
  uv?: UvTool
  /** Test seam: the clock. */
  now?: number
}

/** The build env's commands: `build` with the constraints, then the project's requirements (--upgrade). */
export function planBuildEnv(mod: PlatformModule, req: BuildEnvPlanRequest): VenvPlan {
  const requires = req.buildSystem?.requires ?? []
  const venv = {
    label: `build env of Python ${req.full}`,
    dir: req.dir,
    packages: ['build'],
    constraints: req.constraints,
    extra: requires,
    env: { PIP_CACHE_DIR: req.pipCache },
    stamp: buildEnvStamp(req.full, req.constraints, req.buildSystem ? requires : ['(isolated)'])
  }
  return planVenv(mod, venv, req.uv)
}

/**
 * Makes (or reuses) the build env: `build` (pinned) and, for a build without isolation, the project's own
 * build requirements plus any dynamic requirement the backend asks for.
 */
export async function ensureBuildEnv(
  runner: Runner,
  mod: PlatformModule,
  req: BuildEnvRequest
): Promise<ToolVenv> {
  const planned = req.venv
  const marker = planned.marker
  if (fs.existsSync(marker) && (req.now ?? Date.now()) - fs.statSync(marker).mtimeMs > BUILD_ENV_MAX_AGE_MS) {
    core.info(
      `The build env at ${planned.dir} is over a week old: making it again with the newest requirements`
    )
    removeTree(planned.dir)
  }
  const pipEnv = { PIP_CACHE_DIR: req.pipCache }
  const venv = await ensureVenv(runner, mod, planned, { python: req.python }, req.uv)
  if (!req.buildSystem) return venv
  const query = await runner.run(
    {
      command: venv.python,
      args: ['-c', MISSING_REQUIREMENTS_SCRIPT, req.srcDir, JSON.stringify(settingsDict(req.configSettings))],
      cwd: req.srcDir,
      env: {
        ...pipEnv,
        ...applyEnv({ prepend: { PATH: [venv.bin] }, set: { VIRTUAL_ENV: venv.dir } }, runner.env, mod)
      }
    },
    { silent: true, allowFailure: true }
  )
  let missing: string[] = []
  try {
    missing = query.exitCode === 0 ? (JSON.parse(query.stdout.trim().split('\n').pop()!) as string[]) : []
  } catch {
    missing = []
  }
  if (query.exitCode !== 0) {
    // build's own check (--no-isolation) reports what is missing; say why we could not ask first.
    core.warning(
      `Could not ask the build backend for its requirements: ${query.tail.trim().split('\n').pop()}`
    )
  }
  if (missing.length) {
    const pip = { base: req.python, python: venv.python, bin: venv.bin, env: pipEnv, uv: req.uv }
    await pipInstall(runner, pip, missing, `the build env (the backend asks for ${missing.join(', ')})`)
  }
  return venv
}
