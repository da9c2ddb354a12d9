import * as core from '@actions/core'
import * as fs from 'node:fs'
import { BuildError, CommandError, messageOf } from '../errors.js'
import type { Command, Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { wheelsIn } from '../util/wheel-file.js'

export interface BuildRequest {
  /** The minor version, for messages. */
  version: string
  /** The python of the build venv (made from the target interpreter, with pinned `build`). */
  buildPython: string
  srcDir: string
  /** A directory of this build's own; emptied first. */
  outDir: string
  /** key=value config settings, the platform's additions included. */
  configSettings: readonly string[]
  env: Record<string, string | undefined>
  /**
   * Build in buildPython's own environment (the persistent build env, holding the project's own build
   * requirements) instead of a fresh isolated one.
   */
  noIsolation?: boolean
  /** meson-python's build directory (-Cbuild-dir), fixed so that ccache sees the same paths every run. */
  buildDir?: string
}

/**
 * `python -m build --wheel`: isolated by default, so the project's own build requirements are used; with
 * noIsolation the build env already holds exactly those.
 */
export function planBuild(req: BuildRequest): Command {
  return {
    command: req.buildPython,
    args: [
      '-m',
      'build',
      '--wheel',
      ...(req.noIsolation ? ['--no-isolation'] : []),
      '--outdir',
      req.outDir,
      ...req.configSettings.map((s) => `-C${s}`),
      ...(req.buildDir ? [`-Cbuild-dir=${req.buildDir}`] : []),
      req.srcDir
    ],
    cwd: req.srcDir,
    env: req.env
  }
}

/** Builds one wheel and returns its path: exactly one new wheel must appear. */
export async function buildWheel(runner: Runner, mod: PlatformModule, req: BuildRequest): Promise<string> {
  fs.rmSync(req.outDir, { recursive: true, force: true })
  fs.mkdirSync(req.outDir, { recursive: true })
  await core.group(`Build the wheel for Python ${req.version}`, async () => {
    try {
      await runner.run(planBuild(req), { what: `the wheel build for Python ${req.version}` })
    } catch (err) {
      const hint = err instanceof CommandError ? mod.hint(err.tail) : undefined
      throw new BuildError(`${messageOf(err)}${hint ? `\nHint: ${hint}` : ''}`, { cause: err })
    }
  })
  const wheels = wheelsIn(req.outDir)
  if (wheels.length === 0) {
    throw new BuildError(
      `The build for Python ${req.version} finished but produced no wheel in ${req.outDir}: check the build backend's log above.`
    )
  }
  if (wheels.length > 1) {
    throw new BuildError(
      `The build for Python ${req.version} produced ${wheels.length} wheels, expected one: ${wheels.join(', ')}.`
    )
  }
  core.info(`Built ${wheels[0]}`)
  return wheels[0]
}
