import * as core from '@actions/core'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'

/** A venv of pinned tools, kept in the tool cache. */
export interface ToolVenv {
  dir: string
  bin: string
  python: string
  /** True when an existing, complete venv was reused. */
  reused: boolean
}

export interface VenvRequest {
  /** The interpreter the venv is made from. */
  python: string
  dir: string
  /** Packages to install, each pinned by the constraints. */
  packages: readonly string[]
  /** The text of requirements/tools.txt. */
  constraints: string
  /** What the log calls it ("tools venv"). */
  label: string
  /** Packages installed (upgraded) after `packages`, without the constraints (a project's own build requirements). */
  extra?: readonly string[]
  /** Variables for pip (e.g. PIP_CACHE_DIR). */
  env?: Record<string, string | undefined>
}

export const COMPLETE_MARKER = '.complete'

export function shortHash(...parts: string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\0')
  return h.digest('hex').slice(0, 16)
}

/** The tools venv (repair tools) of a platform: one per constraints text, platform and arch. */
export function toolsVenvDir(toolCache: string, constraints: string, platform: string, arch: string): string {
  return path.join(toolCache, 'dipy-wheels-tools', shortHash(constraints, platform, arch))
}

/** The build venv (`build`) of one interpreter. */
export function buildVenvDir(toolCache: string, constraints: string, python: string, full: string): string {
  return path.join(toolCache, 'dipy-wheels-build', shortHash(constraints, python, full))
}

/** Makes (or reuses) a venv with pinned packages; `.complete` is written last, so a broken one is rebuilt. */
export async function ensureVenv(runner: Runner, mod: PlatformModule, req: VenvRequest): Promise<ToolVenv> {
  const bin = mod.venvBin(req.dir)
  const python = mod.venvPython(req.dir)
  if (fs.existsSync(path.join(req.dir, COMPLETE_MARKER))) {
    const alive = await runner
      .run({ command: python, args: ['-c', 'pass'] }, { silent: true, allowFailure: true })
      .then((r) => r.exitCode === 0)
      .catch(() => false)
    if (alive) {
      core.info(`Reusing the ${req.label} at ${req.dir} (cache hit)`)
      return { dir: req.dir, bin, python, reused: true }
    }
    core.info(`The ${req.label} at ${req.dir} no longer runs: making it again`)
  }
  const all = [...req.packages, ...(req.extra ?? [])]
  await core.group(`Make the ${req.label} (${all.join(', ')})`, async () => {
    fs.rmSync(req.dir, { recursive: true, force: true })
    fs.mkdirSync(path.dirname(req.dir), { recursive: true })
    await runner.run(
      { command: req.python, args: ['-m', 'venv', req.dir], env: req.env },
      { what: `making the ${req.label}` }
    )
    const constraintsFile = path.join(req.dir, 'constraints.txt')
    fs.writeFileSync(constraintsFile, req.constraints)
    await runner.run(
      {
        command: python,
        args: [
          '-m',
          'pip',
          'install',
          '--disable-pip-version-check',
          '--no-input',
          '-c',
          constraintsFile,
          ...req.packages
        ],
        env: req.env
      },
      { what: `installing ${req.packages.join(', ')} into the ${req.label}` }
    )
    if (req.extra?.length) {
      await runner.run(
        {
          command: python,
          // --upgrade: the newest versions that match, as an isolated build would get (not the venv's own
          // setuptools, which Python 3.11's venv still ships).
          args: [
            '-m',
            'pip',
            'install',
            '--disable-pip-version-check',
            '--no-input',
            '--upgrade',
            ...req.extra
          ],
          env: req.env
        },
        { what: `installing ${req.extra.join(', ')} into the ${req.label}` }
      )
    }
    fs.writeFileSync(path.join(req.dir, COMPLETE_MARKER), new Date().toISOString() + '\n')
  })
  return { dir: req.dir, bin, python, reused: false }
}
