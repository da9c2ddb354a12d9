/**
 * The release's own Python: the packages of requirements/release.txt (what PyPI and `twine check` use to
 * validate metadata and render descriptions), pinned exactly. The runner's Python is used when it already
 * holds every pin at its version (a test venv made from the same file); otherwise a venv of its own in the
 * temp directory gets them. Without any Python, or when the install fails, the release stops before any
 * upload: PyPI would apply these rules file by file, after earlier files had gone up.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import pins from '../../requirements/release.txt'
import { UploadError } from '../errors.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'

/** `name==version` lines of requirements/release.txt. */
export function pinnedPackages(text: string = pins): Array<[string, string]> {
  return text
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)$/.exec(l)
      if (!m) throw new Error(`requirements/release.txt: ${JSON.stringify(l)} is not name==version`)
      return [m[1], m[2]] as [string, string]
    })
}

// Exit 0 when every name==version given as an argument is installed at that version.
const PROBE = [
  'import sys',
  'from importlib.metadata import version, PackageNotFoundError',
  'def has(pin):',
  '    name, want = pin.split("==")',
  '    try:',
  '        return version(name) == want',
  '    except PackageNotFoundError:',
  '        return False',
  'sys.exit(0 if all(has(p) for p in sys.argv[1:]) else 1)'
].join('\n')

/** The Python that has the pins: the runner's, or a venv of the release's own made now. */
export async function releasePython(
  runner: Runner,
  tempDir: string,
  mod: Pick<PlatformModule, 'pythonCommand' | 'venvPython'>
): Promise<string> {
  const python = mod.pythonCommand
  const wanted = pinnedPackages().map(([n, v]) => `${n}==${v}`)
  const probe = await runner
    .run({ command: python, args: ['-c', PROBE, ...wanted] }, { silent: true, allowFailure: true })
    .catch(() => undefined)
  if (!probe) {
    throw new UploadError(
      `The release checks metadata as PyPI does with Python, and ${python} was not found: add actions/setup-python (3.9 or newer) before this step. Nothing was uploaded.`
    )
  }
  if (probe.exitCode === 0) return python
  const venv = path.join(tempDir, 'release-check-venv')
  const venvPython = mod.venvPython(venv)
  const req = path.join(tempDir, 'release-requirements.txt')
  fs.mkdirSync(tempDir, { recursive: true })
  fs.writeFileSync(req, pins)
  core.info(`Installing the release's checkers (${wanted.join(' ')}) into ${venv}`)
  const made = await runner.run(
    { command: python, args: ['-m', 'venv', venv] },
    { silent: true, allowFailure: true }
  )
  const pip =
    made.exitCode === 0
      ? await runner.run(
          {
            command: venvPython,
            args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', req]
          },
          { silent: true, allowFailure: true }
        )
      : made
  if (pip.exitCode !== 0) {
    throw new UploadError(
      `Installing the release's checkers (requirements/release.txt) into ${venv} failed, so the files could not be checked as PyPI checks them; nothing was uploaded:\n${pip.stderr.trim().split('\n').slice(-8).join('\n')}`
    )
  }
  return venvPython
}
