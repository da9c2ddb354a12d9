/**
 * Small valid sdists for the release tests: a gzipped ustar archive `{name}-{version}/` holding PKG-INFO
 * (core metadata 2.1) and pyproject.toml, named as PEP 625 says. Written with node and fflate only.
 */
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { gzipSync } from 'fflate'

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100, 'utf8')
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(size.toString(8).padStart(11, '0') + '\0', 124)
  h.write('14000000000\0', 136) // mtime 2020-ish, fixed
  h.write('        ', 148) // checksum placeholder: spaces
  h.write('0', 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148)
  return h
}

export function tarGz(files: Array<[string, string]>): Buffer {
  const parts: Buffer[] = []
  for (const [name, text] of files) {
    const data = Buffer.from(text)
    parts.push(tarHeader(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512))
  }
  parts.push(Buffer.alloc(1024))
  return Buffer.from(gzipSync(Buffer.concat(parts), { mtime: 0 }))
}

/** Writes `{name}-{version}.tar.gz` (name normalised with `_`) into dir and returns its path. */
export async function makeSdist(dir: string, name: string, version: string): Promise<string> {
  const base = `${name.replace(/[-_.]+/g, '_').toLowerCase()}-${version}`
  const pkgInfo = `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\nSummary: Test sdist of ${name}\nLicense: BSD-3-Clause\n\n${name} ${version}, made for tests.\n`
  const data = tarGz([
    [`${base}/PKG-INFO`, pkgInfo],
    [`${base}/pyproject.toml`, `[project]\nname = "${name}"\nversion = "${version}"\n`]
  ])
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, `${base}.tar.gz`)
  await fs.writeFile(file, data)
  return file
}
