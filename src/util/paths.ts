import * as path from 'node:path'

/** The deepest directory holding every path (a zip's layout is relative to it). */
export function commonDir(paths: readonly string[]): string {
  let dir = path.dirname(path.resolve(paths[0]))
  for (const p of paths.map((x) => path.resolve(x))) {
    while (p !== dir && !p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) dir = path.dirname(dir)
  }
  return dir
}

/** The deepest directory holding both paths ('' when only the root is common). */
export function commonAncestor(a: string, b: string): string {
  const dir = commonDir([path.join(a, '_'), path.join(b, '_')])
  return dir !== path.parse(dir).root ? dir : ''
}
