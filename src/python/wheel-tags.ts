/**
 * The platform tags a target the action builds for accepts (not the machine it runs on), as pip is asked
 * about them (--platform, most specific first), and PEP 503 project names.
 */

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

/** PEP 503 normalised project name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}
