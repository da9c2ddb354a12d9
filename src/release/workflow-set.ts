/**
 * The release set read from the build workflows: every (Python, platform) job of the wheel workflows'
 * matrices (.github/workflows/build-wheels.yml and build-wheels-windows.yml) is one wheel the release
 * expects. src/release/default-set.ts holds the result, written by scripts/release-set.mjs; the same script
 * with --check (run by scripts/lint-workflows.sh) fails when the workflows and that file drift apart.
 *
 * Dependency-light on purpose, like src/workflow-siblings.ts: only `yaml`, so that node runs this file
 * directly (type stripping) from scripts/. Values are read with YAML's failsafe schema (every scalar is a
 * string: python 3.10 stays "3.10").
 */
import { parse } from 'yaml'

export interface WorkflowText {
  /** The file's path as the caller knows it (used in messages only). */
  path: string
  content: string
}

export interface ReleaseSet {
  /** Interpreter tags in matrix order, e.g. cp311. */
  pythons: string[]
  /** File-name globs of the platform tags in matrix order, e.g. manylinux*_x86_64. */
  platforms: string[]
}

type Row = Record<string, string>

/** The rows a GitHub matrix expands to: the cross product of its lists, then `include` (GitHub's rules). */
export function expandMatrix(matrix: Record<string, unknown>): Row[] {
  const axes = Object.entries(matrix).filter(([k]) => k !== 'include' && k !== 'exclude')
  let rows: Row[] = [{}]
  for (const [key, values] of axes) {
    if (!Array.isArray(values)) throw new Error(`matrix.${key} is not a list`)
    rows = rows.flatMap((r) => values.map((v) => ({ ...r, [key]: String(v) })))
  }
  const exclude = (matrix.exclude ?? []) as Row[]
  rows = rows.filter((r) => !exclude.some((e) => Object.entries(e).every(([k, v]) => r[k] === String(v))))
  const original = axes.map(([k]) => k)
  for (const inc of (matrix.include ?? []) as Row[]) {
    // An include entry extends every row whose original values it does not overwrite; when it extends
    // none, it is a row of its own.
    let used = false
    for (const r of rows) {
      const clash = Object.entries(inc).some(([k, v]) => original.includes(k) && r[k] !== String(v))
      if (clash) continue
      Object.assign(r, inc)
      used = true
    }
    if (!used) rows.push({ ...inc })
  }
  return rows
}

/** `3.12` → cp312, `3.14t` → cp314t. */
export function pythonTag(version: string): string {
  const m = /^3\.(\d+)(t?)$/.exec(version.trim())
  if (!m) throw new Error(`python ${JSON.stringify(version)} is not a CPython version such as 3.12`)
  return `cp3${m[1]}${m[2]}`
}

/** The platform tag glob of a job: the runner's OS (from its label) and the arch the job builds. */
export function platformGlob(os: string, arch: string): string {
  const family = /^ubuntu|^linux/.test(os)
    ? 'linux'
    : /^macos/.test(os)
      ? 'macos'
      : /^windows/.test(os)
        ? 'windows'
        : ''
  const key = `${family} ${arch}`
  const globs: Record<string, string> = {
    'linux x86_64': 'manylinux*_x86_64',
    'linux aarch64': 'manylinux*_aarch64',
    'macos x86_64': 'macosx_*_x86_64',
    'macos arm64': 'macosx_*_arm64',
    'windows x64': 'win_amd64',
    'windows x86': 'win32',
    'windows arm64': 'win_arm64'
  }
  const glob = globs[key]
  if (!glob)
    throw new Error(`runner ${JSON.stringify(os)} with arch ${JSON.stringify(arch)} has no known wheel tag`)
  return glob
}

/** The (python, platform) pairs one workflow's build job makes. */
export function workflowJobs(file: WorkflowText): Array<{ python: string; platform: string }> {
  const doc = parse(file.content, { schema: 'failsafe' }) as {
    jobs?: Record<string, { strategy?: { matrix?: Record<string, unknown> } }>
  } | null
  const matrix = doc?.jobs?.build?.strategy?.matrix
  if (!matrix) throw new Error(`${file.path} has no jobs.build.strategy.matrix`)
  return expandMatrix(matrix).map((r, i) => {
    if (!r.os || !r.arch || !r.python)
      throw new Error(`${file.path}: matrix row ${i + 1} lacks os, arch or python (${JSON.stringify(r)})`)
    try {
      return { python: pythonTag(r.python), platform: platformGlob(r.os, r.arch) }
    } catch (err) {
      throw new Error(`${file.path}: ${(err as Error).message}`)
    }
  })
}

/**
 * The set of all wheel workflows together. Every Python must be built on every platform (the release
 * expects a full grid); a hole in the grid is an error naming it.
 */
export function releaseSetOf(files: WorkflowText[]): ReleaseSet {
  const jobs = files.flatMap(workflowJobs)
  const pythons = [...new Set(jobs.map((j) => j.python))]
  const platforms = [...new Set(jobs.map((j) => j.platform))]
  const holes = platforms.flatMap((p) =>
    pythons
      .filter((py) => !jobs.some((j) => j.python === py && j.platform === p))
      .map((py) => `${py} on ${p}`)
  )
  if (holes.length) throw new Error(`the wheel workflows do not build a full grid: no ${holes.join(', no ')}`)
  return { pythons, platforms }
}

/** The text of src/release/default-set.ts for a set, laid out as prettier lays it out. */
export function renderDefaultSet(set: ReleaseSet, sources: string[]): string {
  const decl = (name: string, xs: string[]): string => {
    const head = `export const ${name}: readonly string[] = `
    const one = `${head}[${xs.map((x) => `'${x}'`).join(', ')}]`
    return one.length <= 110 ? one : `${head}[\n${xs.map((x) => `  '${x}'`).join(',\n')}\n]`
  }
  return [
    '// Generated by scripts/release-set.mjs (`npm run release-set`): do not edit. Read from',
    ...sources.map((s) => `// ${s}`),
    '// scripts/lint-workflows.sh fails when this file is not what those matrices give.',
    '',
    '/** The interpreters the wheel workflows build. */',
    decl('DIPY_PYTHONS', set.pythons),
    '',
    '/** The platforms they build, as file-name globs of the platform tag. */',
    decl('DIPY_PLATFORMS', set.platforms),
    ''
  ].join('\n')
}
