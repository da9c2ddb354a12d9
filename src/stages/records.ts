import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { ActionError, messageOf } from '../errors.js'
import type { PipelineState, WheelRecord } from '../state.js'
import { graftedLibraries, parseWheelName, sha256File } from '../util/wheel-file.js'

/** The size, hash, tags and grafted libraries of a wheel in the wheelhouse. */
export function wheelRecord(python: string, file: string): WheelRecord {
  const name = path.basename(file)
  return {
    python,
    path: file,
    name,
    tags: parseWheelName(name)?.tags ?? '',
    size: fs.statSync(file).size,
    sha256: sha256File(file),
    grafted: graftedLibraries(file),
    tested: false
  }
}

/** Records a failure; with fail-fast it ends the loop (rethrows), else the loop goes on. */
export function fail(state: PipelineState, python: string, step: string, err: unknown): void {
  const message = messageOf(err)
  state.failures.push({ python, step, message })
  if (state.inputs.failFast) throw err
  core.error(`Python ${python} failed at ${step}: ${message}`)
}

/** Throws the summary of the failures (fail-fast: false), once every version was tried. */
export function throwIfFailed(state: PipelineState): void {
  if (state.failures.length === 0) return
  const lines = state.failures.map((f) => `- Python ${f.python}, ${f.step}: ${f.message.split('\n')[0]}`)
  const ok = state.wheels.map((w) => w.name)
  throw new ActionError(
    `${state.failures.length} of ${state.inputs.pythonVersions.length} Python versions failed:\n${lines.join('\n')}` +
      (ok.length ? `\nThese wheels were made: ${ok.join(', ')}` : '')
  )
}
