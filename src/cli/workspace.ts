/**
 * The CLI's workspace and temp folder. Both are checked before anything is written, so a bad
 * --workspace is one clear line, never a trace (EEXIST) nor a hang (Node's recursive mkdir loops under
 * /proc). The temp folder is the same for every run in a workspace, <workspace>/.dipy-wheels-tmp, so
 * reruns find their build directory at the same place; its build products go at the end of the run.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { removeTree } from '../util/remove.js'
import { UsageError } from './args.js'

export const TEMP_NAME = '.dipy-wheels-tmp'

/** The nearest existing ancestor of `dir` (itself when it exists). */
function existingAncestor(dir: string): string {
  let d = dir
  while (!fs.existsSync(d)) {
    const up = path.dirname(d)
    if (up === d) break
    d = up
  }
  return d
}

/**
 * Why `dir` cannot be used as a workspace, or undefined: it must be a directory, or not exist under a
 * writable directory (checked by creating a probe file, which also refuses /proc and read-only mounts).
 */
export function workspaceProblem(dir: string): string | undefined {
  const base = existingAncestor(dir)
  let stat: fs.Stats
  try {
    stat = fs.statSync(base)
  } catch (err) {
    return `${base} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`
  }
  if (!stat.isDirectory()) {
    return base === dir ? `${dir} is a file, not a directory` : `${base} is a file, not a directory`
  }
  const probe = path.join(base, `.dipy-wheels-probe-${process.pid}`)
  try {
    fs.writeFileSync(probe, '')
    fs.rmSync(probe, { force: true })
  } catch (err) {
    return `${base} is not writable (${(err as NodeJS.ErrnoException).code ?? 'error'})`
  }
  return undefined
}

/** Creates the workspace, after the checks; a UsageError naming --workspace when it cannot be used. */
export function prepareWorkspace(dir: string): void {
  const problem = workspaceProblem(dir)
  if (problem) {
    throw new UsageError(
      `--workspace ${dir}: ${problem}. Give a directory you can write to (it is created when missing).`
    )
  }
  fs.mkdirSync(dir, { recursive: true })
}

/** The run's temp folder: RUNNER_TEMP when set, else <workspace>/.dipy-wheels-tmp. */
export function tempFolder(workspace: string, env: NodeJS.ProcessEnv): { dir: string; own: boolean } {
  if (env.RUNNER_TEMP) return { dir: path.resolve(env.RUNNER_TEMP), own: false }
  return { dir: path.join(workspace, TEMP_NAME), own: true }
}

/** Removes the temp folder's build products (all of it): the caches live in the tool cache, not here. */
export function cleanTemp(dir: string): void {
  removeTree(dir)
}
