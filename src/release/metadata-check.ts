/**
 * The metadata rules PyPI applies on upload, run before the first POST with the libraries PyPI uses
 * (src/release/pypi_metadata_check.py in the release's pinned Python, src/release/python-env.ts):
 * packaging's validating parser per Metadata-Version, trove classifiers, e-mail addresses, URLs and
 * Project-URL labels, Dynamic, entry_points.txt. One run for all files; a problem names its rule.
 */
import script from './pypi_metadata_check.py'
import type { Runner } from '../exec.js'
import { UploadError } from '../errors.js'

export interface MetadataInput {
  basename: string
  /** METADATA (wheel) or PKG-INFO (sdist), as text. */
  metadataText: string
  /** A wheel's .dist-info/entry_points.txt, when it has one. */
  entryPoints?: string
}

/** file name → problems (each names the rule); files without problems are absent. */
export async function checkMetadataWithPython(
  files: MetadataInput[],
  runner: Runner,
  python: string
): Promise<Map<string, string[]>> {
  const input = JSON.stringify(
    files.map((f) => ({ file: f.basename, metadata: f.metadataText, entry_points: f.entryPoints ?? null }))
  )
  const r = await runner.run(
    { command: python, args: ['-c', script] },
    { silent: true, allowFailure: true, input: Buffer.from(input) }
  )
  let out: unknown
  try {
    out = r.exitCode === 0 ? JSON.parse(r.stdout) : undefined
  } catch {
    out = undefined
  }
  if (!out || typeof out !== 'object') {
    throw new UploadError(
      `The metadata check (${python}) failed, so the files could not be checked as PyPI checks them; nothing was uploaded:\n${r.stderr.trim().split('\n').slice(-8).join('\n')}`
    )
  }
  const problems = new Map<string, string[]>()
  for (const f of files) {
    const list = (out as Record<string, unknown>)[f.basename]
    if (Array.isArray(list) && list.length) problems.set(f.basename, list.map(String))
  }
  return problems
}
