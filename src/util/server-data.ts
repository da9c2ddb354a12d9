/**
 * The door for data a server sends: file names and JSON shapes are checked here, where a listing or
 * record enters, before anything is fetched or written. A failure names the server and the record.
 *
 * File names: a wheel name as the binary distribution format spec (PEP 427/491) writes it, or an sdist name
 * as PEP 625 writes it (`{name}-{version}.tar.gz`); like Warehouse (warehouse/forklift/legacy.py refuses
 * `/`, `\` and the characters 0-31 and 127 in an upload's filename), no path separator and no control
 * character; at most 255 characters (a file name on the common file systems).
 */
import { UploadError } from '../errors.js'
import { inert } from './inert.js'

export const MAX_FILE_NAME = 255

const COMPONENT = '[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?'
const VERSION = '[A-Za-z0-9][A-Za-z0-9._!+]*'
const WHEEL = new RegExp(
  `^${COMPONENT}-${VERSION}(?:-\\d[A-Za-z0-9_.]*)?-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+-[A-Za-z0-9_.]+\\.whl$`
)
const SDIST = new RegExp(`^${COMPONENT}-${VERSION}\\.tar\\.gz$`)

/** A data error from a server: what it sent and where. */
export class ServerDataError extends UploadError {}

/** Why `name` is not a distribution file name, or undefined when it is one. */
export function fileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `is ${name === null ? 'null' : typeof name}, not a file name`
  if (name.length === 0) return 'is empty'
  if ([...name].length > MAX_FILE_NAME) return `is longer than ${MAX_FILE_NAME} characters`
  if (/[/\\]/.test(name)) return 'holds a path separator (/ or \\)'
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f-\x9f]/.test(name)) return 'holds a control character'
  if (!WHEEL.test(name) && !SDIST.test(name)) {
    return 'is neither a wheel name (PEP 427) nor an sdist name (PEP 625)'
  }
  return undefined
}

/** Whether a name could be written as a file at all (no separator, no control character, bounded). */
export function isSafeFileName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && [...name].length <= MAX_FILE_NAME && !/[/\\\x00-\x1f\x7f-\x9f]/.test(name)
}

/**
 * The name itself, when it is a wheel or sdist file name; otherwise an error naming the server and the
 * record (the name is shown inert).
 */
export function serverFileName(server: string, record: string, name: unknown): string {
  const problem = fileNameProblem(name)
  if (!problem) return name as string
  const shown = typeof name === 'string' ? ` "${inert(name, 120)}"` : ''
  throw new ServerDataError(
    `${server} sent ${record} whose file name${shown} ${problem}: nothing was downloaded or uploaded. ` +
      'Remove or rename that file on the server.'
  )
}
