/**
 * artifact-name: the rules of actions/upload-artifact and @actions/artifact (its path-and-artifact-name
 * validation): none of " : < > | * ? \r \n \ /, plus ours: no other control character, not only dots,
 * no leading or trailing space, at most 256 characters.
 */
import { InputError } from '../errors.js'
import { hasControl } from './text.js'

const FORBIDDEN: ReadonlyArray<[string, string]> = [
  ['"', '"'],
  [':', ':'],
  ['<', '<'],
  ['>', '>'],
  ['|', '|'],
  ['*', '*'],
  ['?', '?'],
  ['\r', '\\r (carriage return)'],
  ['\n', '\\n (line feed)'],
  ['\\', '\\ (backslash)'],
  ['/', '/ (slash)']
]

/** An explicit artifact name (empty: the default name is used), returned unchanged. */
export function artifactNameInput(input: string, value: string): string {
  if (!value) return ''
  const bad = FORBIDDEN.filter(([c]) => value.includes(c)).map(([, shown]) => shown)
  if (bad.length) {
    throw new InputError(
      input,
      `${JSON.stringify(value)} contains ${bad.join(', ')}, which GitHub artifact names may not ` +
        `contain (" : < > | * ? \\r \\n \\ /): use letters, digits, '-', '_' or '.'.`
    )
  }
  const fix = "use letters, digits, '-', '_' or '.' (e.g. wheels-linux)."
  if (hasControl(value)) throw new InputError(input, `it contains a control character: ${fix}`)
  if (/^\.+$/.test(value)) throw new InputError(input, `${JSON.stringify(value)} is only dots: ${fix}`)
  if (value.trim() !== value) throw new InputError(input, `it begins or ends with a space: ${fix}`)
  if (value.length > 256) throw new InputError(input, `it is longer than 256 characters: ${fix}`)
  return value
}
