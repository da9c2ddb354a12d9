import * as fs from 'node:fs'
import * as path from 'node:path'
import { unzipSync } from 'fflate'

/** The parts of a wheel file name (PEP 427): name-version(-build)?-python-abi-platform.whl. */
export interface WheelName {
  distribution: string
  version: string
  build?: string
  python: string
  abi: string
  platform: string
  /** python-abi-platform, e.g. cp311-cp311-manylinux_2_28_x86_64. */
  tags: string
}

export function parseWheelName(file: string): WheelName | undefined {
  const base = path.basename(file)
  if (!base.endsWith('.whl')) return undefined
  const parts = base.slice(0, -4).split('-')
  if (parts.length !== 5 && parts.length !== 6) return undefined
  const [distribution, version] = parts
  const [python, abi, platform] = parts.slice(-3)
  return {
    distribution,
    version,
    ...(parts.length === 6 ? { build: parts[2] } : {}),
    python,
    abi,
    platform,
    tags: `${python}-${abi}-${platform}`
  }
}

/** A pure-Python wheel (py3-none-any): nothing to repair. */
export function isPureWheel(file: string): boolean {
  const n = parseWheelName(file)
  return n !== undefined && n.abi === 'none' && n.platform === 'any'
}

/** The .whl files directly in a directory, sorted. */
export function wheelsIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.whl'))
    .sort()
    .map((f) => path.join(dir, f))
}

/**
 * The libraries a repair tool grafted into a wheel: auditwheel and delvewheel put them in `<pkg>.libs/`,
 * delocate in `<pkg>/.dylibs/`. Reads only the zip's directory (nothing is decompressed).
 */
export function graftedLibraries(wheel: string): string[] {
  const names: string[] = []
  unzipSync(new Uint8Array(fs.readFileSync(wheel)), {
    filter: (f) => {
      if (/^[^/]+\.libs\/[^/]+$/.test(f.name) || /^[^/]+\/\.dylibs\/[^/]+$/.test(f.name)) names.push(f.name)
      return false
    }
  })
  return names.sort()
}
