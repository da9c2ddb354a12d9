/**
 * Foreign text (what a server, or a tool echoing one, says) made inert before it is logged: it can start no
 * workflow command and moves no terminal cursor.
 *
 * What the runner parses (actions/runner src/Runner.Common/ActionCommand.cs): every output line is split
 * at `\n`, `\r` or `\r\n`; a line whose text, after leading white space is trimmed, starts with `::` is a
 * command (`::name props::data`); and the legacy form `##[name props]data` is found anywhere in a line.
 * So foreign text gets no line break of its own (each becomes the visible escape `\n`, `\r`, ...), no
 * `::` where a line (or the text) starts, and no `##[` anywhere. Control bytes (C0 but tab, DEL, C1) and the
 * Unicode line and paragraph separators become `\xHH` / `\uHHHH`, so no ESC sequence reaches a terminal.
 * The result is bounded in length.
 */

/** Default bound, in characters, of one piece of foreign text in the log. */
export const INERT_MAX = 1000

// C0 except tab, DEL, C1, and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\x1b': '\\e', '\0': '\\0' }

function escapeControl(c: string): string {
  if (NAMED[c]) return NAMED[c]
  const code = c.charCodeAt(0)
  return code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`
}

/** `::` at the start (after white space) gets a backslash between its colons; `##[` anywhere becomes `##\[`. */
function defuse(line: string): string {
  return line.replace(/##\[/g, '##\\[').replace(/^(\s*):(?=:)/, '$1:\\')
}

function bound(text: string, max: number): string {
  const chars = [...text]
  if (chars.length <= max) return text
  return `${chars.slice(0, max).join('')}… (${chars.length - max} more characters)`
}

/**
 * One line of foreign text, safe to log anywhere in a line (or at its start): no line break, no control
 * byte, no command prefix, at most `max` characters (plus a note of how many were cut).
 */
export function inert(text: unknown, max = INERT_MAX): string {
  const s = typeof text === 'string' ? text : String(text)
  return defuse(bound(s, max).replace(CONTROL, escapeControl))
}

/**
 * Several lines of foreign text (a tool's output), each made inert and kept on its own line; at most
 * `maxLines` lines of at most `max` characters each.
 */
export function inertLines(text: string, maxLines = 20, max = INERT_MAX): string {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029|\x85/)
  const kept = lines.slice(0, maxLines).map((l) => inert(l, max))
  if (lines.length > maxLines) kept.push(`… (${lines.length - maxLines} more lines)`)
  return kept.join('\n')
}

/**
 * Text for a terminal (the CLI's plain log): our own line structure kept (`\n`, `\r\n`, tab), every other
 * control byte made visible.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)/g, escapeControl)
}
