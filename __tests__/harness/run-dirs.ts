/**
 * Where a run may write, and the check that it wrote nowhere else. A sandbox is one temp root holding
 * the run's directories (workspace, RUNNER_TEMP, tool cache), the HOME and TMPDIR its processes are given,
 * a decoy directory beside them (where a server-supplied name with `../` in it would land) and the test's
 * own fixtures. A snapshot of the whole root before a case and after it shows every entry that appeared,
 * changed or went away; only those inside the run's directories are allowed.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface Sandbox {
  root: string
  workspace: string
  temp: string
  toolCache: string
  home: string
  /** TMPDIR of the run's processes (os.tmpdir()): outside the run's directories. */
  tmp: string
  /** Holds one file; a name that climbs out of the run's directories is made to land here. */
  decoy: string
  /** The test's own files (made before the first snapshot). */
  fixtures: string
  /** HOME and TMPDIR for a child process. */
  env: Record<string, string>
  close(): void
}

export function makeSandbox(prefix: string): Sandbox {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)))
  const dir = (name: string): string => {
    fs.mkdirSync(path.join(root, name))
    return path.join(root, name)
  }
  const sb = {
    root,
    workspace: dir('ws'),
    temp: dir('temp'),
    toolCache: dir('toolcache'),
    home: dir('home'),
    tmp: dir('tmp'),
    decoy: dir('decoy'),
    fixtures: dir('fixtures'),
    env: {} as Record<string, string>,
    close: () => fs.rmSync(root, { recursive: true, force: true })
  }
  sb.env = { HOME: sb.home, TMPDIR: sb.tmp }
  fs.writeFileSync(path.join(sb.decoy, 'keep.txt'), 'the decoy\n')
  return sb
}

/** Every entry under root (not following links): relative path → kind, size, mtime and inode. */
export function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>()
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir)) {
      const full = path.join(dir, name)
      const st = fs.lstatSync(full)
      const rel = path.relative(root, full)
      if (st.isDirectory()) {
        out.set(rel, 'dir')
        walk(full)
      } else if (st.isSymbolicLink()) out.set(rel, `link ${fs.readlinkSync(full)}`)
      else out.set(rel, `file ${st.size} ${st.mtimeMs} ${st.ino}`)
    }
  }
  walk(root)
  return out
}

/** What differs between two snapshots: `+ path` (new), `- path` (gone), `~ path` (changed). */
export function changes(before: Map<string, string>, after: Map<string, string>): string[] {
  const out: string[] = []
  for (const [p, v] of after) {
    if (!before.has(p)) out.push(`+ ${p}`)
    else if (before.get(p) !== v) out.push(`~ ${p}`)
  }
  for (const p of before.keys()) if (!after.has(p)) out.push(`- ${p}`)
  return out.sort()
}

/**
 * Starts watching the sandbox; the function returned lists the changes made since outside the run's
 * directories (workspace, RUNNER_TEMP, tool cache, or `allowed` instead).
 */
export function watchWrites(sb: Sandbox, allowed = [sb.workspace, sb.temp, sb.toolCache]): () => string[] {
  const before = snapshot(sb.root)
  const inside = allowed.map((d) => path.relative(sb.root, d))
  return () =>
    changes(before, snapshot(sb.root)).filter((c) => {
      const p = c.slice(2)
      return !inside.some((d) => p === d || p.startsWith(d + path.sep))
    })
}

/** The decoy's entries (it starts with keep.txt only). */
export const decoyEntries = (sb: Sandbox): string[] => fs.readdirSync(sb.decoy).sort()

/**
 * `name` behind a path that climbs to the file system's root from any directory less than 32 deep and
 * comes down into the decoy: wherever a client wrote it as a path, it would land in the decoy.
 */
export function climbingName(sb: Sandbox, prefix: string, name: string): string {
  return `${prefix}/${'../'.repeat(32)}${path.relative('/', sb.decoy)}/${name}`
}

/** Points os.tmpdir() of this process into the sandbox (for suites that run the product in-process). */
export function adoptTmp(sb: Sandbox): () => void {
  const was = process.env.TMPDIR
  process.env.TMPDIR = sb.tmp
  return () => {
    if (was === undefined) delete process.env.TMPDIR
    else process.env.TMPDIR = was
  }
}
