/**
 * A wheel's METADATA turned into the JSON bodies anaconda-client 1.14 sends (anaconda-client binstar_client/inspect_package/pypi.py and commands/upload.py):
 * package (add_package), release (add_release) and stage. Pure functions over the file's bytes.
 */
import { createHash } from 'node:crypto'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { zipProblems } from '../../util/archive-check.js'
import { UploadError } from '../../errors.js'

/** RFC 822 headers (repeatable, in order) and the body of a METADATA file. */
export interface CoreMetadata {
  headers: Array<[string, string]>
  body: string
}

export function parseCoreMetadata(text: string): CoreMetadata {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const headers: Array<[string, string]> = []
  let i = 0
  for (; i < lines.length; i++) {
    const line = lines[i]
    if (line === '') {
      i++
      break
    }
    if (/^[ \t]/.test(line) && headers.length) {
      // A folded continuation line.
      headers[headers.length - 1][1] += '\n' + line.replace(/^[ \t]+/, '')
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return { headers, body: lines.slice(i).join('\n') }
}

/** The first value of a header (case-insensitive); `UNKNOWN` counts as missing, like anaconda-client. */
export function header(meta: CoreMetadata, name: string): string | undefined {
  const v = meta.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
  return v === undefined || v === '' || v === 'UNKNOWN' ? undefined : v
}

export function headers(meta: CoreMetadata, name: string): string[] {
  return meta.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase()).map(([, v]) => v)
}

export interface Dependencies {
  has_dep_errors: false
  depends: Array<{ name: string; specs: Array<[string, string]> }>
  extras: Array<{ name: string; depends: Dependencies['depends'] }>
  environments: Array<{ name: string; depends: Dependencies['depends'] }>
}

/** `numpy (>=1.22,<3) ; extra == 'x'` → name, specs, marker. */
export function parseRequirement(
  req: string
): { name: string; specs: Array<[string, string]>; marker: string } | undefined {
  const semi = req.indexOf(';')
  const spec = (semi >= 0 ? req.slice(0, semi) : req).trim()
  const marker = semi >= 0 ? req.slice(semi + 1).trim() : ''
  const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/.exec(spec)
  if (!m) return undefined
  const name = m[1].toLowerCase().replace(/[._]/g, '-')
  const specs: Array<[string, string]> = []
  for (const part of m[3].replace(/^\(|\)$/g, '').split(',')) {
    const s = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/.exec(part)
    if (s) specs.push([s[1], s[2]])
  }
  return { name, specs, marker }
}

/** The `dependencies` object of the stage body, from every Requires-Dist and Requires header. */
export function dependenciesOf(meta: CoreMetadata): Dependencies {
  const depends: Dependencies['depends'] = []
  const extras = new Map<string, Dependencies['depends']>()
  const environments = new Map<string, Dependencies['depends']>()
  for (const req of [...headers(meta, 'Requires-Dist'), ...headers(meta, 'Requires')]) {
    const r = parseRequirement(req)
    if (!r) continue
    const dep = { name: r.name, specs: r.specs }
    const extra = /^extra\s*==\s*['"]([^'"]+)['"]/.exec(r.marker)
    if (extra) extras.set(extra[1], [...(extras.get(extra[1]) ?? []), dep])
    else if (r.marker) environments.set(r.marker, [...(environments.get(r.marker) ?? []), dep])
    else depends.push(dep)
  }
  const sorted = (d: Dependencies['depends']): Dependencies['depends'] =>
    [...d].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    has_dep_errors: false,
    depends: sorted(depends),
    extras: [...extras].map(([name, d]) => ({ name, depends: sorted(d) })),
    environments: [...environments].map(([name, d]) => ({ name, depends: sorted(d) }))
  }
}

