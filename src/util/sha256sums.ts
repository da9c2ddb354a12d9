/**
 * SHA256SUMS files as GNU coreutils' sha256sum writes and `sha256sum --check` reads them: one
 * `<64 hex digits><space><space or *><file name>` line per file (text or binary mode mark), sorted by name
 * here. Written by a build job for its wheelhouse and read by the release, which checks staged files
 * against it.
 */

export interface SumLine {
  name: string
  sha256: string
}

/** `sha256  name` lines, sorted by name (byte order), each ending in a newline. */
export function formatSha256Sums(files: ReadonlyArray<SumLine>): string {
  return [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join('')
}

const LINE = /^([0-9a-fA-F]{64}) [ *](.+)$/

/**
 * The lines of a SHA256SUMS text. Names must be plain file names (no directory, no control character);
 * a line that is not one, or a name listed twice with two hashes, is an error naming the line (`where`
 * says which file it came from). Blank lines are skipped.
 */
export function parseSha256Sums(text: string, where: string): SumLine[] {
  const out = new Map<string, string>()
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '')
    if (!line.trim()) return
    const m = LINE.exec(line)
    const name = m?.[2]
    // eslint-disable-next-line no-control-regex
    if (!m || !name || /[/\\\u0000-\u001f\u007f]/.test(name) || name === '.' || name === '..') {
      throw new Error(`${where} line ${i + 1} is not "<sha256>  <file name>" (sha256sum's format)`)
    }
    const sha = m[1].toLowerCase()
    const before = out.get(name)
    if (before !== undefined && before !== sha) {
      throw new Error(`${where} lists ${name} twice with different sha256 (${before}, ${sha})`)
    }
    out.set(name, sha)
  })
  return [...out].map(([name, sha256]) => ({ name, sha256 }))
}
