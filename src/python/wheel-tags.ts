/**
 * Wheel compatibility for a target the action builds for (not the machine it runs on): the PEP 425 tags a
 * CPython of that version and platform accepts, in the order of packaging's tags.cpython_tags and
 * tags.compatible_tags, and the tags a wheel file name carries (PEP 427, compressed tag sets).
 */

export interface TargetPython {
  /** The minor version, e.g. "3.12". */
  version: string
  /** Platform tags the target accepts, most specific first (see windowsPlatforms, macosPlatforms, ...). */
  platforms: string[]
}

/** The Windows platform tag of an architecture is a single one: win32, win_amd64, win_arm64. */
export const windowsPlatforms = (tag: string): string[] => [tag]

const MAC_FORMATS: Record<string, string[]> = {
  x86_64: ['x86_64', 'intel', 'fat64', 'fat32', 'universal2', 'universal'],
  arm64: ['arm64', 'universal2']
}

/**
 * The macOS platform tags a target accepts, as packaging's tags.mac_platforms lists them: every version from
 * the target down (11+ by major, 10.x by minor down to 10.4), each with the binary formats the arch runs.
 * arm64 accepts only universal2 wheels tagged for 10.x.
 */
export function macosPlatforms(target: string, arch: 'x86_64' | 'arm64'): string[] {
  const [major, minor] = target.split('.').map(Number)
  const out: string[] = []
  const add = (maj: number, min: number, formats: string[]): void => {
    for (const f of formats) out.push(`macosx_${maj}_${min}_${f}`)
  }
  if (major >= 11) {
    for (let m = major; m >= 11; m--) add(m, 0, MAC_FORMATS[arch])
    const tenFormats = arch === 'arm64' ? ['universal2'] : MAC_FORMATS[arch]
    for (let m = 16; m >= 4; m--) add(10, m, tenFormats)
  } else {
    for (let m = minor ?? 0; m >= 4; m--) add(10, m, MAC_FORMATS[arch])
  }
  return out
}

/** manylinux_2_X down to the arch's oldest glibc, with the legacy aliases (PEP 600), then linux_<arch>. */
export function manylinuxPlatforms(glibcMinor: number, arch: string): string[] {
  const oldest = arch === 'x86_64' || arch === 'i686' ? 5 : 17
  const legacy: Record<number, string> = { 17: 'manylinux2014', 12: 'manylinux2010', 5: 'manylinux1' }
  const out: string[] = []
  for (let m = glibcMinor; m >= oldest; m--) {
    out.push(`manylinux_2_${m}_${arch}`)
    if (legacy[m] && (m === 17 || arch === 'x86_64' || arch === 'i686')) out.push(`${legacy[m]}_${arch}`)
  }
  out.push(`linux_${arch}`)
  return out
}

/**
 * Every tag the target accepts, best first: cpXY-cpXY-plat, cpXY-abi3-plat, cpXY-none-plat, abi3 of older
 * CPythons down to cp32, then pyXY/py3/older pyX-none-plat, cpXY-none-any, pyXY-none-any, py3-none-any and
 * older pyX-none-any (packaging 24 tags.py, cpython_tags + compatible_tags).
 */
export function compatibleTags(t: TargetPython): string[] {
  const [, minorText] = t.version.split('.')
  const minor = Number(minorText)
  const cp = `cp3${minor}`
  const tags: string[] = []
  for (const p of t.platforms) tags.push(`${cp}-${cp}-${p}`)
  for (const p of t.platforms) tags.push(`${cp}-abi3-${p}`)
  for (const p of t.platforms) tags.push(`${cp}-none-${p}`)
  for (let m = minor - 1; m >= 2; m--) for (const p of t.platforms) tags.push(`cp3${m}-abi3-${p}`)
  const pys = [`py3${minor}`, 'py3', ...Array.from({ length: minor }, (_, i) => `py3${minor - 1 - i}`)]
  for (const py of pys) for (const p of t.platforms) tags.push(`${py}-none-${p}`)
  tags.push(`${cp}-none-any`)
  for (const py of pys) tags.push(`${py}-none-any`)
  return tags
}

export interface WheelName {
  name: string
  version: string
  /** Every tag the file carries (expanded from compressed sets such as py2.py3-none-any). */
  tags: string[]
}

/** Parses a wheel file name (PEP 427: name-version[-build]-python-abi-platform.whl). */
export function parseWheelFilename(filename: string): WheelName | undefined {
  if (!filename.endsWith('.whl')) return undefined
  const parts = filename.slice(0, -4).split('-')
  if (parts.length !== 5 && parts.length !== 6) return undefined
  const [name, version] = parts
  const [pys, abis, plats] = parts.slice(-3)
  const tags: string[] = []
  for (const py of pys.split('.'))
    for (const abi of abis.split('.')) for (const plat of plats.split('.')) tags.push(`${py}-${abi}-${plat}`)
  return { name, version, tags }
}

/** An sdist's version from its file name (name-version.tar.gz or .zip); undefined if not an sdist. */
export function sdistVersion(filename: string, project: string): string | undefined {
  const m = /^(.+)-([^-]+)\.(tar\.gz|zip)$/.exec(filename)
  if (!m || normaliseName(m[1]) !== normaliseName(project)) return undefined
  return m[2]
}

/** PEP 503 normalised project name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}
