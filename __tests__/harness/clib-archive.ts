/** The clib fixture (libdwmath: int dw_add(int, int)) as a source archive, for dependency recipes. */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

export const CLIB_FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'clib'
)

export interface ClibArchive {
  /** Absolute path of the .tar.gz. */
  path: string
  /** Its sha256, lowercase hex. */
  sha256: string
}

export interface ClibArchiveOptions {
  /** The archive's single top-level directory and file stem (default libdwmath-1.0.0). */
  name?: string
  /** Files (relative path → content) written over the fixture, e.g. a C source that does not compile. */
  files?: Record<string, string>
}

/** A C source that fails to compile, for the failing-build case. */
export const BROKEN_SOURCE = {
  'src/dwmath.c': '#include "dwmath.h"\nint dw_add(int a, int b) { return a + ; }\n'
}

/** Tars the fixture (plus any overrides) into `<dir>/<name>.tar.gz` with one top-level directory. */
export function makeClibArchive(dir: string, options: ClibArchiveOptions = {}): ClibArchive {
  const name = options.name ?? 'libdwmath-1.0.0'
  const stage = fs.mkdtempSync(path.join(dir, '.clib-stage-'))
  const root = path.join(stage, name)
  fs.cpSync(CLIB_FIXTURE, root, { recursive: true })
  for (const [rel, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true })
    fs.writeFileSync(path.join(root, rel), content)
  }
  const archive = path.join(dir, `${name}.tar.gz`)
  execFileSync('tar', ['-czf', archive, '-C', stage, name])
  fs.rmSync(stage, { recursive: true, force: true })
  const sha256 = createHash('sha256').update(fs.readFileSync(archive)).digest('hex')
  return { path: archive, sha256 }
}
