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
  /** A search of the tool cache, PATH and pyenv of the runner, for `arch` (Windows: x64, x86, arm64). */
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
  const probe = mod.interpreterProbe(version, how.search?.arch ?? '')
  const rejected: string[] = []
  for (const candidate of candidates) {
    let verdict: { full: string } | { reason: string } = { reason: 'it does not run' }
    try {
      const out = await runner.run(
        { command: candidate, args: probe.args },
        { silent: true, allowFailure: true }
      )
      if (out.exitCode === 0) verdict = probe.check(out.stdout)
    } catch {
      // Not runnable: rejected below.
    }
    if ('full' in verdict) {
      core.info(`Python ${version}: ${candidate} (${verdict.full})`)
      return { version, full: verdict.full, path: candidate }
    }
    rejected.push(`${candidate} (${verdict.reason})`)
  }
  const tried = rejected.length
    ? ` Tried: ${rejected.join('; ')}.`
    : ' No candidate was found in the tool cache, on PATH or under pyenv.'
  throw new BuildError(`Python ${version} was not found.${tried} To provide it, ${how.hint}.`)
}
