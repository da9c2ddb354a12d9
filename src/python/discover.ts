import * as core from '@actions/core'
import * as fs from 'node:fs'
import { BuildError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'

/** A verified interpreter. */
export interface FoundPython {
  /** The minor version asked for, e.g. "3.11". */
  version: string
  /** Its full version, e.g. "3.11.7". */
  full: string
  path: string
}

/** How to find one version (the plan's InterpreterPlan). */
export interface InterpreterSearch {
  /** Fixed paths to try (a container image's). */
  candidates?: string[]
  /** A search of the tool cache, PATH and pyenv of the runner. */
  search?: { toolCache: string; home: string; arch: string }
  hint: string
}

/** Lists a directory; [] when it cannot be read. */
export function listDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

const PROBE = 'import sys, platform; print(sys.version_info[:2]); print(platform.python_version())'

/** Runs a candidate and returns its full version when it is the minor version asked for. */
export async function probePython(
  runner: Runner,
  candidate: string,
  version: string
): Promise<string | undefined> {
  let out
  try {
    out = await runner.run({ command: candidate, args: ['-c', PROBE] }, { silent: true, allowFailure: true })
  } catch {
    return undefined
  }
  if (out.exitCode !== 0) return undefined
  const [pair, full] = out.stdout.trim().split(/\r?\n/)
  const [major, minor] = version.split('.')
  return pair?.trim() === `(${major}, ${minor})` && full ? full.trim() : undefined
}

/**
 * Finds the interpreter of a CPython minor version: the plan's fixed candidates (a manylinux image's
 * /opt/python), or the platform's search (tool cache, PATH, pyenv, ...); the first candidate that runs
 * and reports the right version wins.
 */
export async function findPython(
  runner: Runner,
  mod: PlatformModule,
  version: string,
  how: InterpreterSearch,
  list: (dir: string) => string[] = listDir
): Promise<FoundPython> {
  const candidates = [
    ...new Set([
      ...(how.candidates ?? []),
      ...(how.search ? mod.pythonCandidates({ ...how.search, version, env: runner.env, listDir: list }) : [])
    ])
  ]
  const rejected: string[] = []
  for (const candidate of candidates) {
    const full = await probePython(runner, candidate, version)
    if (full) {
      core.info(`Python ${version}: ${candidate} (${full})`)
      return { version, full, path: candidate }
    }
    rejected.push(candidate)
  }
  const tried = rejected.length
    ? ` Tried (none runs as ${version}): ${rejected.join(', ')}.`
    : ' No candidate was found in the tool cache, on PATH or under pyenv.'
  throw new BuildError(`Python ${version} was not found.${tried} To provide it, ${how.hint}.`)
}
