/**
 * Fails early, before anything compiles, when a target cannot work: pip itself is asked, with the index
 * it is configured with (PIP_INDEX_URL, pip.conf, or pip's own default), whether each build and test
 * requirement has a wheel for the target's tags. SciPy and h5py publish no win32 wheels for CPython 3.11+,
 * so a 32-bit Windows build of dipy stops here rather than after pip tried to compile SciPy from source.
 *
 * pip's own options make the question (pip's "pip install" documentation): --dry-run --report resolves
 * without installing; --only-binary :all: never builds an sdist; --platform/--python-version/
 * --implementation/--abi give the target's tags instead of the running interpreter's; --no-deps, which
 * these options need, checks each requirement itself. For a requirement without a wheel, `pip index
 * versions --no-binary :all:` tells whether the index has an sdist pip would compile instead.
 */
import type { Command } from '../exec.js'
import { cpythonTag } from '../util/cpython.js'
import {
  evaluateMarker,
  parseRequirement,
  satisfies,
  type MarkerEnv,
  type Requirement
} from './requirement.js'

/** The target's tags: CPython `version` (3.12) on any of `platforms` (win32, macosx_11_0_arm64, ...). */
export interface PipTarget {
  version: string
  platforms: readonly string[]
}

/** The wheel tag the messages name: cp312-cp312-win32. */
export const targetTag = (t: PipTarget): string => {
  const cp = cpythonTag(t.version)
  return `${cp}-${cp}-${t.platforms[0]}`
}

/** pip's target options: the platforms, the Python version, CPython and its ABIs (cp312, abi3, none). */
export function pipTargetArgs(t: PipTarget): string[] {
  const cp = cpythonTag(t.version)
  return [
    ...t.platforms.flatMap((p) => ['--platform', p]),
    '--python-version',
    t.version,
    '--implementation',
    'cp',
    ...[cp, 'abi3', 'none'].flatMap((a) => ['--abi', a])
  ]
}

const QUIET = ['--disable-pip-version-check', '--no-input']

/** Asks pip for a wheel of each requirement for the target, installing nothing (the report on stdout). */
export function planWheelQuery(python: string, t: PipTarget, requirements: readonly string[]): Command {
  return {
    command: python,
    args: [
      '-m',
      'pip',
      'install',
      '--dry-run',
      '--ignore-installed',
      '--no-deps',
      '--only-binary',
      ':all:',
      ...QUIET,
      '--quiet',
      '--report',
      '-',
      ...pipTargetArgs(t),
      '--',
      ...requirements
    ]
  }
}

/** Asks pip which versions of a project the index has as an sdist usable by the target's Python. */
export function planSdistQuery(python: string, t: PipTarget, project: string): Command {
  return {
    command: python,
    args: [
      '-m',
      'pip',
      'index',
      'versions',
      '--no-binary',
      ':all:',
      ...QUIET,
      ...pipTargetArgs(t),
      '--',
      project
    ]
  }
}

/** What the index names is kept only as a plain file name or version (it goes into the log). */
const isFileName = (s: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._+!-]{0,199}$/.test(s)

/** The file names of the wheels a --report names ([] when it is not a report). */
export function reportedWheels(stdout: string): string[] {
  try {
    const start = stdout.indexOf('{')
    const report = JSON.parse(stdout.slice(start)) as {
      install?: Array<{ download_info?: { url?: unknown } }>
    }
    return (report.install ?? [])
      .map((i) => i.download_info?.url)
      .filter((u): u is string => typeof u === 'string')
      .map((u) => decodeURIComponent(u.split('#')[0].split('?')[0].split('/').pop() ?? ''))
      .filter(isFileName)
  } catch {
    return []
  }
}

/** What pip said it could not find: "No matching distribution found for <requirement>". */
export function pipNotFound(output: string): string[] {
  return [...output.matchAll(/No matching distribution found for (\S.*?)\s*$/gm)].map((m) => m[1])
}

/**
 * pip could not read the index (no connection, TLS or proxy trouble, a server error; at -vv pip names the
 * page it could not fetch): then "from versions: none" says nothing about the target, and the check must
 * not stop the run. A 404 is an answer (no such project).
 */
export function pipCouldNotAsk(output: string): boolean {
  return (
    /Retrying \(Retry\(|NewConnectionError|Failed to establish a new connection|ProxyError|SSLError/.test(
      output
    ) ||
    /Could not fetch URL \S+: (connection error|There was a problem confirming the ssl certificate|.*\b5\d\d Server Error|.*timed out)/i.test(
      output
    )
  )
}

/** The versions `pip index versions` listed ([] when it found none). */
export function indexVersions(stdout: string): string[] {
  const line = /^Available versions:\s*(.*)$/m.exec(stdout)?.[1] ?? ''
  return line
    .split(',')
    .map((v) => v.trim())
    .filter(isFileName)
}

export interface TargetRequirement {
  kind: 'build' | 'test'
  requirement: Requirement
  /** What pip is given: the requirement without its marker (pip would judge it for the running Python). */
  pipText: string
}

/** The requirements that apply to the target (its markers), in order; unparsable or URL ones are left out. */
export function targetRequirements(
  buildRequires: readonly string[],
  testRequires: readonly string[],
  markers: MarkerEnv
): TargetRequirement[] {
  const out: TargetRequirement[] = []
  const groups: Array<['build' | 'test', readonly string[]]> = [
    ['build', buildRequires],
    ['test', testRequires]
  ]
  for (const [kind, list] of groups) {
    for (const text of list) {
      const req = parseRequirement(text)
      if (!req || (req.marker && !evaluateMarker(req.marker, markers))) continue
      out.push({ kind, requirement: req, pipText: text.split(';')[0].trim() })
    }
  }
  return out
}

export interface TargetProblem {
  kind: 'build' | 'test'
  requirement: string
  why: string
}

/** Why a requirement pip found no wheel for cannot work, from the sdist versions the index has. */
export function problemFor(
  r: TargetRequirement,
  tag: string,
  sdistVersions: readonly string[]
): TargetProblem {
  const fits = sdistVersions.filter((v) => satisfies(v, r.requirement))
  const source = fits.length
    ? `only an sdist (${fits[0]}${fits.length > 1 ? ', ...' : ''}), which pip would compile from source`
    : 'no sdist either'
  return { kind: r.kind, requirement: r.requirement.text, why: `pip finds no wheel for ${tag}; ${source}` }
}

/** The error message: each requirement that cannot work, and what to do. */
export function formatTargetProblems(problems: TargetProblem[], targetName: string): string {
  const lines = problems.map((p) => `- ${p.kind} requirement ${p.requirement}: ${p.why}`)
  return (
    `Cannot build for ${targetName}: ${problems.length} requirement${problems.length > 1 ? 's have' : ' has'} no wheel for it.\n` +
    `${lines.join('\n')}\n` +
    'Nothing was compiled. Build for another architecture or Python version, or provide wheels for these ' +
    "requirements on an index pip can reach (PIP_INDEX_URL / PIP_EXTRA_INDEX_URL, or pip's configuration)."
  )
}
