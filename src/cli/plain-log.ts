/**
 * Renders the runner's workflow commands as plain text for a terminal, where no runner interprets them:
 * `::error file=x,line=3::a%0Ab` becomes `Error (x:3): a` + newline + `b`, `::group::T` a heading,
 * `::endgroup::` and `::debug::` nothing, `::add-mask::v` nothing (and v is shown as *** from then on).
 * Command syntax and escapes as @actions/core writes them (toolkit packages/core/src/command.ts).
 *
 * Everything printed goes through terminalSafe: our line breaks stay, any other control byte (an ESC from
 * a server's text that reached a message) is shown, not sent to the terminal.
 */
import { terminalSafe } from '../util/inert.js'

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
}

const unescapeData = (s: string): string =>
  s.replace(/%0D/gi, '\r').replace(/%0A/gi, '\n').replace(/%25/g, '%')
const unescapeProperty = (s: string): string => unescapeData(s).replace(/%3A/gi, ':').replace(/%2C/gi, ',')

/** name, properties and message of a `::name props::message` line, or undefined. */
export function parseCommand(
  line: string
): { name: string; props: Record<string, string>; message: string } | undefined {
  const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line)
  if (!m) return undefined
  const props: Record<string, string> = {}
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=')
    if (eq > 0) props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1))
  }
  return { name: m[1], props, message: unescapeData(m[3]) }
}

const LABEL = { error: 'Error', warning: 'Warning', notice: 'Notice' } as const

/** A stream filter: text in, plain text out, one complete line at a time for lines that are commands. */
export class PlainLog {
  readonly annotations: Annotation[] = []
  private readonly secrets: string[] = []
  private pending = ''
  private atLineStart = true

  /** `reword`: applied to every line and annotation message (the CLI words them for a terminal). */
  constructor(
    private readonly debug = false,
    private readonly reword: (message: string) => string = (m) => m
  ) {}

  private mask(text: string): string {
    let out = text
    for (const s of this.secrets) out = out.split(s).join('***')
    return terminalSafe(out)
  }

  /** One complete line (without its newline): the text to print for it, newline included, or ''. */
  private renderLine(line: string): string {
    const cmd = line.startsWith('::') ? parseCommand(line.replace(/\r$/, '')) : undefined
    if (!cmd) return `${this.mask(this.reword(line))}\n`
    switch (cmd.name) {
      case 'add-mask':
        if (cmd.message) this.secrets.push(cmd.message)
        return ''
      case 'group':
        return `\n== ${this.mask(cmd.message)}\n`
      case 'endgroup':
        return ''
      case 'debug':
        return this.debug ? `Debug: ${this.mask(cmd.message)}\n` : ''
      case 'error':
      case 'warning':
      case 'notice': {
        const level = cmd.name
        const message = this.mask(this.reword(cmd.message))
        this.annotations.push({ level, message })
        const where = cmd.props.file
          ? ` (${cmd.props.file}${cmd.props.line ? `:${cmd.props.line}` : ''})`
          : ''
        return `${LABEL[level]}${where}: ${message}\n`
      }
      default:
        return ''
    }
  }

  /** Feeds output; returns what to print now. A line that may be a command is held until it ends. */
  push(text: string): string {
    let data = this.pending + text
    this.pending = ''
    let out = ''
    if (!this.atLineStart) {
      const nl = data.indexOf('\n')
      if (nl < 0) return this.mask(data)
      out += this.mask(data.slice(0, nl + 1))
      data = data.slice(nl + 1)
      this.atLineStart = true
    }
    for (;;) {
      const nl = data.indexOf('\n')
      if (nl < 0) break
      out += this.renderLine(data.slice(0, nl))
      data = data.slice(nl + 1)
    }
    if (data) {
      if (data.startsWith('::') || data === ':') this.pending = data
      else {
        out += this.mask(data)
        this.atLineStart = false
      }
    }
    return out
  }

  /** What is still held (an unterminated last line). */
  flush(): string {
    const rest = this.pending
    this.pending = ''
    return rest ? this.renderLine(rest) : ''
  }
}
