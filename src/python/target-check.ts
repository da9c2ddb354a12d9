/**
 * Fails early, before anything compiles, when a target cannot work: each build or test requirement is looked
 * up on the package index (PEP 691 JSON, or PEP 503 HTML from an index that only speaks that), and the ones
 * with no wheel for the target's tags are named, with what the index does have. SciPy and h5py publish no
 * win32 wheels for CPython 3.11+, so a 32-bit Windows build of dipy stops here rather than after pip tried
 * to compile SciPy from source.
 */
import { Http } from '../publish/anaconda/http.js'
import { isSafeFileName, serverFileName } from '../util/server-data.js'
import {
  compatibleTags,
  normaliseName,
  parseWheelFilename,
  sdistVersion,
  type TargetPython
} from './wheel-tags.js'
import {
  evaluateMarker,
  parseRequirement,
  satisfies,
  type MarkerEnv,
  type Requirement
} from './requirement.js'

export interface IndexFile {
  filename: string
  yanked: boolean
}

/** PEP 691: `{"files": [{"filename": ..., "yanked": false | "reason"}, ...]}`. */
export function parseSimpleJson(body: string): IndexFile[] {
  const data = JSON.parse(body) as { files?: Array<{ filename?: unknown; yanked?: unknown }> }
  return (data.files ?? [])
    .filter((f) => typeof f.filename === 'string')
    .map((f) => ({ filename: f.filename as string, yanked: f.yanked !== undefined && f.yanked !== false }))
}

const decodeEntities = (s: string): string =>
  s.replace(
    /&(amp|lt|gt|quot|#39);/g,
    (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e] ?? _
  )

/** PEP 503: one `<a href="...">filename</a>` per file, `data-yanked` marking yanked ones. */
export function parseSimpleHtml(body: string): IndexFile[] {
  const files: IndexFile[] = []
  for (const m of body.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
    const attrs = m[1]
    const href = /href\s*=\s*["']([^"']*)["']/i.exec(attrs)?.[1] ?? ''
    const text = decodeEntities(m[2].trim())
    const fromHref = decodeURIComponent(href.split('#')[0].split('?')[0].split('/').pop() ?? '')
    files.push({ filename: text || fromHref, yanked: /\sdata-yanked/i.test(` ${attrs}`) })
  }
  return files
}

export type FetchPage = (
  url: string,
  accept: string
) => Promise<{ status: number; contentType: string; body: string }>

/**
 * A page through the bounded client (publish/anaconda/http.ts): the index read's time bounds, its body cut
 * at the JSON/HTML ceiling, redirects followed (no credential is sent here), 5xx retried.
 */
export const defaultFetchPage: FetchPage = async (url, accept) => {
  // Advisory (a failure warns): one retry, not the publish client's six.
  const http = new Http({ apiUrl: new URL(url).origin, attempts: 2 })
  const res = await http.request('GET', url, {
    headers: { Accept: accept },
    allow: [200, 404],
    redirect: true
  })
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    body: res.body.toString('utf8')
  }
}

/** The index's file names, checked where they enter: no path separator or control character. */
function admitted(url: string, files: IndexFile[]): IndexFile[] {
  files.forEach((f, i) => {
    if (!isSafeFileName(f.filename))
      serverFileName(`the index at ${new URL(url).host}`, `the file entry ${i}`, f.filename)
  })
  return files
}

const ACCEPT =
  'application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.1'

/** The files of a project on a simple index; undefined when the index has no such project (404). */
export async function projectFiles(
  indexUrl: string,
  project: string,
  fetchPage: FetchPage = defaultFetchPage
): Promise<IndexFile[] | undefined> {
  const url = `${indexUrl.replace(/\/+$/, '')}/${normaliseName(project)}/`
  const res = await fetchPage(url, ACCEPT)
  if (res.status === 404) return undefined
  if (res.status !== 200) throw new Error(`${url} answered HTTP ${res.status}`)
  return admitted(url, /json/i.test(res.contentType) ? parseSimpleJson(res.body) : parseSimpleHtml(res.body))
}

