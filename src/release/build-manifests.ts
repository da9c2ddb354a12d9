/**
 * The build runs' manifests: every SHA256SUMS under the build-manifests directory (as
 * actions/download-artifact lays out the `*-manifest` artifacts of the build runs: one directory per
 * artifact) with the build-provenance.json beside it, and the check that ties the release to the build:
 * each staged file's sha256 must be one a build run wrote for that file name. A file no manifest lists, or
 * listed with other bytes, stops the release before anything is sent.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError, UploadError } from '../errors.js'
import { PROVENANCE_FILE, PROVENANCE_SCHEMA, SUMS_FILE } from '../publish/manifest.js'
import { inert } from '../util/inert.js'
import { parseSha256Sums } from '../util/sha256sums.js'

const SUMS = SUMS_FILE
const PROVENANCE = PROVENANCE_FILE
const SCHEMA = PROVENANCE_SCHEMA
/** Bounds: a manifest lists a job's wheels; a release reads a few dozen manifests. */
const MAX_FILE = 1024 * 1024
const MAX_MANIFESTS = 2000
const MAX_DEPTH = 4

export interface BuiltFile {
  sha256: string
  /** Which run built it, for the log and the report. */
  run: string
  /** The SHA256SUMS it is listed in. */
  manifest: string
}

export interface BuildManifests {
  dir: string
  count: number
  files: Map<string, BuiltFile[]>
}

/** `<repo> run <id> attempt <n> (<workflow ref>, job <job>, commit <sha>) <url>`, from build-provenance.json. */
function describeRun(file: string): string {
  if (!fs.existsSync(file)) return `an unknown run (no ${PROVENANCE} beside it)`
  let p: unknown
  try {
    if (fs.statSync(file).size > MAX_FILE) throw new Error('too large')
    p = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new UploadError(`${file} is not a readable build-provenance file: ${inert((err as Error).message)}`)
  }
  const o = (p ?? {}) as { schema?: unknown; run?: Record<string, unknown> }
  if (o.schema !== SCHEMA || typeof o.run !== 'object' || o.run === null) {
    throw new UploadError(`${file} is not a ${SCHEMA} file (its schema is ${inert(String(o.schema), 80)}).`)
  }
  const s = (k: string): string => (typeof o.run![k] === 'string' ? inert(o.run![k], 200) : '')
  if (!s('runId')) return `a run outside GitHub Actions (${path.basename(path.dirname(file))})`
  const url =
    s('serverUrl') && s('repository')
      ? ` ${s('serverUrl')}/${s('repository')}/actions/runs/${s('runId')}`
      : ''
  return `${s('repository')} run ${s('runId')} attempt ${s('runAttempt')} (${s('workflowRef')}, job ${s('job')}, commit ${s('sha')})${url}`
}

/** Every SHA256SUMS under `dir` (depth ≤ 4, symlinks not followed), sorted. */
function findSums(dir: string): string[] {
  const found: string[] = []
  const walk = (d: string, depth: number): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name)
      if (e.isDirectory() && depth < MAX_DEPTH) walk(p, depth + 1)
      else if (e.isFile() && e.name === SUMS) found.push(p)
      if (found.length > MAX_MANIFESTS)
        throw new UploadError(
          `${dir} holds more than ${MAX_MANIFESTS} ${SUMS} files: give the directory of one release's manifests.`
        )
    }
  }
  walk(dir, 0)
  return found
}

/**
 * The manifests under `dir`, the build-manifests input (resolved against `workspace`). An input naming no
 * directory, or a directory without any SHA256SUMS, is an InputError: the release would check nothing.
 */
export function readBuildManifests(value: string, workspace: string): BuildManifests {
  const dir = path.resolve(workspace, value)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new InputError(
      'build-manifests',
      `${JSON.stringify(value)} is not a directory (${dir}): download the build runs' *-manifest artifacts there (actions/download-artifact with pattern: '*-manifest'), or leave it empty.`
    )
  }
  const sums = findSums(dir)
  if (!sums.length) {
    throw new InputError(
      'build-manifests',
      `${dir} holds no ${SUMS}: download the build runs' *-manifest artifacts there, or leave it empty.`
    )
  }
  const files = new Map<string, BuiltFile[]>()
  for (const s of sums) {
    if (fs.statSync(s).size > MAX_FILE)
      throw new UploadError(`${s} is larger than ${MAX_FILE} bytes: not a build manifest.`)
    const run = describeRun(path.join(path.dirname(s), PROVENANCE))
    let lines
    try {
      lines = parseSha256Sums(fs.readFileSync(s, 'utf8'), s)
    } catch (err) {
      throw new UploadError(inert((err as Error).message))
    }
    for (const l of lines) {
      const list = files.get(l.name) ?? []
      list.push({ sha256: l.sha256, run, manifest: s })
      files.set(l.name, list)
    }
  }
  return { dir, count: sums.length, files }
}

/**
 * Which run built each staged file; throws UploadError naming each file that no manifest lists or that a
 * manifest lists with other bytes (both sha256 and the run), before anything is sent.
 */
export function checkAgainstManifests(
  staged: ReadonlyArray<{ basename: string; sha256: string }>,
  m: BuildManifests
): Map<string, string> {
  const builtBy = new Map<string, string>()
  const problems: string[] = []
  for (const f of staged) {
    const entries = m.files.get(f.basename) ?? []
    const match = entries.find((e) => e.sha256 === f.sha256)
    if (match) builtBy.set(f.basename, match.run)
    else if (!entries.length)
      problems.push(`${f.basename}: no build manifest lists it (staged sha256 ${f.sha256})`)
    else
      for (const e of entries)
        problems.push(
          `${f.basename}: staged sha256 ${f.sha256}, but ${e.run} built sha256 ${e.sha256} (${e.manifest})`
        )
  }
  if (problems.length) {
    throw new UploadError(
      `Staged files are not the bytes the build runs made (${m.count} manifest(s) under ${m.dir}); nothing was uploaded:\n  ${problems.join('\n  ')}\n` +
        "Stage the files again from the build run, or give that run's manifests in build-manifests."
    )
  }
  return builtBy
}
