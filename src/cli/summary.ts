/**
 * The CLI's closing story, read from what the run left behind: the step summary the action wrote (its
 * headings and tables) becomes aligned tables on the terminal and `summary.md` in the workspace, next to
 * the wheelhouse. The action itself keeps writing the job summary; only the CLI writes summary.md.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface Section {
  heading: string
  rows: string[][]
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" }
const text = (html: string): string =>
  html
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) => ENTITIES[e])
    .replace(/\s+/g, ' ')
    .trim()

/** The tables of a step summary (as @actions/core's summary writes them), each under its last heading. */
export function parseSummary(html: string): Section[] {
  const sections: Section[] = []
  let heading = ''
  const re = /<h[1-6]>([\s\S]*?)<\/h[1-6]>|<table>([\s\S]*?)<\/table>/g
  for (const m of html.matchAll(re)) {
    if (m[1] !== undefined) {
      heading = text(m[1])
      continue
    }
    const rows = [...m[2].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
      [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]))
    )
    if (rows.length) sections.push({ heading, rows })
  }
  return sections
}

/** A table as aligned columns for a terminal (long cells, such as a sha256, are kept whole). */
export function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  return rows.map((r) =>
    `  ${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ')}`.trimEnd()
  )
}

const cell = (c: string): string => c.replace(/\|/g, '\\|')

function markdownTable(rows: string[][]): string[] {
  const [head, ...body] = rows
  return [
    `| ${head.map(cell).join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...body.map((r) => `| ${r.map(cell).join(' | ')} |`)
  ]
}

/** The sections a person wants at the end of a run, for the terminal. */
export function terminalTables(sections: Section[]): string {
  const out: string[] = []
  for (const s of sections) {
    if (s.heading === 'dipy wheels') continue // The commit: already in the result table.
    out.push('', `${s.heading || 'Table'}:`, ...columns(s.rows))
  }
  return out.length ? `${out.join('\n')}\n` : ''
}

/** Writes <workspace>/summary.md; returns its path, or undefined when the run left no summary. */
export function writeSummary(
  workspace: string,
  htmlFile: string,
  result: string,
  seconds: number
): { file: string; sections: Section[] } | undefined {
  let html = ''
  try {
    html = fs.readFileSync(htmlFile, 'utf8')
  } catch {
    return undefined
  }
  const sections = parseSummary(html)
  const md = ['# dipy wheels', '', '```', result.trim(), '```', '']
  for (const s of sections) md.push(`## ${s.heading || 'Table'}`, '', ...markdownTable(s.rows), '')
  md.push(`Run time: ${seconds.toFixed(0)} s.`, '')
  const file = path.join(workspace, 'summary.md')
  fs.writeFileSync(file, md.join('\n'))
  return { file, sections }
}
