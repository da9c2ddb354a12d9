/**
 * PyPI's upload rules, checked on each file before anything is sent, in the spirit of warehouse's
 * forklift/legacy.py `file_upload` (pypi/warehouse): file name, core metadata, RECORD, WHEEL tags, size.
 * A failure names the file and the rule; nothing of the release is uploaded then.
 */
import { createHash } from 'node:crypto'
import { gunzipSync, unzipSync } from 'fflate'
import { header, headers, parseCoreMetadata, type CoreMetadata } from '../publish/anaconda/metadata.js'
import { gzipProblems, memberPathProblem, zipProblems } from '../util/archive-check.js'
import { canonicalVersion, fileNamePart, normalizeName, parseDistName } from './names.js'
import { platformProblems } from './platform-tags.js'

/** warehouse/constants.py MAX_FILESIZE (a project may have a higher limit granted). */
export const MAX_FILE_SIZE = 100 * 1024 * 1024

/** Metadata-Version values PyPI accepts (warehouse/forklift/metadata.py); 2.0 was never valid. */
const METADATA_VERSIONS = new Set(['1.0', '1.1', '1.2', '2.1', '2.2', '2.3', '2.4', '2.5'])

export interface CheckedFile {
  basename: string
  kind: 'wheel' | 'sdist'
  meta: CoreMetadata
  /** METADATA or PKG-INFO as text, for the metadata check in Python (metadata-check.ts). */
  metadataText: string
  /** A wheel's .dist-info/entry_points.txt, when it has one. */
  entryPoints?: string
  /** The wheel's python tag, `source` for an sdist (the upload's pyversion field). */
  pyversion: string
  problems: string[]
}

/** Minimal ustar reader: the regular files of a tar archive (enough for an sdist's PKG-INFO). */
function tarFiles(tar: Uint8Array, want: (name: string) => boolean): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>()
  const text = (a: number, n: number): string =>
    Buffer.from(tar.subarray(a, a + n))
      .toString('latin1')
      .replace(/\0.*$/s, '')
  let longName: string | undefined
  for (let off = 0; off + 512 <= tar.length;) {
    if (tar[off] === 0) break
    const size = parseInt(text(off + 124, 12).trim() || '0', 8)
    const type = String.fromCharCode(tar[off + 156] || 48)
    const prefix = text(off + 345, 155)
    let name = longName ?? (prefix ? `${prefix}/${text(off, 100)}` : text(off, 100))
    longName = undefined
    const data = tar.subarray(off + 512, off + 512 + size)
    if (type === 'L') longName = Buffer.from(data).toString('utf8').replace(/\0.*$/s, '')
    else if (type === 'x') {
      const path = /\d+ path=([^\n]*)\n/.exec(Buffer.from(data).toString('utf8'))?.[1]
      if (path) longName = path
    } else if ((type === '0' || type === '\0') && want((name = name.replace(/^\.\//, '')))) {
      out.set(name, data)
    }
    off += 512 + Math.ceil(size / 512) * 512
  }
  return out
}

const b64url = (data: Uint8Array, algo: string): string => createHash(algo).update(data).digest('base64url')

function checkMetadata(meta: CoreMetadata, name: string, version: string, problems: string[]): void {
  const mv = header(meta, 'Metadata-Version')
  if (!mv || !METADATA_VERSIONS.has(mv)) {
    problems.push(
      `Metadata-Version ${mv ?? '(none)'} is not one PyPI accepts (${[...METADATA_VERSIONS].join(', ')})`
    )
  }
  const mname = header(meta, 'Name')
  const mversion = header(meta, 'Version')
  if (!mname || normalizeName(mname) !== normalizeName(name)) {
    problems.push(`METADATA Name ${mname ?? '(none)'} does not match the file name's ${name}`)
  }
  if (!mversion || canonicalVersion(mversion) !== canonicalVersion(version.replace(/_/g, '-'))) {
    problems.push(`METADATA Version ${mversion ?? '(none)'} does not match the file name's ${version}`)
  }
  if (mversion?.includes('+')) problems.push(`the version ${mversion} is local, which PyPI refuses`)
}

/**
 * The License-File entries PyPI looks for: none below Metadata-Version 2.4, where twine does not send them
 * (pypa/twine twine/package.py); each must then be in the file (warehouse forklift/legacy.py).
 */
function licenseFiles(meta: CoreMetadata): string[] {
  const m = /^(\d+)\.(\d+)$/.exec(header(meta, 'Metadata-Version') ?? '')
  const atLeast24 = !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 4))
  return atLeast24 ? headers(meta, 'License-File') : []
}

/** Signatures of RECORD, which RECORD cannot list (binary distribution format spec; warehouse utils/wheel.py). */
const RECORD_EXEMPT = ['RECORD.jws', 'RECORD.p7s']

type Read = { meta: CoreMetadata; text: string; entryPoints?: string } | undefined

