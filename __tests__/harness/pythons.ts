/**
 * The CPython interpreters the slow tests build with: those the action finds on this machine when the
 * harness runs it (python3.X on PATH, ~/.pyenv/versions, since runAction passes PATH and HOME), each
 * checked by running it. A test that needs more versions than the machine has fails, naming what to
 * install; it is never skipped.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** Versions tried first, so that the same machine always builds the same ones. */
const PREFERRED = ['3.11', '3.12', '3.13', '3.10', '3.14']

const list = (dir: string): string[] => {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** Whether `exe` runs as CPython `version` and can make a venv and install into it (its pip, or ensurepip). */
const PROBE = [
  'import sys, venv, importlib.util as u',
  'assert u.find_spec("pip") or u.find_spec("ensurepip")',
  'print("%d.%d" % sys.version_info[:2], sys.implementation.name)'
].join('\n')

function runsAs(exe: string, version: string): boolean {
  try {
    const out = execFileSync(exe, ['-c', PROBE], {
      encoding: 'utf8',
      timeout: 30_000,
      stdio: ['ignore', 'pipe', 'ignore']
    })
    return out.trim() === `${version} cpython`
  } catch {
    return false
  }
}

let found: Map<string, string> | undefined

/** Minor version → an interpreter of it, for every CPython 3.9+ the action can find here. */
export function hostPythons(): Map<string, string> {
  if (found) return found
  const candidates: Array<[string, string]> = []
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of list(dir)) {
      const m = /^python(3\.\d+)$/.exec(name)
      if (m) candidates.push([m[1], path.join(dir, name)])
    }
  }
  const pyenv = path.join(process.env.HOME || os.homedir(), '.pyenv', 'versions')
  for (const v of list(pyenv)) {
    const m = /^(3\.\d+)\.\d+$/.exec(v)
    if (m) candidates.push([m[1], path.join(pyenv, v, 'bin', `python${m[1]}`)])
  }
  found = new Map()
  for (const [version, exe] of candidates) {
    if (Number(version.split('.')[1]) < 9 || found.has(version)) continue
    if (runsAs(exe, version)) found.set(version, exe)
  }
  return found
}

/**
 * `count` distinct CPython minor versions this machine has (preferred ones first, then oldest first).
 * Throws when it has fewer, so the test fails and says what is missing.
 */
export function pythonsForTests(count: number): string[] {
  const have = hostPythons()
  const order = [
    ...PREFERRED.filter((v) => have.has(v)),
    ...[...have.keys()]
      .filter((v) => !PREFERRED.includes(v))
      .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]))
  ]
  if (order.length < count) {
    throw new Error(
      `This test builds with ${count} CPython versions, but this machine has ` +
        `${order.length ? order.join(', ') : 'none'} where the action looks (python3.X on PATH, ~/.pyenv/versions). ` +
        'Install another one (e.g. `pyenv install 3.12` or actions/setup-python) and run again.'
    )
  }
  return order.slice(0, count)
}

/** "3.11" → "cp311". */
export const cpTag = (version: string): string => `cp${version.replace('.', '')}`

/** "3.11" → "3\\.11", for a RegExp. */
export const reVersion = (version: string): string => version.replace('.', '\\.')
