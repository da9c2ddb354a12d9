import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { materialize } from '../command.js'
import { CommandError, messageOf, RepairError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import type { PythonPlan } from '../plan/types.js'
import { repairKey, storeRepaired, takeRepaired } from '../cache/repaired.js'
import {
  GRAFTED_CHECK_SCRIPT,
  graftedChange,
  graftedCheckCommand,
  graftedScriptName,
  parseGrafted,
  type FoundSources,
  type Grafted
} from '../cache/repaired-grafted.js'
import { sha256File } from '../util/hash.js'
import { graftedLibraries, isPureWheel, wheelsIn } from '../util/wheel-file.js'
import { removeTree } from '../util/remove.js'

export interface RepairContext {
  /** The tools venv's bin directory (the plan's), for the failure explanation. */
  toolsBin: string
  arch: string
  policy?: string
  /** With the plan's repairReuse: the tool cache (written as <tool-cache> in the key) and the prefix ('' for none). */
  toolCache?: string
  prefix?: string
}

/** The platform tag of a wheel file name (the last of its dash-separated fields). */
export const platformTagOf = (wheel: string): string => path.basename(wheel, '.whl').split('-').pop() ?? ''

/**
 * A repaired wheel must carry the platform tag of the target (macosx_11_0_arm64, win32, ...): a wrong one
 * means a bundled library raised it, or the build used an interpreter of another arch. Pure wheels pass.
 */
export function checkPlatformTag(wheel: string, expected: string): void {
  const tag = platformTagOf(wheel)
  if (tag === 'any' || tag === expected) return
  throw new RepairError(
    `${path.basename(wheel)} is tagged ${tag}, not ${expected} (the target's tag): a library bundled into ` +
      'it was built for a newer macOS or another architecture (see the repair log above), or the build ' +
      'used an interpreter of another architecture. Build the dependencies for the same target.'
  )
}

/**
 * Undefined when every library the stored wheel grafted (auditwheel's `<pkg>.libs/<base>-<h8>.<ext>`)
 * still has, where the repair runs (the same runner, the repair's variables), a source whose sha256
 * begins with h8; else the line saying which one changed. No grafted library: nothing to run.
 */
async function graftedSourcesChanged(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan,
  built: string,
  stored: string,
  ctx: RepairContext
): Promise<string | undefined> {
  const members = graftedLibraries(stored).filter((m) => /^[^/]+\.libs\//.test(m))
  const grafted: Grafted[] = []
  for (const m of members) {
    const g = parseGrafted(m)
    if (!g) return `${m} carries no content hash in its name`
    grafted.push(g)
  }
  if (grafted.length === 0) return undefined
  // Beside the repair's directory: the same path inside a container (the directories are mounted).
  const script = path.join(path.dirname(py.repairDir), graftedScriptName())
  if (!fs.existsSync(script)) fs.writeFileSync(script, GRAFTED_CHECK_SCRIPT)
  const python = mod.paths.join(ctx.toolsBin, 'python')
  const planned = graftedCheckCommand(python, script, grafted, py.repair.env)
  const r = await runner.run(materialize(planned, { wheel: built }, runner.env, mod), {
    silent: true,
    allowFailure: true
  })
  let found: FoundSources
  try {
    if (r.exitCode !== 0) throw new Error(r.tail)
    found = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as FoundSources
  } catch (err) {
    return `the grafted libraries' sources could not be checked (${messageOf(err).slice(0, 400)})`
  }
  return graftedChange(grafted, found)
}

/** Repairs one wheel with the plan's command into an empty directory; pure wheels pass through. */
export async function repairWheel(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan,
  wheel: string,
  ctx: RepairContext
): Promise<string> {
  removeTree(py.repairDir)
  fs.mkdirSync(py.repairDir, { recursive: true })
  if (isPureWheel(wheel)) {
    const dest = path.join(py.repairDir, path.basename(wheel))
    fs.copyFileSync(wheel, dest)
    core.info(`${path.basename(wheel)} is pure Python: nothing to repair, copied unchanged.`)
    return dest
  }
  const cmd = materialize(py.repair, { wheel }, runner.env, mod)
  await core.group(`Repair the wheel for Python ${py.version}`, async () => {
    try {
      await runner.run(cmd, {
        what: `the repair (${mod.paths.basename(cmd.command)}) for Python ${py.version}`
      })
    } catch (err) {
      const tail = err instanceof CommandError ? err.tail : messageOf(err)
      const details = await mod.explainRepairFailure(
        runner,
        { toolsBin: ctx.toolsBin, wheel, destDir: py.repairDir, arch: ctx.arch, policy: ctx.policy },
        tail
      )
      const hint = mod.hint(tail + details)
      throw new RepairError(`${messageOf(err)}${details}${hint ? `\nHint: ${hint}` : ''}`, { cause: err })
    }
  })
  const wheels = wheelsIn(py.repairDir)
  if (wheels.length !== 1) {
    throw new RepairError(
      wheels.length === 0
        ? `The repair for Python ${py.version} produced no wheel in ${py.repairDir}.`
        : `The repair for Python ${py.version} produced ${wheels.length} wheels, expected one: ${wheels.join(', ')}.`
    )
  }
  core.info(`Repaired: ${wheels[0]}`)
  return wheels[0]
}

/**
 * What the run wrote into the repair's variables beyond the plan's (the prefix's library path, macOS's
 * raised deployment target), the tool cache written as <tool-cache> so that the key holds no location.
 */
function resolvedEnv(
  py: PythonPlan,
  planned: Record<string, string>,
  toolCache = ''
): Record<string, string> {
  const local = (v: string): string => (toolCache ? v.split(toolCache).join('<tool-cache>') : v)
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(py.repair.env?.set ?? {})) if (planned[k] !== v) out[k] = local(v)
  for (const [k, v] of Object.entries(py.repair.env?.prepend ?? {})) out[`${k}+`] = local(v.join('\n'))
  return out
}

/**
 * The plan's repair, or with its repairReuse the stored repaired wheel of the same key (the built wheel's
 * sha256 and every input of the repair), checked against the sha256 recorded with it. A miss of any kind
 * repairs as usual and stores the result; a failure to store is a warning.
 */
export async function repairOrReuse(
  runner: Runner,
  mod: PlatformModule,
  py: PythonPlan,
  wheel: string,
  ctx: RepairContext
): Promise<{ wheel: string; reused: boolean }> {
  const reuse = py.repairReuse
  if (!reuse || reuse.off !== undefined || isPureWheel(wheel))
    return { wheel: await repairWheel(runner, mod, py, wheel, ctx), reused: false }
  const built = await sha256File(wheel)
  const key = repairKey(reuse, {
    wheel: built,
    prefix: ctx.prefix ? mod.paths.relative(ctx.toolCache ?? '', ctx.prefix) : '',
    override: resolvedEnv(py, reuse.env, ctx.toolCache)
  })
  const hit = await takeRepaired(reuse.dir, key, py.repairDir).catch((err: unknown) => ({
    miss: messageOf(err)
  }))
  const changed =
    'wheel' in hit ? await graftedSourcesChanged(runner, mod, py, wheel, hit.wheel, ctx) : undefined
  if ('wheel' in hit && !changed) {
    core.info(
      `Repair for Python ${py.version}: reused the repaired wheel stored under ${key.slice(0, 16)} (the built ` +
        `wheel's sha256 ${built} and the repair's inputs are the same; its sha256 ${hit.sha256} checked).`
    )
    return { wheel: hit.wheel, reused: true }
  }
  const why = 'miss' in hit ? hit.miss : `a grafted library changed: ${changed}`
  core.info(`Repair for Python ${py.version}: ${why} (key ${key.slice(0, 16)}, built wheel sha256 ${built}).`)
  const repaired = await repairWheel(runner, mod, py, wheel, ctx)
  await storeRepaired(reuse.dir, key, repaired).catch((err: unknown) =>
    core.warning(`Could not store the repaired wheel for reuse in ${reuse.dir}: ${messageOf(err)}`)
  )
  return { wheel: repaired, reused: false }
}
