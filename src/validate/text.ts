/** Shared checks on the raw text of an input. */
import { InputError } from '../errors.js'

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/

/** True when the text holds a control character (C0, DEL, C1, or a Unicode line/paragraph separator). */
export const hasControl = (value: string): boolean => CONTROL.test(value)

/** Refuses control characters (newlines included): they split log lines and request lines. */
export function noControl(input: string, value: string, what = 'it'): string {
  if (hasControl(value)) {
    throw new InputError(
      input,
      `${what} contains a control character (a newline, carriage return, tab or similar): remove it.`
    )
  }
  return value
}
