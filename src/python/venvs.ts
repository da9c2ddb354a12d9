import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { materialize, mergeEnv, type PlannedCommand } from '../command.js'
import { CommandError } from '../errors.js'
import { formatCommand, type Command, type Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { removeTree } from '../util/remove.js'
import { UV_ENV, type VenvCommands, type VenvPlan } from './venv-plan.js'

/** A venv of pinned tools, kept in the tool cache. */
export interface ToolVenv {
  dir: string
  bin: string
  python: string
  /** True when an existing, complete venv was reused. */
  reused: boolean
}

export { COMPLETE_MARKER, UV_ENV } from './venv-plan.js'

export interface UvTool {
  exe: string
  cacheDir: string
  /** pip's configuration on the target as uv's variables (python/pip-config.ts). */
  env: Record<string, string>
  /** pip's constraint files: named in a constraints file we give uv (uv reads UV_CONSTRAINT only without -c). */
  constraints: readonly string[]
}

/** The variables of a uv command: the caller's, uv's own, its cache, pip's configuration. */
export const uvEnv = (
  uv: UvTool,
  env?: Record<string, string | undefined>
): Record<string, string | undefined> => ({
  ...env,
  ...UV_ENV,
  UV_CACHE_DIR: uv.cacheDir,
  ...uv.env
})

/** Where pip installs: a venv, from its base interpreter's pip or (if it has one) its own. */
export interface VenvPip {
  base: string
  python: string
  bin: string
  env?: Record<string, string | undefined>
  /** uv installs instead of pip: `uv pip install --python <venv's python>`, the same arguments. */
  uv?: UvTool
}

const PIP_FLAGS = ['--disable-pip-version-check', '--no-input']

/**
 * `pip install` into a venv: its own pip when it has one, else the base interpreter's pip with --python
 * (pip >= 22.3). Without a usable base pip, the venv gets its own (ensurepip) and that one installs.
 */
export async function pipInstall(runner: Runner, v: VenvPip, args: string[], where: string): Promise<void> {
  const what = `installing ${args.filter((a) => !a.startsWith('-') && !a.includes('constraints')).join(', ')} into ${where}`
  if (v.uv) {
    await runner.run(
      { command: v.uv.exe, args: ['pip', 'install', '--python', v.python, ...args], env: uvEnv(v.uv, v.env) },
      { what }
    )
    return
  }
  const own = fs.existsSync(path.join(v.bin, 'pip')) || fs.existsSync(path.join(v.bin, 'pip.exe'))
  if (!own) {
    const cmd: Command = {
      command: v.base,
      args: ['-m', 'pip', '--python', v.python, 'install', ...PIP_FLAGS, ...args],
      env: v.env
    }
    const r = await runner.run(cmd, { allowFailure: true })
    if (r.exitCode === 0) return
    if (!/No module named pip|no such option: --python|--python option/i.test(r.stdout + r.stderr)) {
      throw new CommandError(formatCommand(cmd), r.exitCode, r.tail, what)
    }
    core.info(`${v.base} has no pip that can install into another environment: giving the venv its own pip`)
    await runner.run({ command: v.python, args: ['-m', 'ensurepip', '--default-pip'], env: v.env }, { what })
  }
  await runner.run(
    { command: v.python, args: ['-m', 'pip', 'install', ...PIP_FLAGS, ...args], env: v.env },
    { what }
  )
}

/** The form a run uses: uv's (with pip's configuration) when uv runs, else pip's. */
function formOf(venv: VenvPlan, uv: UvTool | null | undefined): { form: VenvCommands; nested: string } {
  if (!venv.pipFallback) return { form: venv, nested: '' }
  if (!uv) return { form: venv.pipFallback, nested: '' }
  const add = (c: PlannedCommand): PlannedCommand => ({ ...c, env: mergeEnv(c.env, { set: uv.env }) })
  return {
    form: {
      create: add(venv.create),
      install: venv.install.map(add),
      ...(venv.optional ? { optional: add(venv.optional) } : {})
    },
    // pip's configured constraint files, named in ours: uv's -c replaces UV_CONSTRAINT.
    nested: uv.constraints.map((c) => `-c ${c}\n`).join('')
  }
}

/** pip's answer when the interpreter's pip cannot install into another environment. */
const NO_BASE_PIP = /No module named pip|no such option: --python|--python option/i

/**
 * Makes (or reuses) a planned venv: reused when `.complete` holds its stamp and its python runs; else made
 * and filled with the planned commands, `.complete` written last (a broken one is made again).
 */
export async function ensureVenv(
  runner: Runner,
  mod: PlatformModule,
  venv: VenvPlan,
  slots: { python: string },
  uv?: UvTool | null
): Promise<ToolVenv> {
  const run = (c: PlannedCommand, opts: { allowFailure?: boolean; silent?: boolean } = {}) =>
    runner.run(materialize(c, slots, runner.env, mod), { what: c.what, ...opts })
  const done = { dir: venv.dir, bin: venv.bin, python: venv.python }
  const marker = venv.marker
  const stale = fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').split('\n')[0] !== venv.stamp
  if (stale) core.info(`The ${venv.label} at ${venv.dir} was made for something else: making it again`)
  if (fs.existsSync(marker) && !stale) {
    const alive = await run(venv.check, { silent: true, allowFailure: true })
      .then((r) => r.exitCode === 0)
      .catch(() => false)
    if (alive) {
      core.info(`Reusing the ${venv.label} at ${venv.dir} (cache hit)`)
      return { ...done, reused: true }
    }
    core.info(`The ${venv.label} at ${venv.dir} no longer runs: making it again`)
  }
  const { form, nested } = formOf(venv, uv)
  await core.group(`Make the ${venv.label} (${venv.packages.join(', ')})`, async () => {
    removeTree(venv.dir)
    fs.mkdirSync(path.dirname(venv.dir), { recursive: true })
    await run(form.create)
    const text = venv.constraints.text
    fs.writeFileSync(venv.constraints.file, nested ? `${text.trimEnd()}\n${nested}` : text)
    let own = false
    for (const [i, install] of form.install.entries()) {
      const fallback = form.ownPip
      if (fallback && !own) {
        const r = await run(install, { allowFailure: true })
        if (r.exitCode === 0) continue
        if (!NO_BASE_PIP.test(r.stdout + r.stderr)) {
          const cmd = materialize(install, slots, runner.env, mod)
          throw new CommandError(formatCommand(cmd), r.exitCode, r.tail, install.what)
        }
        core.info(
          `${slots.python} has no pip that can install into another environment: giving the venv its own pip`
        )
        await run(fallback.ensurepip)
        own = true
      }
      await run(own && fallback ? fallback.install[i] : install)
    }
    const optional = own && form.ownPip ? form.ownPip.optional : form.optional
    const r = optional ? await run(optional, { allowFailure: true }) : undefined
    if (r && r.exitCode !== 0) {
      // Not stamped: the next run makes it again and tries once more.
      core.info(`${optional!.what} failed (exit code ${r.exitCode}): going on without it`)
      return
    }
    fs.writeFileSync(marker, `${venv.stamp}\n${new Date().toISOString()}\n`)
  })
  return { ...done, reused: false }
}
