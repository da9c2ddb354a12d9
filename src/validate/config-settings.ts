/** config-settings: PEP 517 config settings as key=value (pip's -C/--config-settings, build's -C). */
import { InputError } from '../errors.js'
import { hasControl } from './text.js'

const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/

/** Splits on whitespace, commas and newlines; each item key=value with a plain, non-empty key. */
export function configSettings(input: string, value: string): string[] {
  const items = value.split(/[\s,]+/).filter(Boolean)
  for (const item of items) {
    const eq = item.indexOf('=')
    const key = eq < 0 ? item : item.slice(0, eq)
    if (eq < 0)
      throw new InputError(
        input,
        `${JSON.stringify(item)} is not key=value (e.g. setup-args=-Dblas=openblas).`
      )
    if (!KEY.test(key)) {
      throw new InputError(
        input,
        `${JSON.stringify(item)} has ${key ? `the key ${JSON.stringify(key)}` : 'an empty key'}: a key is letters, ` +
          "digits, '_', '.', '-' and cannot begin with '-' (e.g. compile-args=-v)."
      )
    }
    if (hasControl(item)) throw new InputError(input, `${JSON.stringify(item)} contains a control character.`)
  }
  return items
}
