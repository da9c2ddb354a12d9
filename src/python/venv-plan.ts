/**
 * A venv as planned commands (pure): the reuse check, the make, the installs, in pip's form and, when uv
 * is planned, uv's form with pip's beside it. The interpreter it is made from is the run's (the `python`
 * slot); everything else is known when the plan is made. python/venvs.ts runs them.
 */
import type { EnvChange, PlannedCommand, Word } from '../command.js'
import type { PlatformModule } from '../platforms/index.js'

export const COMPLETE_MARKER = '.complete'

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

/** The commands that make and fill a venv, in one tool's form. */
export interface VenvCommands {
  create: PlannedCommand
  /** In order: the packages with the constraints file (-c), then the extras (--upgrade, no constraints). */
  install: PlannedCommand[]
  /**
   * Installed last, with the constraints, and allowed to fail (the compiler cache off Linux: without it the
   * build goes on, with Homebrew's ccache or none); a venv whose optional install failed is not stamped, so
   * the next run makes it again.
   */
  optional?: PlannedCommand
  /**
   * pip's form: when the interpreter's pip cannot install into another environment (no pip, or one older
   * than --python), the venv gets its own pip (ensurepip) and that one runs the same installs.
   */
  ownPip?: { ensurepip: PlannedCommand; install: PlannedCommand[]; optional?: PlannedCommand }
}

export interface VenvPlan extends VenvCommands {
  /** What the log calls it ("tools venv"). */
  label: string
  dir: string
  bin: string
  /** The venv's interpreter. */
  python: string
  /** What is installed, for the log. */
  packages: string[]
  /** The reuse stamp: `.complete`, written last; its first line is `stamp` (a venv stamped otherwise is made again). */
  marker: string
  stamp: string
  /** Written before the installs (uv's form also names pip's configured constraint files in it). */
  constraints: { file: string; text: string }
  /** Reuse: a complete venv is reused when its interpreter still runs. */
  check: PlannedCommand
  /** With uv planned: the form above is uv's, this is pip's (uv does not run here, or pip's configuration). */
  pipFallback?: VenvCommands
}

export interface VenvRequest {
  label: string
  dir: string
  packages: readonly string[]
  /** requirements/tools.txt or uv.txt. */
  constraints: string
  /** Installed (upgraded) after the packages, without the constraints (a project's build requirements). */
  extra?: readonly string[]
  /** Installed last, with the constraints, allowed to fail (see VenvCommands.optional). */
  optional?: readonly string[]
  /** Variables of every command (PIP_CACHE_DIR). */
  env: Record<string, string>
  stamp?: string
}

const PYTHON: Word = { slot: 'python' }
const PIP_FLAGS = ['--disable-pip-version-check', '--no-input']

/** "installing build, numpy into the build env": the packages, less options and the constraints file. */
const installing = (args: readonly string[], label: string): string =>
  `installing ${args.filter((a) => !a.startsWith('-') && !a.includes('constraints')).join(', ')} into the ${label}`

/** The venv of `req` as commands; uv's form first when `uv` is given (its executable and cache). */
export function planVenv(
  mod: PlatformModule,
  req: VenvRequest,
  uv?: { exe: string; cacheDir: string }
): VenvPlan {
  const python = mod.venvPython(req.dir)
  const file = mod.paths.join(req.dir, 'constraints.txt')
  const batches = [['-c', file, ...req.packages], ...(req.extra?.length ? [['--upgrade', ...req.extra]] : [])]
  const optional = req.optional?.length ? ['-c', file, ...req.optional] : undefined
  const env: EnvChange = { set: { ...req.env } }
  /** One form's installs: each batch, then the optional one (allowed to fail). */
  const installs = (
    command: PlannedCommand['command'],
    head: string[],
    e: EnvChange
  ): Pick<VenvCommands, 'install' | 'optional'> => {
    const one = (a: string[]): PlannedCommand => ({
      command,
      args: [...head, ...a],
      env: e,
      what: installing(a, req.label)
    })
    return { install: batches.map(one), ...(optional ? { optional: one(optional) } : {}) }
  }
  const pip: VenvCommands = {
    // No pip of its own (ensurepip costs ~2.5 s a venv): the interpreter's pip installs into it.
    create: {
      command: PYTHON,
      args: ['-m', 'venv', req.dir, '--without-pip'],
      env,
      what: `making the ${req.label}`
    },
    ...installs(PYTHON, ['-m', 'pip', '--python', python, 'install', ...PIP_FLAGS], env),
    ownPip: {
      ensurepip: {
        command: python,
        args: ['-m', 'ensurepip', '--default-pip'],
        env,
        what: `giving the ${req.label} its own pip`
      },
      ...installs(python, ['-m', 'pip', 'install', ...PIP_FLAGS], env)
    }
  }
  const common = {
    label: req.label,
    dir: req.dir,
    bin: mod.venvBin(req.dir),
    python,
    packages: [...req.packages, ...(req.extra ?? []), ...(req.optional ?? [])],
    marker: mod.paths.join(req.dir, COMPLETE_MARKER),
    stamp: req.stamp ?? '',
    constraints: { file, text: req.constraints },
    check: { command: python, args: ['-c', 'pass'], what: `checking the ${req.label} runs` }
  }
  if (!uv) return { ...common, ...pip }
  const uvEnv: EnvChange = { set: { ...req.env, ...UV_ENV, UV_CACHE_DIR: uv.cacheDir } }
  return {
    ...common,
    create: {
      command: uv.exe,
      args: ['venv', '--python', PYTHON, req.dir],
      env: uvEnv,
      what: `making the ${req.label}`
    },
    ...installs(uv.exe, ['pip', 'install', '--python', python], uvEnv),
    pipFallback: pip
  }
}