export type Availability =
  { ok: true; wheel: string } | { ok: false; requirement: Requirement; why: string; sdists: string[] }

/** Whether a requirement has a wheel for the target among the index's files (newest version first). */
export function wheelFor(req: Requirement, files: IndexFile[], target: TargetPython): Availability {
  const accepted = new Set(compatibleTags(target))
  const wanted = `cp${target.version.replace('.', '')}-…-${target.platforms[0]}`
  const live = files.filter((f) => !f.yanked)
  const wheels = live
    .map((f) => ({ f, w: parseWheelFilename(f.filename) }))
    .filter((x) => x.w && satisfies(x.w.version, req))
  const fit = wheels.find((x) => x.w!.tags.some((t) => accepted.has(t)))
  if (fit) return { ok: true, wheel: fit.f.filename }
  const sdists = live
    .map((f) => sdistVersion(f.filename, req.name))
    .filter((v): v is string => !!v && satisfies(v, req))
  const why = wheels.length
    ? `no wheel for ${wanted} (${wheels.length} wheel${wheels.length > 1 ? 's' : ''} of matching versions, ` +
      `all for other targets, e.g. ${wheels[0].f.filename})`
    : 'no wheel of a matching version at all'
  return { ok: false, requirement: req, why, sdists }
}

export interface TargetCheckInput {
  indexUrl: string
  target: TargetPython
  /** Marker variables of the target (python_version, sys_platform, platform_machine, ...). */
  markers: MarkerEnv
  buildRequires: readonly string[]
  testRequires: readonly string[]
  /** Projects allowed to come as an sdist built from source (e.g. a pure-Python sdist). */
  allowSource?: readonly string[]
  fetchPage?: FetchPage
}

export interface TargetProblem {
  kind: 'build' | 'test'
  requirement: string
  why: string
}

/** Looks every applicable requirement up; returns the ones that cannot be installed from a wheel. */
export async function checkTarget(input: TargetCheckInput): Promise<TargetProblem[]> {
  const problems: TargetProblem[] = []
  const allow = new Set((input.allowSource ?? []).map(normaliseName))
  const groups: Array<['build' | 'test', readonly string[]]> = [
    ['build', input.buildRequires],
    ['test', input.testRequires]
  ]
  for (const [kind, list] of groups) {
    for (const text of list) {
      const req = parseRequirement(text)
      if (!req || (req.marker && !evaluateMarker(req.marker, input.markers))) continue
      const files = await projectFiles(input.indexUrl, req.name, input.fetchPage)
      if (!files) {
        problems.push({ kind, requirement: req.text, why: `the index has no project ${req.name}` })
        continue
      }
      const a = wheelFor(req, files, input.target)
      if (a.ok || (allow.has(req.name) && a.sdists.length)) continue
      const source = a.sdists.length
        ? `; only sdists (${a.sdists[0]}${a.sdists.length > 1 ? ', ...' : ''}), which pip would compile from source`
        : '; no sdist either'
      problems.push({ kind, requirement: req.text, why: a.why + source })
    }
  }
  return problems
}

/** The error message: each requirement that cannot work, and what to do. */
export function formatTargetProblems(problems: TargetProblem[], targetName: string): string {
  const lines = problems.map((p) => `- ${p.kind} requirement ${p.requirement}: ${p.why}`)
  return (
    `Cannot build for ${targetName}: ${problems.length} requirement${problems.length > 1 ? 's have' : ' has'} no wheel for it.\n` +
    `${lines.join('\n')}\n` +
    'Nothing was compiled. Build for another architecture or Python version, or provide wheels for these ' +
    'requirements on an index the build can reach.'
  )
}

/** Marker variables of a Windows target. */
export function windowsMarkers(version: string, machine: 'x86' | 'AMD64' | 'ARM64'): MarkerEnv {
  return {
    python_version: version,
    python_full_version: `${version}.0`,
    sys_platform: 'win32',
    platform_system: 'Windows',
    os_name: 'nt',
    platform_machine: machine,
    implementation_name: 'cpython',
    platform_python_implementation: 'CPython'
  }
}
