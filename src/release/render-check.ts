/**
 * `twine check`'s description test (twine commands/check.py): a long description without a content type,
 * or with text/x-rst, must render with readme_renderer, as PyPI renders it on upload (a failure there is
 * a 400 after other files may have gone up). Runs in the release's pinned Python (python-env.ts).
 */
import * as core from '@actions/core'
import type { Runner } from '../exec.js'
import { inertLines } from '../util/inert.js'
import { header, type CoreMetadata } from '../publish/anaconda/metadata.js'

// Renders stdin as reStructuredText; docutils' messages go to stderr; exit 1 when it does not render.
const RENDER = [
  'import sys',
  'import readme_renderer.rst as rst',
  'text = sys.stdin.buffer.read().decode("utf-8")',
  'sys.exit(0 if rst.render(text, stream=sys.stderr) is not None else 1)'
].join('\n')

/** The descriptions PyPI renders as reStructuredText, each with the files that carry it. */
export function rstDescriptions(
  files: Array<{ basename: string; meta: CoreMetadata }>
): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const f of files) {
    const type = (header(f.meta, 'Description-Content-Type') ?? 'text/x-rst')
      .split(';')[0]
      .trim()
      .toLowerCase()
    if (type !== 'text/x-rst') continue
    const text = header(f.meta, 'Description') ?? f.meta.body
    if (!text.trim()) continue
    out.set(text, [...(out.get(text) ?? []), f.basename])
  }
  return out
}

/** The problems found; an empty list when every description renders (or there is nothing to render). */
export async function checkDescriptions(
  files: Array<{ basename: string; meta: CoreMetadata }>,
  runner: Runner,
  python: string
): Promise<string[]> {
  const descriptions = rstDescriptions(files)
  if (!descriptions.size) return []
  const problems: string[] = []
  for (const [text, names] of descriptions) {
    const r = await runner.run(
      { command: python, args: ['-c', RENDER] },
      { silent: true, allowFailure: true, input: Buffer.from(text) }
    )
    if (r.exitCode !== 0) {
      problems.push(
        `${names.join(', ')}: the description does not render as reStructuredText, so PyPI would refuse it:\n${inertLines(r.stderr.trim(), 8, 300)}`
      )
    }
  }
  core.info(
    `Rendered ${descriptions.size} description(s) with readme_renderer: ${problems.length ? 'failed' : 'ok'}`
  )
  return problems
}
