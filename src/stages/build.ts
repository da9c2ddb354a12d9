import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CYTHON_CACHE_SCRIPT, cythonNativeFile, parseCythonLog, type CythonStats } from '../cache/cython.js'
import { materialize, type Slots } from '../command.js'
import { BuildError, CommandError, messageOf } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { chosenBuild } from '../plan/build-commands.js'
import type { PythonPlan } from '../plan/types.js'
import { wheelsIn } from '../util/wheel-file.js'
import { removeTree } from '../util/remove.js'

/**
 * Builds one wheel with the plan's command (the --vsenv one when MSVC's environment was not loaded: its
 * environment carries the dependency prefix's and the compiler cache's variables, resolveDependencies), and
 * returns its path (exactly one must appear) and what the Cython cache reused. The plan's backend is
 * resolved (resolveBackend): with meson-python, its fixed build directory is emptied and the Cython cache's
 * files are written first.
 */
export async function buildWheel(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan,
  slots: Slots,
  found: {
    /** Windows: the MSVC environment could not be loaded, meson's --vsenv loads it. */
    vsenv?: boolean
  }
): Promise<{ wheel: string; cython?: CythonStats }> {
  const command = chosenBuild(py, found.vsenv ?? false)
  removeTree(py.distDir)
  fs.mkdirSync(py.distDir, { recursive: true })
  // A fresh directory at a fixed path: ccache sees the same paths every run.
  if (py.mesonBuildDir) removeTree(py.mesonBuildDir)
  const cythonPython = slots.buildPython ?? slots.python
  const cython = py.cythonCache
  if (cython && cythonPython) {
    // Files the build reads: written here (same paths inside a container: the directories are mounted).
    fs.mkdirSync(path.dirname(cython.script), { recursive: true })
    if (!fs.existsSync(cython.script)) fs.writeFileSync(cython.script, CYTHON_CACHE_SCRIPT)
    fs.mkdirSync(cython.dir, { recursive: true })
    fs.mkdirSync(path.dirname(cython.nativeFile), { recursive: true })
    fs.writeFileSync(cython.nativeFile, cythonNativeFile(cythonPython, cython))
    fs.rmSync(cython.log, { force: true })
  }
  await core.group(`Build the wheel for Python ${py.version}`, async () => {
    try {
      await runner.run(materialize(command, slots, runner.env, mod), {
        what: `the wheel build for Python ${py.version}`
      })
    } catch (err) {
      const hint = err instanceof CommandError ? mod.hint(err.tail) : undefined
      throw new BuildError(`${messageOf(err)}${hint ? `\nHint: ${hint}` : ''}`, { cause: err })
    }
  })
  const wheels = wheelsIn(py.distDir)
  if (wheels.length === 0) {
    throw new BuildError(
      `The build for Python ${py.version} finished but produced no wheel in ${py.distDir}: check the build backend's log above.`
    )
  }
  if (wheels.length > 1) {
    throw new BuildError(
      `The build for Python ${py.version} produced ${wheels.length} wheels, expected one: ${wheels.join(', ')}.`
    )
  }
  core.info(`Built ${wheels[0]}`)
  const log = cython && fs.existsSync(cython.log) ? fs.readFileSync(cython.log, 'utf8') : ''
  if (py.mesonBuildDir) removeBuildDir(py.mesonBuildDir, cython)
  if (!cython) return { wheel: wheels[0] }
  const stats = parseCythonLog(py.version, log)
  core.info(
    `Cython for Python ${py.version}: ${stats.reused} of ${stats.reused + stats.compiled + stats.uncached} outputs reused from ${cython.dir}`
  )
  return { wheel: wheels[0], cython: stats }
}

/**
 * The build directory (inside the checkout) and its Cython files, once the wheel is out: no build product
 * stays in the user's checkout. A failed build keeps them for a look; the next checkout cleans them.
 */
function removeBuildDir(dir: string, cython: { nativeFile: string; log: string } | undefined): void {
  removeTree(dir)
  if (cython) for (const f of [cython.nativeFile, cython.log]) fs.rmSync(f, { force: true })
  try {
    fs.rmdirSync(path.dirname(dir))
  } catch {
    // Another version's directory is still there (or the folder is gone already).
  }
}
