/**
 * test-requires: requirement specifiers only (PEP 508 name, extras and version specifiers), never a pip
 * option (-r, --index-url, -e ...), a URL or a path, which would change where pip fetches code from.
 * Names follow PEP 508 ("Names"); specifiers use the operators of PEP 440 ("Version specifiers").
 */
import { InputError } from '../errors.js'

const NAME = '[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?'
const EXTRAS = `\\[${NAME}(?:,${NAME})*\\]`
const VERSION = '[A-Za-z0-9.*+!_-]+'
const SPEC = `(?:~=|===|==|!=|<=|>=|<|>)${VERSION}`
const REQUIREMENT = new RegExp(`^${NAME}(?:${EXTRAS})?(?:${SPEC}(?:,${SPEC})*)?$`)

/** Whether one list item is a requirement specifier (numpy, scipy>=1.10, pytest[cov]==8.*). */
export const isRequirement = (value: string): boolean => REQUIREMENT.test(value)

/**
 * The test-requires list: split on whitespace (a trailing comma is dropped, so "pytest, numpy" works and
 * "numpy>=1,<3" stays one requirement), each item a requirement specifier.
 */
export function requirementList(input: string, value: string): string[] {
  const items = value
    .split(/\s+/)
    .map((s) => s.replace(/,+$/, ''))
    .filter(Boolean)
  for (const item of items) {
    if (!isRequirement(item)) {
      const why = item.startsWith('-')
        ? 'it is a pip option, and options are not allowed here'
        : 'it is not a requirement specifier'
      throw new InputError(
        input,
        `${JSON.stringify(item)}: ${why}. Give package names with optional versions, e.g. pytest scipy>=1.10 ` +
          '(no spaces inside one requirement).'
      )
    }
  }
  return items
}
