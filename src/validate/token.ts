/** API tokens: printable ASCII without whitespace. The value is never put in a message. */
import { InputError } from '../errors.js'

const MAX_LENGTH = 4096

/**
 * A token input: empty (not given) or 1–4096 printable ASCII characters (0x21–0x7e). A token with a space,
 * newline or control character would break the Authorization header line, and the HTTP library's error
 * would print it; the message here names only the position.
 */
export function apiToken(input: string, value: string): string {
  if (!value) return ''
  if (value.length > MAX_LENGTH) {
    throw new InputError(
      input,
      `it is ${value.length} characters long (at most ${MAX_LENGTH}): paste the token alone.`
    )
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x21 || c > 0x7e) {
      const kind =
        c === 0x20
          ? 'a space'
          : c < 0x20 || c === 0x7f
            ? 'a control character (such as a newline)'
            : 'a non-ASCII character'
      throw new InputError(
        input,
        `the token has ${kind} at position ${i + 1}: a token is printable ASCII without spaces. ` +
          'Store the secret without a trailing newline or quotes.'
      )
    }
  }
  return value
}
