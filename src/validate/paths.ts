/**
 * Workspace paths (path, output-dir) resolved as the file system will: symlinks followed with realpath,
 * and for a path that does not exist yet, its nearest existing ancestor resolved and the rest appended.
 * Only then is containment checked, so a symlink inside the workspace cannot lead a clone, a clean or the
 * wheels outside it.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from '../errors.js'
import { hasControl } from './text.js'

/** The real path of `p`: realpath of its nearest existing ancestor, then the missing parts. */
export function realPathOf(p: string): string {
  const abs = path.resolve(p)
  const missing: string[] = []
  let cur = abs
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...missing.reverse())
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err
      const parent = path.dirname(cur)
      if (parent === cur) return abs
      missing.push(path.basename(cur))
      cur = parent
    }
  }
}

/** Whether `child` is `parent` or below it (both already real paths). */
export function isWithin(child: string, parent: string): boolean {
  const rel = path.relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))
}

/**
 * A directory input relative to the workspace: returned as its real absolute path, strictly inside the
 * real workspace. Refuses '..' escapes, absolute paths elsewhere, symlinks that lead out, the workspace
 * itself, and control characters.
 */
export function workspaceDir(input: string, value: string, workspace: string): string {
  if (!value) throw new InputError(input, 'it is empty: give a directory relative to the workspace.')
  if (hasControl(value))
    throw new InputError(input, 'it contains a control character: give a plain relative path.')
  const ws = realPathOf(workspace)
  let real: string
  try {
    real = realPathOf(path.resolve(workspace, value))
  } catch (err) {
    // ENAMETOOLONG, ELOOP (a symlink cycle), EACCES: the path cannot be used, whatever it is.
    throw new InputError(
      input,
      `${JSON.stringify(value)} cannot be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): give a plain directory inside the workspace.`
    )
  }
  if (!isWithin(real, ws)) {
    throw new InputError(
      input,
      `${JSON.stringify(value)} resolves to ${real}, outside the workspace ${ws} (symlinks followed): give a path inside it.`
    )
  }
  if (real === ws) throw new InputError(input, 'it is the workspace itself: give a subdirectory.')
  return real
}

/**
 * Checked again right before anything under `dir` is deleted: the directory must still resolve strictly
 * inside the workspace (a symlink may have been planted since the inputs were read).
 */
export function assertDeletable(dir: string, workspace: string, what: string): void {
  const ws = realPathOf(workspace)
  const real = realPathOf(dir)
  if (!isWithin(real, ws) || real === ws) {
    throw new InputError(
      what,
      `${dir} now resolves to ${real}, which is not strictly inside the workspace ${ws}: nothing was deleted. ` +
        'Remove the symlink or choose another directory.'
    )
  }
}
