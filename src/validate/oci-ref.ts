/**
 * Container image references by the OCI distribution grammar (github.com/distribution/reference,
 * reference.go): [host[:port]/]path[:tag][@digest], path components lowercase alphanumerics joined by
 * '.', '_', '__' or dashes, a tag of at most 128 word characters, dots and dashes, the name at most 255.
 */
import { InputError } from '../errors.js'

const ALNUM = '[a-z0-9]+'
const SEPARATOR = '(?:[._]|__|-+)'
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]'
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'
const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`)

const NAME_MAX = 255

/** Whether a text is an image reference docker would accept (e.g. quay.io/pypa/manylinux_2_28_x86_64:2025.01.01). */
export function isImageReference(value: string): boolean {
  const m = REFERENCE.exec(value)
  return m !== null && m[1].length <= NAME_MAX
}

/** The container input: auto, off, or an image reference. */
export function containerInput(input: string, value: string): string {
  if (value === 'auto' || value === 'off' || isImageReference(value)) return value
  throw new InputError(
    input,
    `${JSON.stringify(value)} is not auto, off or an image reference ([registry/]name[:tag][@sha256:digest], ` +
      'lowercase name, e.g. quay.io/pypa/manylinux_2_28_x86_64).'
  )
}