function checkWheel(basename: string, data: Uint8Array, problems: string[]): Read {
  const d = parseDistName(basename)!
  problems.push(...platformProblems([...new Set(d.tags.map((t) => t.split('-')[2]))]))
  // The archive's shape first (paths, duplicates, sizes, ratio), from its central directory: only a safe
  // archive is inflated below.
  const unsafe = zipProblems(data)
  if (unsafe.length) {
    problems.push(...unsafe)
    return undefined
  }
  let files: Record<string, Uint8Array>
  try {
    files = unzipSync(data)
  } catch (err) {
    problems.push(`it is not a valid zip: ${(err as Error).message}`)
    return undefined
  }
  const distInfo = `${d.name}-${d.version}.dist-info`
  const metaBytes = files[`${distInfo}/METADATA`]
  if (!metaBytes) {
    problems.push(`${distInfo}/METADATA is missing`)
    return undefined
  }
  const text = Buffer.from(metaBytes).toString('utf8')
  const meta = parseCoreMetadata(text)
  const ep = files[`${distInfo}/entry_points.txt`]
  const read = { meta, text, ...(ep ? { entryPoints: Buffer.from(ep).toString('utf8') } : {}) }
  checkMetadata(meta, d.name, d.version, problems)
  for (const lf of licenseFiles(meta)) {
    if (!files[`${distInfo}/licenses/${lf}`])
      problems.push(`License-File ${lf} is not at ${distInfo}/licenses/${lf}`)
  }
  const wheel = files[`${distInfo}/WHEEL`]
  if (!wheel) problems.push(`${distInfo}/WHEEL is missing`)
  else {
    const tags = headers(parseCoreMetadata(Buffer.from(wheel).toString('utf8')), 'Tag').sort()
    if (tags.join(' ') !== [...d.tags].sort().join(' ')) {
      problems.push(
        `WHEEL lists the tags ${tags.join(' ') || '(none)'}, the file name says ${d.tags.join(' ')}`
      )
    }
  }
  const record = files[`${distInfo}/RECORD`]
  if (!record) {
    problems.push(`${distInfo}/RECORD is missing`)
    return read
  }
  const listed = new Set<string>()
  for (const line of Buffer.from(record).toString('utf8').split(/\r?\n/)) {
    if (!line.trim()) continue
    // RECORD is CSV; a path holding a comma is quoted.
    const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),([^,]*),([^,]*)$/.exec(line)
    if (!m) {
      problems.push(`RECORD line ${JSON.stringify(line)} is not path,hash,size`)
      continue
    }
    const path = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2]
    listed.add(path)
    const [hash, size] = [m[3], m[4]]
    const content = files[path]
    if (!content) {
      problems.push(`RECORD lists ${path}, which the wheel does not hold`)
      continue
    }
    if (!hash) continue
    const [algo, digest] = hash.split('=', 2)
    if (!['sha256', 'sha384', 'sha512'].includes(algo)) {
      problems.push(`RECORD hashes ${path} with ${algo}, not sha256 or stronger`)
    } else if (b64url(content, algo) !== digest) {
      problems.push(`${path} does not match its RECORD hash`)
    }
    if (size && Number(size) !== content.length) problems.push(`${path} does not match its RECORD size`)
  }
  const exempt = new Set(RECORD_EXEMPT.map((f) => `${distInfo}/${f}`))
  for (const p of Object.keys(files)) {
    if (!p.endsWith('/') && !listed.has(p) && !exempt.has(p)) problems.push(`${p} is not listed in RECORD`)
  }
  return read
}

function checkSdist(basename: string, data: Uint8Array, problems: string[]): Read {
  const d = parseDistName(basename)!
  // PEP 625: {normalized name with _}-{version}.tar.gz
  if (d.name !== fileNamePart(d.name) || canonicalVersion(d.version) !== d.version) {
    problems.push(
      `the name is not PEP 625's ${fileNamePart(d.name)}-${canonicalVersion(d.version) ?? d.version}.tar.gz`
    )
  }
  const unsafe = gzipProblems(data)
  if (unsafe.length) {
    problems.push(...unsafe)
    return undefined
  }
  let tar: Uint8Array
  try {
    tar = gunzipSync(data)
  } catch (err) {
    problems.push(`it is not a valid gzip file: ${(err as Error).message}`)
    return undefined
  }
  const seen = new Set<string>()
  tarFiles(tar, (n) => {
    const bad = memberPathProblem(n)
    if (bad) problems.push(`member ${JSON.stringify(n).slice(0, 200)} ${bad}`)
    else if (seen.has(n)) problems.push(`member ${JSON.stringify(n).slice(0, 200)} is in the archive twice`)
    seen.add(n)
    return false
  })
  if (problems.length) return undefined
  const top = `${d.name}-${d.version}`
  const members = tarFiles(tar, () => true)
  const pkgInfo = members.get(`${top}/PKG-INFO`)
  if (!pkgInfo) {
    problems.push(`${top}/PKG-INFO is missing`)
    return undefined
  }
  const text = Buffer.from(pkgInfo).toString('utf8')
  const meta = parseCoreMetadata(text)
  checkMetadata(meta, d.name, d.version, problems)
  for (const lf of licenseFiles(meta)) {
    if (!members.has(`${top}/${lf}`)) problems.push(`License-File ${lf} is not at ${top}/${lf}`)
  }
  return { meta, text }
}

/** Every rule for one file; `problems` is empty when PyPI would take it. */
export function checkFile(basename: string, data: Uint8Array): CheckedFile {
  const problems: string[] = []
  const d = parseDistName(basename)
  const empty = parseCoreMetadata('')
  if (!d) {
    return {
      basename,
      kind: 'sdist',
      meta: empty,
      metadataText: '',
      pyversion: '',
      problems: ['the name is neither a wheel nor a .tar.gz sdist']
    }
  }
  if (data.length > MAX_FILE_SIZE) problems.push(`it is ${data.length} bytes, over PyPI's 100 MiB limit`)
  if (d.kind === 'wheel' && d.name !== fileNamePart(d.name)) {
    problems.push(`the name part ${d.name} is not the normalised ${fileNamePart(d.name)}`)
  }
  const read = (d.kind === 'wheel' ? checkWheel : checkSdist)(basename, data, problems)
  return {
    basename,
    kind: d.kind,
    meta: read?.meta ?? empty,
    metadataText: read?.text ?? '',
    ...(read?.entryPoints !== undefined ? { entryPoints: read.entryPoints } : {}),
    pyversion: d.kind === 'wheel' ? d.wheel!.python : 'source',
    problems
  }
}
