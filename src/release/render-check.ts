/**
 * `twine check`'s description test (twine commands/check.py): a long description without a content type,
 * or with text/x-rst, must render with readme_renderer, as PyPI renders it on upload (a failure there is
 * a 400 after other files may have gone up). Runs the runner's Python; when it cannot import
 * readme_renderer, a venv in the temp directory gets the pinned one (requirements/release.txt). Without
 * Python, a warning says the descriptions were not rendered.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import pins from '../../requirements/release.txt'
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

async function pythonWithRenderer(
  runner: Runner,
  python: string,
  tempDir: string,
  windows: boolean
): Promise<string | undefined> {
  const probe = await runner
    .run(
      { command: python, args: ['-c', 'import readme_renderer.rst'] },
      { silent: true, allowFailure: true }
    )
    .catch(() => undefined)
  if (!probe) return undefined // no Python at all
  if (probe.exitCode === 0) return python
  const venv = path.join(tempDir, 'release-readme-venv')
  const venvPython = path.join(venv, windows ? 'Scripts' : 'bin', windows ? 'python.exe' : 'python')
  const req = path.join(tempDir, 'release-requirements.txt')
  fs.mkdirSync(tempDir, { recursive: true })
  fs.writeFileSync(req, pins)
  core.info(`Installing readme_renderer (${req}) into ${venv} to render the descriptions`)
  const made = await runner.run(
    { command: python, args: ['-m', 'venv', venv] },
    { silent: true, allowFailure: true }
  )
  if (made.exitCode !== 0) return undefined
  const pip = await runner.run(
    {
      command: venvPython,
      args: ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet', '-r', req]
    },
    { silent: true, allowFailure: true }
  )
  return pip.exitCode === 0 ? venvPython : undefined
}

/** The problems found; an empty list when every description renders (or there is nothing to render). */
export async function checkDescriptions(
  files: Array<{ basename: string; meta: CoreMetadata }>,
  runner: Runner,
  tempDir: string,
  windows: boolean
): Promise<string[]> {
  const descriptions = rstDescriptions(files)
  if (!descriptions.size) return []
  const python = await pythonWithRenderer(runner, windows ? 'python' : 'python3', tempDir, windows)
  if (!python) {
    core.warning(
      'The descriptions were not rendered (no Python with readme_renderer): PyPI renders them on upload.'
    )
    return []
  }
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