/** The file attributes anaconda-client derives from a wheel's file name. */
export function wheelFileAttrs(basename: string): {
  build_no: number | string
  python_version: string
  abi: string | null
  packagetype: 'bdist_wheel'
} {
  if (!basename.endsWith('.whl')) throw new UploadError(`${basename} is not a wheel (.whl).`)
  const parts = basename.slice(0, -4).split('-')
  if (parts.length !== 5 && parts.length !== 6) {
    throw new UploadError(
      `Bad wheel package name: ${basename} (expected name-version[-build]-python-abi-platform.whl).`
    )
  }
  const [py, abi] = parts.slice(-3)
  return {
    build_no: parts.length === 6 ? parts[2] : 0,
    python_version: py,
    abi: abi === 'none' ? null : abi,
    packagetype: 'bdist_wheel'
  }
}

/** Everything the upload needs to know of one wheel file. */
export interface WheelInfo {
  path: string
  basename: string
  /** METADATA Name, verbatim. */
  name: string
  version: string
  size: number
  sha256: string
  /** Standard base64 of the raw MD5 digest (the S3 Content-MD5 field). */
  md5Base64: string
  packageBody: Record<string, unknown>
  releaseBody: Record<string, unknown>
  /** The stage body without `channels` (added per upload). */
  stageBase: Record<string, unknown>
  /** The file's bytes, when kept for the S3 POST (see readWheel); not kept past the upload. */
  bytes?: Buffer
}

/** Reads METADATA out of a wheel's bytes. */
export function readMetadata(bytes: Uint8Array, basename: string): CoreMetadata {
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(bytes, { filter: (f) => /^[^/]+\.dist-info\/METADATA$/.test(f.name) })
  } catch (err) {
    throw new UploadError(`${basename} is not a valid wheel (zip): ${(err as Error).message}`)
  }
  const name = Object.keys(files).sort()[0]
  if (!name) throw new UploadError(`${basename} has no *.dist-info/METADATA: it is not a valid wheel.`)
  return parseCoreMetadata(Buffer.from(files[name]).toString('utf8'))
}

/**
 * Everything the upload needs of a wheel, from its bytes. `knownSha256` is the sha256 the build already took
 * of this very file (WheelRecord): then only the MD5 (the S3 Content-MD5, needed before the bytes are sent)
 * is computed here.
 */
export function inspectWheel(file: string, bytes: Buffer, knownSha256?: string): WheelInfo {
  const basename = path.basename(file)
  const attrs = wheelFileAttrs(basename)
  const unsafe = zipProblems(bytes)
  if (unsafe.length) {
    throw new UploadError(
      `${basename} is not a valid wheel to upload (nothing of it was sent):\n  ${unsafe.slice(0, 10).join('\n  ')}`
    )
  }
  const meta = readMetadata(bytes, basename)
  const name = header(meta, 'Name')
  const version = header(meta, 'Version')
  if (!name || !version) throw new UploadError(`${basename}: METADATA has no Name or Version.`)
  const description = header(meta, 'Description') ?? meta.body.replace(/\s+$/, '')
  const license = header(meta, 'License') ?? header(meta, 'License-Expression') ?? null
  return {
    path: file,
    basename,
    name,
    version,
    size: bytes.length,
    sha256: knownSha256?.toLowerCase() ?? createHash('sha256').update(bytes).digest('hex'),
    md5Base64: createHash('md5').update(bytes).digest('base64'),
    packageBody: {
      public: true,
      publish: false,
      public_attrs: {
        name,
        // anaconda-client refuses a package without a summary; we fall back to the name.
        summary: header(meta, 'Summary') ?? name,
        license: { name: license, url: null, family: null },
        package_types: ['pypi']
      }
    },
    releaseBody: {
      requirements: [],
      announce: null,
      description,
      version,
      home_page: header(meta, 'Home-page') ?? null
    },
    stageBase: {
      distribution_type: 'pypi',
      description: null,
      attrs,
      dependencies: dependenciesOf(meta)
    }
  }
}

/** The stage body for these labels. */
export function stageBody(wheel: WheelInfo, labels: string[]): Record<string, unknown> {
  return { ...wheel.stageBase, channels: [...labels], sha256: wheel.sha256 }
}
