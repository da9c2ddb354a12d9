/**
 * Archives checked before they are uploaded, without inflating them into memory: a wheel's zip central
 * directory (APPNOTE.TXT 4.3.12-4.3.16, with the Zip64 records of 4.3.14-4.3.15 and extra field 0x0001),
 * and each member's deflate stream counted (never kept) against the size the directory declares; an
 * sdist's gzip stream counted the same way.
 *
 * Rules, as installers and the index apply them: every member path is relative and stays inside the archive
 * root once normalised (pip refuses members outside the install root: no `..` escape, no absolute path, no
 * drive letter, no backslash, no control character); no member twice; the uncompressed total at most
 * MAX_UNCOMPRESSED; an archive inflating to more than RATIO_FLOOR bytes inflates at most MAX_RATIO times
 * its size, as a whole: Warehouse's own rule (warehouse/forklift/legacy.py: COMPRESSION_RATIO_MIN_SIZE 64 MiB,
 * COMPRESSION_RATIO_THRESHOLD 50, decompressed total over the file's size). No limit per member: data files
 * that compress very well (dipy's test_ui_text_block.npz inflates 198 times) are fine on the index.
 */
import { Gunzip, Inflate } from 'fflate'

export const MAX_UNCOMPRESSED = 2 * 1024 * 1024 * 1024
export const MAX_RATIO = 50
/** Below this inflated total the ratio is not limited (Warehouse's COMPRESSION_RATIO_MIN_SIZE). */
export const RATIO_FLOOR = 64 * 1024 * 1024
const MAX_MEMBERS = 100_000

interface Member {
  name: string
  method: number
  compressed: number
  size: number
  offset: number
}

/** Why a member path is not safe to extract, or undefined. */
export function memberPathProblem(name: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'holds a control character'
  if (name.includes('\\')) return 'holds a backslash'
  if (name.startsWith('/')) return 'is absolute'
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter'
  let depth = 0
  for (const part of name.split('/')) {
    if (part === '..') depth--
    else if (part !== '' && part !== '.') depth++
    if (depth < 0) return 'leaves the archive root (..)'
  }
  return undefined
}

const u16 = (b: Uint8Array, o: number): number => b[o] | (b[o + 1] << 8)
const u32 = (b: Uint8Array, o: number): number => (u16(b, o) + u16(b, o + 2) * 0x10000) >>> 0
const u64 = (b: Uint8Array, o: number): number => u32(b, o) + u32(b, o + 4) * 0x1_0000_0000

/** The central directory's members, or a problem. */
function centralDirectory(b: Uint8Array): Member[] | string {
  let eocd = -1
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (u32(b, i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) return 'it is not a zip (no end of central directory)'
  let count = u16(b, eocd + 10)
  let offset = u32(b, eocd + 16)
  if (count === 0xffff || offset === 0xffffffff) {
    const loc = eocd - 20
    if (loc < 0 || u32(b, loc) !== 0x07064b50) return 'its Zip64 locator is missing'
    const z = u64(b, loc + 8)
    if (z + 56 > b.length || u32(b, z) !== 0x06064b50) return 'its Zip64 end record is missing'
    count = u64(b, z + 32)
    offset = u64(b, z + 48)
  }
  if (count > MAX_MEMBERS) return `it declares ${count} members, more than ${MAX_MEMBERS}`
  const members: Member[] = []
  let p = offset
  for (let i = 0; i < count; i++) {
    if (p + 46 > b.length || u32(b, p) !== 0x02014b50) return 'its central directory is truncated'
    const nameLen = u16(b, p + 28)
    const extraLen = u16(b, p + 30)
    const m: Member = {
      method: u16(b, p + 10),
      compressed: u32(b, p + 20),
      size: u32(b, p + 24),
      offset: u32(b, p + 42),
      name: new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen))
    }
    // Zip64 extra field: the 8-byte values of the fields set to 0xffffffff, in this order.
    for (let e = p + 46 + nameLen; e + 4 <= p + 46 + nameLen + extraLen;) {
      const id = u16(b, e)
      const len = u16(b, e + 2)
      if (id === 0x0001) {
        let q = e + 4
        for (const k of ['size', 'compressed', 'offset'] as const) {
          if (m[k] === 0xffffffff && q + 8 <= e + 4 + len) {
            m[k] = u64(b, q)
            q += 8
          }
        }
      }
      e += 4 + len
    }
    members.push(m)
    p += 46 + nameLen + extraLen + u16(b, p + 32)
  }
  return members
}

