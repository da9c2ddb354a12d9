import * as path from 'node:path'

/** The deepest directory holding every path (a zip's layout is relative to it). */
export function commonDir(paths: readonly string[]): string {
  let dir = path.dirname(path.resolve(paths[0]))
  for (const p of paths.map((x) => path.resolve(x))) {
    while (p !== dir && !p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep)) dir = path.dirname(dir)
  }
  return dir
}

/**
 * The deepest directory holding both paths, in their flavour (path.posix or path.win32; the host's by
 * default); '' when only the root (or a drive, C:) is common.
 */
export function commonAncestor(a: string, b: string, paths: path.PlatformPath = path): string {
  const split = (x: string): string[] => paths.normalize(x).split(paths.sep).filter(Boolean)
  const [pa, pb] = [split(a), split(b)]
  let n = 0
  while (n < pa.length && n < pb.length && pa[n] === pb[n]) n++
  if (n === 0 || (n === 1 && /^[A-Za-z]:$/.test(pa[0]))) return ''
  const joined = pa.slice(0, n).join(paths.sep)
  return paths.sep === '/' ? `/${joined}` : joined
}
