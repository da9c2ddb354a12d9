/** The platform interface and the helpers the platform modules share. */
import type { Command } from '../exec.js'
import type { PlatformName } from '../host.js'

/** Where to look for a CPython interpreter. */
export interface PythonSearch {
  /** The minor version asked for, e.g. "3.11". */
  version: string
  /** The host architecture as wheel tags spell it. */
  arch: string
  env: Readonly<Record<string, string | undefined>>
  /** RUNNER_TOOL_CACHE (where actions/setup-python installs). */
  toolCache: string
  home: string
  /** Lists a directory's entries ([] when it does not exist): fs in the action, a fake in tests. */
  listDir: (dir: string) => string[]
}

/** One wheel to repair. */
export interface RepairRequest {
  /** The bin (Scripts) directory of the tools venv. */
  toolsBin: string
  wheel: string
  destDir: string
  arch: string
  /** Linux: the auditwheel --plat policy, e.g. manylinux_2_28_x86_64. */
  policy?: string
  /** The dependency prefix, when dependencies were built: its libraries must be found by the repair tool. */
  depsPrefix?: string
  /** The environment the repair starts from (PATH and library paths are extended, not replaced). */
  env: Readonly<Record<string, string | undefined>>
}

/** What differs by OS. Everything is pure: any platform can be planned (and unit-tested) on any host. */
export interface PlatformModule {
  name: PlatformName
  /** The packages of requirements/tools.txt installed in the tools venv (the repair tool and its helpers). */
  toolPackages: readonly string[]
  /** Interpreter paths that may hold the version, most preferred first; each is verified by running it. */
  pythonCandidates(search: PythonSearch): string[]
  /** How to provide a missing interpreter, for the error message. */
  pythonHint(version: string): string
  /** The bin (Scripts) directory of a venv. */
  venvBin(venv: string): string
  /** The python of a venv. */
  venvPython(venv: string): string
  /** Variables the wheel build needs on this platform; values already in `env` win. */
  buildEnv(arch: string, env: Readonly<Record<string, string | undefined>>): Record<string, string>
  /** The PEP 517 config settings, with the platform's own additions. */
  configSettings(settings: readonly string[]): string[]
  /** The repair command. */
  planRepair(req: RepairRequest): Command
  /** Library path variables so a program finds the dependency prefix's shared libraries. */
  libraryEnv(prefix: string, env: Readonly<Record<string, string | undefined>>): Record<string, string>
  /** A hint for a failure's output (e.g. the OpenMP runtime is missing), if one applies. */
  hint(output: string): string | undefined
}

/** Prepends directories to a PATH-like variable. */
export function prependPath(dirs: string[], current: string | undefined, delimiter: string): string {
  return [...dirs, ...(current ? [current] : [])].join(delimiter)
}

/** The arch directory of actions/setup-python's tool cache layout. */
export function toolCacheArch(arch: string): string {
  return /^(aarch64|arm64)$/i.test(arch) ? 'arm64' : /^(x86|i686|win32)$/i.test(arch) ? 'x86' : 'x64'
}

/** The entries of `dir` that are patch releases of `version` (3.11 → 3.11.9, 3.11.10), newest first. */
export function patchDirs(entries: string[], version: string): string[] {
  const re = new RegExp(`^${version.replace('.', '\\.')}\\.(\\d+)$`)
  return entries
    .map((e) => ({ e, m: re.exec(e) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]))
    .map((x) => x.e)
}

/** Adds a config setting unless its key is already given (the user's value wins). */
export function withSetting(settings: readonly string[], extra: string): string[] {
  return settings.some((s) => s === extra) ? [...settings] : [...settings, extra]
}
