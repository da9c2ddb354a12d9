/**
 * The CLI's closing table: what was built, where it went, what failed. Read only from what the run left
 * behind (the GITHUB_OUTPUT values and the error annotations), never from the pipeline's internals.
 */
import * as path from 'node:path'

const parse = <T>(text: string | undefined, fallback: T): T => {
  if (!text) return fallback
  try {
    return JSON.parse(text) as T
  } catch {
    return fallback
  }
}

/** Two aligned columns. */
function columns(rows: Array<[string, string]>): string[] {
  const width = Math.max(...rows.map(([k]) => k.length))
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd())
}

/** A release's rows: what went to the index, what was there already, what is missing. */
function releaseRows(outputs: Record<string, string>): Array<[string, string]> {
  const list = (name: string): string => parse<string[]>(outputs[name], []).join(', ') || 'none'
  return [
    ['version', outputs.version || 'not read'],
    ['uploaded', list('uploaded')],
    ['skipped', list('skipped')],
    ['missing', list('missing')]
  ]
}

export function resultTable(
  outputs: Record<string, string>,
  errors: string[],
  command: 'build' | 'release' = 'build'
): string {
  if (command === 'release') {
    const rows = releaseRows(outputs)
    if (errors.length === 0) rows.push(['failed', 'nothing'])
    for (const e of errors) rows.push(['failed', e.split('\n')[0]])
    return ['', 'Result:', ...columns(rows)].join('\n') + '\n'
  }
  const rows: Array<[string, string]> = []
  const ref = outputs.ref ? ` (${outputs.ref}${outputs.version ? `, version ${outputs.version}` : ''})` : ''
  rows.push(['commit', outputs.commit ? `${outputs.commit}${ref}` : 'not checked out'])
  const wheels = parse<string[]>(outputs.wheels, [])
  const uploaded = parse<string[]>(outputs.uploaded, [])
  const target = parse<{ target?: string; channel?: string; labels?: string[]; reason?: string }>(
    outputs['upload-target'],
    {}
  )
  if (wheels.length === 0) rows.push(['built', 'no wheel'])
  for (const wheel of wheels) {
    const name = path.basename(wheel)
    const places = [path.dirname(wheel)]
    const url = uploaded.find((u) => decodeURIComponent(u).endsWith(`/${name}`))
    if (url) places.push(url)
    if (outputs['artifact-id']) places.push(`artifact ${outputs['artifact-id']}`)
    rows.push(['built', `${name} → ${places.join(', ')}`])
  }
  if (target.target) {
    const where =
      target.target === 'none'
        ? 'none'
        : `${target.target}: anaconda.org ${target.channel ?? ''}${target.labels?.length ? ` (${target.labels.join(', ')})` : ''}`
    rows.push(['upload', `${where}${target.reason ? ` (${target.reason})` : ''}`])
  }
  if (errors.length === 0) rows.push(['failed', 'nothing'])
  for (const e of errors) rows.push(['failed', e.split('\n')[0]])
  return ['', 'Result:', ...columns(rows)].join('\n') + '\n'
}
