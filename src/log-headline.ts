/**
 * The one line of a failed command's output that says why it failed, for the ::error:: headline: the
 * compiler's `error:` line, the linker's, meson's `ERROR:`, CMake's error, pip's resolver message, the
 * exception that ended a Python traceback, git's `fatal:`. The wrappers' own closing lines (pip's
 * "subprocess-exited-with-error", ninja's "build stopped", make's "Error 1") are never chosen.
 */

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]/g

/** Lines that only say that something below failed. */
const NOISE = [
  /^error: subprocess-exited-with-error/i,
  /^ERROR: Failed (building wheel|to build)/,
  /^ERROR: Could not build wheels/,
  /^note: This error originates from a subprocess/,
  /^(×|╰─>|│)/,
  /^ninja: build stopped/,
  /^make(\[\d+\])?: \*\*\*/,
  /^FAILED: /,
  /^ERROR Backend subprocess exited/,
  /^subprocess\.CalledProcessError/,
  /^error: metadata-generation-failed/i,
  /^ERROR: Exception:$/,
  /^Error: Process completed with exit code/
]

interface Rule {
  /** Which match to take when there are several: the first cause, or the last word. */
  pick: 'first' | 'last'
  test: RegExp
  /** Lines after the match joined to it (CMake puts its message on the next line). */
  follow?: number
}

/** In order of precedence: the most specific cause wins over the more generic. */
const RULES: Rule[] = [
  // gcc/clang/gfortran "file:line:col: error: ..." (also "fatal error:"), MSVC "file(line): error C1234: ...".
  { pick: 'first', test: /^\S.*?:\d+(:\d+)?:\s+(fatal )?error:\s+\S/ },
  { pick: 'first', test: /^\S.*?\(\d+\):\s+(fatal )?error [A-Z]+\d+:/ },
  {
    pick: 'first',
    test: /undefined reference to|ld(\.\w+)?: cannot find|ld: library not found|unresolved external symbol/
  },
  // meson: "../meson.build:12:0: ERROR: Dependency "openblas" not found".
  { pick: 'first', test: /^\S*meson\.build:\d+:\d+: ERROR: / },
  { pick: 'first', test: /^CMake Error\b/, follow: 2 },
  // pip: the resolver's own words.
  {
    pick: 'first',
    test: /^ERROR: (ResolutionImpossible|Could not find a version|No matching distribution|Cannot install|Could not install|.*conflicting dependencies|Package '.*' requires a different Python)/
  },
  // meson's errors without a file ("ERROR: Unknown compiler(s)"), and other tools' "ERROR:" lines.
  { pick: 'first', test: /^ERROR: / },
  // The exception that ends a Python traceback (auditwheel, delocate, the smoke test).
  { pick: 'last', test: /^([A-Za-z_][\w.]*(Error|Exception|Exit)|AssertionError)(: .*)?$/ },
  { pick: 'first', test: /^fatal: / },
  { pick: 'first', test: /^(error|Error|ERROR)(\[\w+\])?:\s+\S/ }
]

const MAX = 300

/** The line that says why the command failed, or undefined when no line says it plainly. */
export function headline(log: string): string | undefined {
  const lines = log
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
  const usable = (l: string): boolean => l !== '' && !NOISE.some((n) => n.test(l))
  for (const rule of RULES) {
    const hits = lines.map((l, i) => (usable(l) && rule.test.test(l) ? i : -1)).filter((i) => i >= 0)
    if (hits.length === 0) continue
    const at = rule.pick === 'first' ? hits[0] : hits[hits.length - 1]
    const more = lines.slice(at + 1, at + 1 + (rule.follow ?? 0)).filter(Boolean)
    const text = [lines[at], ...more].join(' ')
    return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text
  }
  return undefined
}