/** Inflates one member, counting (not keeping) the output; a problem when it exceeds its declared size. */
function inflatedSize(b: Uint8Array, m: Member): number | string {
  if (m.offset + 30 > b.length || u32(b, m.offset) !== 0x04034b50) return 'its local header is missing'
  const start = m.offset + 30 + u16(b, m.offset + 26) + u16(b, m.offset + 28)
  const data = b.subarray(start, start + m.compressed)
  if (m.method === 0) return data.length
  if (m.method !== 8) return `it uses compression method ${m.method} (only stored and deflate are read)`
  let out = 0
  let over = false
  const inflate = new Inflate((chunk) => {
    out += chunk.length
    if (out > m.size) over = true
  })
  try {
    for (let i = 0; i < data.length && !over; i += 65536) {
      inflate.push(data.subarray(i, i + 65536), i + 65536 >= data.length)
    }
  } catch (err) {
    return `its data does not inflate (${(err as Error).message})`
  }
  return over ? `it inflates past the ${m.size} bytes its directory declares` : out
}

const ratioOf = (size: number, compressed: number): number => size / Math.max(1, compressed)

/** The problems of a wheel (zip) archive; [] when it is safe to upload. */
export function zipProblems(data: Uint8Array): string[] {
  const members = centralDirectory(data)
  if (typeof members === 'string') return [members]
  const problems: string[] = []
  const seen = new Set<string>()
  let total = 0
  for (const m of members) {
    const shown = JSON.stringify(m.name).slice(0, 200)
    const bad = memberPathProblem(m.name)
    if (bad) problems.push(`member ${shown} ${bad}`)
    const key = m.name
      .split('/')
      .filter((s) => s !== '' && s !== '.')
      .join('/')
    if (seen.has(key)) problems.push(`member ${shown} is in the archive twice`)
    seen.add(key)
    total += m.size
  }
  if (total > MAX_UNCOMPRESSED) problems.push(`it inflates to ${total} bytes, more than ${MAX_UNCOMPRESSED}`)
  if (total > RATIO_FLOOR && ratioOf(total, data.length) > MAX_RATIO) {
    problems.push(
      `it inflates ${Math.round(ratioOf(total, data.length))} times as a whole (${total} bytes from ${data.length}; PyPI refuses more than ${MAX_RATIO} times past ${RATIO_FLOOR} bytes)`
    )
  }
  if (problems.length) return problems
  for (const m of members) {
    const got = inflatedSize(data, m)
    if (typeof got === 'string') problems.push(`member ${JSON.stringify(m.name).slice(0, 200)}: ${got}`)
  }
  return problems
}

/** The problems of a gzip stream (an sdist): its inflated size and ratio, counted as it inflates. */
export function gzipProblems(data: Uint8Array): string[] {
  let out = 0
  let stop = false
  const limit = Math.min(MAX_UNCOMPRESSED, Math.max(RATIO_FLOOR, data.length * MAX_RATIO))
  const gunzip = new Gunzip((chunk) => {
    out += chunk.length
    if (out > limit) stop = true
  })
  try {
    for (let i = 0; i < data.length && !stop; i += 65536) {
      gunzip.push(data.subarray(i, i + 65536), i + 65536 >= data.length)
    }
  } catch (err) {
    return [`it is not a valid gzip file: ${(err as Error).message}`]
  }
  return stop
    ? [`it inflates past ${limit} bytes (${MAX_RATIO} times its size, at most ${MAX_UNCOMPRESSED})`]
    : []
}
