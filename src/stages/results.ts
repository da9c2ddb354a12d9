/** What the stages return: the report renders these, the pipeline decides on them. */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { messageOf } from '../errors.js'
import { sha256File } from '../util/hash.js'
import { graftedLibraries, parseWheelName } from '../util/wheel-file.js'

/** A repaired (and, once tested, tested) wheel in the wheelhouse. */
export interface WheelRecord {
  /** The Python version it was built for, as given (e.g. "3.11"). */
  python: string
  /** Absolute path in the wheelhouse. */
  path: string
  name: string
  /** The wheel's tags (python-abi-platform), e.g. cp311-cp311-manylinux_2_28_x86_64. */
  tags: string
  size: number
  sha256: string
  /** Libraries the repair tool grafted into the wheel. */
  grafted: string[]
  tested: boolean
  /** With the repaired-wheel cache: whether the stored repaired wheel was used instead of the repair. */
  repairReused?: boolean
}

/** One Python version (or 'all', for the dependencies) that failed, at which step, with the error. */
export interface Failure {
  python: string
  step: string
  message: string
  error: unknown
}

/** The size, hash, tags and grafted libraries of a wheel in the wheelhouse. */
export async function wheelRecord(python: string, file: string, tested: boolean): Promise<WheelRecord> {
  const name = path.basename(file)
  return {
    python,
    path: file,
    name,
    tags: parseWheelName(name)?.tags ?? '',
    size: fs.statSync(file).size,
    sha256: await sha256File(file),
    grafted: graftedLibraries(file),
    tested
  }
}

/** What a step threw, tagged with the step's label: the Failure names the step that threw. */
export class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown
  ) {
    super(messageOf(error), { cause: error })
  }
}

/** Runs `fn` as the step `label`: what it throws carries that label (the innermost step's wins). */
export async function step<T>(label: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    throw err instanceof StepFailed ? err : new StepFailed(label, err)
  }
}

/** The Failure of `python` for what a step threw (`fallback` names a throw outside any step). */
export function failureOf(python: string, err: unknown, fallback: string): Failure {
  const { step: label, error } = err instanceof StepFailed ? err : { step: fallback, error: err }
  return { python, step: label, message: messageOf(error), error }
}
