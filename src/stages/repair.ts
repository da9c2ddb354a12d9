import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError, messageOf, RepairError } from '../errors.js'
import type { Runner } from '../exec.js'
import {
  parseLddVersion,
  parseLibraryAtFault,
  parseShowPolicy,
  policyForGlibc
} from '../platforms/manylinux.js'
import type { PlatformModule, RepairRequest } from '../platforms/index.js'
import { isPureWheel, wheelsIn } from '../util/wheel-file.js'

/**
 * Linux with manylinux: auto: the tag `auditwheel show` finds the wheel consistent with, else the host
 * glibc's policy (from `ldd --version`).
 */
export async function autoPolicy(
  runner: Runner,
  toolsBin: string,
  wheel: string,
  arch: string
): Promise<string> {
  const show = await runner.run(
    { command: path.join(toolsBin, 'auditwheel'), args: ['show', wheel] },
    { silent: true, allowFailure: true }
  )
  const fromShow = show.exitCode === 0 ? parseShowPolicy(show.stdout) : undefined
  if (fromShow && fromShow.startsWith('manylinux')) return fromShow
  const ldd = await runner.run({ command: 'ldd', args: ['--version'] }, { silent: true, allowFailure: true })
  const glibc = parseLddVersion(ldd.stdout + ldd.stderr)
  if (!glibc)
    throw new RepairError('manylinux: auto could not find the glibc version of this host (ldd --version).')
  return policyForGlibc(glibc, arch)
}

/** What went wrong in a failed Linux repair: `auditwheel show` of the wheel and the library at fault. */
async function explainLinux(runner: Runner, req: RepairRequest, failure: string): Promise<string> {
  const show = await runner
    .run(
      {
        command: path.join(req.toolsBin, 'auditwheel'),
        args: ['show', req.wheel],
        env: { PATH: req.env.PATH }
      },
      { silent: true, allowFailure: true }
    )
    .catch(() => undefined)
  const showText = show ? (show.stdout + show.stderr).trim() : ''
  const lib = parseLibraryAtFault(`${failure}\n${showText}`, req.policy)
  return (
    (lib ? `\nThe library at fault: ${lib}.` : '') +
    (showText ? `\n\`auditwheel show ${path.basename(req.wheel)}\`:\n${showText}` : '')
  )
}

/** Repairs one wheel into an empty destination and returns the repaired wheel; pure wheels pass through. */
export async function repairWheel(
  runner: Runner,
  mod: PlatformModule,
  req: RepairRequest & { version: string }
): Promise<string> {
  fs.rmSync(req.destDir, { recursive: true, force: true })
  fs.mkdirSync(req.destDir, { recursive: true })
  if (isPureWheel(req.wheel)) {
    const dest = path.join(req.destDir, path.basename(req.wheel))
    fs.copyFileSync(req.wheel, dest)
    core.info(`${path.basename(req.wheel)} is pure Python: nothing to repair, copied unchanged.`)
    return dest
  }
  const cmd = mod.planRepair(req)
  await core.group(`Repair the wheel for Python ${req.version}`, async () => {
    try {
      await runner.run(cmd, { what: `the repair (${path.basename(cmd.command)}) for Python ${req.version}` })
    } catch (err) {
      const tail = err instanceof CommandError ? err.tail : messageOf(err)
      const details = mod.name === 'linux' ? await explainLinux(runner, req, tail) : ''
      const hint = mod.hint(tail + details)
      throw new RepairError(`${messageOf(err)}${details}${hint ? `\nHint: ${hint}` : ''}`, { cause: err })
    }
  })
  const wheels = wheelsIn(req.destDir)
  if (wheels.length !== 1) {
    throw new RepairError(
      wheels.length === 0
        ? `The repair for Python ${req.version} produced no wheel in ${req.destDir}.`
        : `The repair for Python ${req.version} produced ${wheels.length} wheels, expected one: ${wheels.join(', ')}.`
    )
  }
  core.info(`Repaired: ${wheels[0]}`)
  return wheels[0]
}
