/**
 * Small valid wheels for the upload tests: METADATA (Metadata-Version/Name/Version/Summary/License/
 * Requires-Dist), WHEEL, RECORD with sha256s and an importable package module. Written in TS with fflate;
 * `sizeBytes` pads the wheel to exactly that size with a stored, incompressible, deterministic data file.
 */
import { createCipheriv, createHash } from 'node:crypto'
import * as fs from 'node:fs/promises'
import * as path from 'node:path'
import { zipSync, type Zippable } from 'fflate'

export interface WheelSpec {
  /** Distribution name as written in METADATA `Name` (verbatim, e.g. `PyWavelets`). */
  name: string
  version: string
  /** Compatibility tag `py-abi-platform`; default `py3-none-any`. */
  tag?: string
  /** Optional build tag (a 6-part file name, e.g. `1`). */
  build?: string
  /** Pad the wheel to exactly this many bytes (when larger than the wheel without padding). */
  sizeBytes?: number
  summary?: string
  license?: string
  /** Requires-Dist lines, e.g. `numpy>=1.22` or `pytest; extra == "test"`. */
  requires?: string[]
  /** Content of `<import name>/__init__.py`; default sets `__version__` and `NAME`. */
  module?: string
  /** METADATA body (long description). */
  description?: string
  /** The whole METADATA text instead of the one made from the fields above. */
  metadata?: string
  /** More files, by path in the wheel (e.g. `<dist-info>/licenses/LICENSE`), listed in RECORD. */
  extraFiles?: Record<string, string>
  /** Files put in the wheel but not in RECORD (e.g. `<dist-info>/RECORD.jws`). */
  unrecorded?: Record<string, string>
}

/** The import name: the distribution name lowercased with runs of `-_.` as `_`. */
export const importName = (name: string): string => name.replace(/[-_.]+/g, '_').toLowerCase()

/** The file name a wheel of this spec gets (PEP 491 escaping of name and version). */
export function wheelFileName(spec: WheelSpec): string {
  const version = spec.version.replace(/-/g, '_')
  const build = spec.build ? `-${spec.build}` : ''
  return `${importName(spec.name)}-${version}${build}-${spec.tag ?? 'py3-none-any'}.whl`
}

const b64urlSha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('base64url')

/** Deterministic incompressible bytes (AES-128-CTR keystream of a key derived from the seed). */
function noise(size: number, seed: string): Buffer {
  const key = createHash('sha256').update(seed).digest()
  const cipher = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32))
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()])
}

function metadata(spec: WheelSpec): string {
  if (spec.metadata !== undefined) return spec.metadata
  const lines = [
    'Metadata-Version: 2.1',
    `Name: ${spec.name}`,
    `Version: ${spec.version}`,
    `Summary: ${spec.summary ?? `Test package ${spec.name}`}`,
    `License: ${spec.license ?? 'BSD-3-Clause'}`,
    ...(spec.requires ?? []).map((r) => `Requires-Dist: ${r}`)
  ]
  return `${lines.join('\n')}\n\n${spec.description ?? `${spec.name} ${spec.version}, made for tests.`}\n`
}

function wheelInfo(spec: WheelSpec): string {
  const tag = spec.tag ?? 'py3-none-any'
  const [py, abi, plat] = tag.split('-')
  const tags = py
    .split('.')
    .flatMap((p) => abi.split('.').flatMap((a) => plat.split('.').map((pl) => `Tag: ${p}-${a}-${pl}`)))
  return [
    'Wheel-Version: 1.0',
    'Generator: dipy-wheels-tests (wheel-factory)',
    `Root-Is-Purelib: ${abi === 'none' && plat === 'any'}`,
    ...tags,
    ...(spec.build ? [`Build: ${spec.build}`] : []),
    ''
  ].join('\n')
}

const MTIME = new Date(2020, 0, 1)

function build(spec: WheelSpec, padSize: number): Uint8Array {
  const mod = importName(spec.name)
  const distInfo = `${importName(spec.name)}-${spec.version.replace(/-/g, '_')}.dist-info`
  const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s))
  const files: Array<[string, Uint8Array]> = [
    [
      `${mod}/__init__.py`,
      enc(
        spec.module ?? `__version__ = ${JSON.stringify(spec.version)}\nNAME = ${JSON.stringify(spec.name)}\n`
      )
    ]
  ]
  if (padSize > 0)
    files.push([`${mod}/_pad.bin`, new Uint8Array(noise(padSize, `${spec.name}-${spec.version}`))])
  files.push([`${distInfo}/METADATA`, enc(metadata(spec))], [`${distInfo}/WHEEL`, enc(wheelInfo(spec))])
  for (const [p, text] of Object.entries(spec.extraFiles ?? {})) files.push([p, enc(text)])
  const record = [
    ...files.map(([p, d]) => `${p},sha256=${b64urlSha256(d)},${d.length}`),
    `${distInfo}/RECORD,,`,
    ''
  ].join('\n')
  files.push([`${distInfo}/RECORD`, enc(record)])
  for (const [p, text] of Object.entries(spec.unrecorded ?? {})) files.push([p, enc(text)])
  const zippable: Zippable = {}
  for (const [p, d] of files) zippable[p] = [d, { level: 0, mtime: MTIME }] // stored: exact sizes
  return zipSync(zippable)
}

/** Writes the wheel into `dir` and returns its path. */
export async function makeWheel(dir: string, spec: WheelSpec): Promise<string> {
  let wheel = build(spec, 0)
  const target = spec.sizeBytes ?? 0
  // A stored pad grows the zip linearly; the RECORD line may change length, so correct a few times.
  const padded = target > wheel.length
  for (let pad = 0, i = 0; padded && i < 6 && wheel.length !== target; i++) {
    pad = Math.max(1, pad + target - wheel.length)
    wheel = build(spec, pad)
  }
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, wheelFileName(spec))
  await fs.writeFile(file, wheel)
  return file
}
