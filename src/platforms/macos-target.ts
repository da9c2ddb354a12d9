/**
 * The macOS deployment target (macos-deployment-target input): one value for the recipes, the wheel build
 * and delocate, never below what the interpreter itself was built for.
 *
 * delocate reads the target only from its own environment (delocate 0.13 cmd/delocate_wheel.py): without
 * it, it silently retags the wheel to the newest minimum macOS among the bundled libraries; with it, it
 * refuses a library built for a newer macOS, naming it. So the same MACOSX_DEPLOYMENT_TARGET goes to all
 * three steps.
 */
import { InputError } from '../errors.js'

export type MacArch = 'x86_64' | 'arm64'

export const DEFAULT_DEPLOYMENT_TARGET = '11.0'
const INPUT = 'macos-deployment-target'

/** A deployment target as numbers: "11" and "11.0" are both [11, 0]. */
function parts(version: string): [number, number] {
  const [major, minor] = version.split('.').map(Number)
  return [major, minor ?? 0]
}

const compare = (a: string, b: string): number => {
  const [a1, a2] = parts(a)
  const [b1, b2] = parts(b)
  return a1 - b1 || a2 - b2
}

/** Checks and normalises the input: "11" → "11.0", "10.13" stays. */
export function parseDeploymentTarget(value: string): string {
  const v = value.trim() || DEFAULT_DEPLOYMENT_TARGET
  const m = /^(\d{2})(?:\.(\d{1,2}))?$/.exec(v)
  if (!m || Number(m[1]) < 10) {
    throw new InputError(
      INPUT,
      `${JSON.stringify(value)} is not a macOS version: write it as MAJOR.MINOR, e.g. 11.0 or 10.13.`
    )
  }
  return `${Number(m[1])}.${Number(m[2] ?? 0)}`
}

/**
 * The oldest macOS an interpreter runs on, so the oldest a wheel for it may claim. arm64 Macs start at 11.0.
 * python.org's x86_64 installers: 10.9 up to 3.12.5, 10.13 from 3.12.6 and for 3.13, 10.15 from 3.14
 * (the same floors as cibuildwheel 4.3 platforms/macos.py, which raises a lower target to them).
 */
export function interpreterFloor(pythonFull: string, arch: MacArch): string {
  if (arch === 'arm64') return '11.0'
  const [major, minor, patch] = pythonFull.split('.').map(Number)
  if (major !== 3 || Number.isNaN(minor)) throw new Error(`not a CPython version: ${pythonFull}`)
  if (minor >= 14) return '10.15'
  if (minor === 13 || (minor === 12 && (patch ?? 0) >= 6)) return '10.13'
  return '10.9'
}

export interface DeploymentTarget {
  /** The target every step gets, e.g. "11.0". */
  target: string
  /** Set when the input was below the interpreter's floor and was raised: say so in the log. */
  notice?: string
}

/**
 * The target for one interpreter: the input, raised to the interpreter's floor when it is lower (the wheel
 * could not claim an older macOS than its Python runs on).
 */
export function deploymentTarget(input: string, pythonFull: string, arch: MacArch): DeploymentTarget {
  const wanted = parseDeploymentTarget(input)
  const floor = interpreterFloor(pythonFull, arch)
  if (compare(wanted, floor) >= 0) return { target: wanted }
  return {
    target: floor,
    notice:
      `${INPUT} ${wanted} is below what Python ${pythonFull} (${arch}) supports: building for macOS ${floor}, ` +
      `the interpreter's own minimum. Set ${INPUT}: '${floor}' (or higher) to silence this.`
  }
}

/**
 * The environment of the recipes, the wheel build and delocate: MACOSX_DEPLOYMENT_TARGET (read by clang,
 * CMake, meson-python and delocate), ARCHFLAGS (read by meson-python; a single native arch keeps it on its
 * non-cross path) and CMAKE_OSX_ARCHITECTURES (CMake initialises the variable of that name from it).
 */
export function macosTargetEnv(target: string, arch: MacArch): Record<string, string> {
  return {
    MACOSX_DEPLOYMENT_TARGET: target,
    ARCHFLAGS: `-arch ${arch}`,
    CMAKE_OSX_ARCHITECTURES: arch
  }
}

/** The same for cmake's command line, for recipes whose cache key must name the target and arch. */
export function macosCmakeArgs(target: string, arch: MacArch): string[] {
  return [`-DCMAKE_OSX_ARCHITECTURES=${arch}`, `-DCMAKE_OSX_DEPLOYMENT_TARGET=${target}`]
}

/**
 * The platform tag of a wheel built for the target: macosx_10_13_x86_64, macosx_11_0_arm64. From macOS 11
 * on, only the major version counts (packaging's tags.mac_platforms lists 11_0, 12_0, ...; delocate and
 * meson-python write X_0), so 14.2 gives macosx_14_0.
 */
export function macosPlatformTag(target: string, arch: MacArch): string {
  const [major, minor] = parts(target)
  return major >= 11 ? `macosx_${major}_0_${arch}` : `macosx_${major}_${minor}_${arch}`
}

/**
 * The architecture input on macOS: the runner's own arch only (empty, x64/x86_64, arm64). universal2 is
 * refused with the reason: meson-python stops on a multi-arch ARCHFLAGS (meson-python 0.22
 * mesonpy/__init__.py, "Multi-architecture builds are not supported"), and a cross build could not be tested
 * on the runner. Two native jobs fused by delocate-merge make a universal2 wheel instead.
 */
export function parseMacosArch(value: string, nodeArch: string): MacArch {
  const runner: MacArch = nodeArch === 'arm64' ? 'arm64' : 'x86_64'
  const v = value.trim().toLowerCase()
  if (v === 'universal2' || v === 'universal') {
    throw new InputError(
      'architecture',
      'universal2 is not built in one job: meson-python refuses multi-architecture builds. Build x86_64 on ' +
        'macos-15-intel and arm64 on macos-15, then fuse the two wheels with delocate-merge.'
    )
  }
  const wanted: MacArch | undefined =
    v === ''
      ? runner
      : v === 'x64' || v === 'x86_64'
        ? 'x86_64'
        : v === 'arm64' || v === 'aarch64'
          ? 'arm64'
          : undefined
  if (!wanted) {
    throw new InputError('architecture', `${JSON.stringify(value)} is not x86_64 (x64) or arm64.`)
  }
  if (wanted !== runner) {
    throw new InputError(
      'architecture',
      `this runner is ${runner} and macOS wheels are built for the runner's own arch (the wheel is tested ` +
        `here): run the ${wanted} job on ${wanted === 'arm64' ? 'macos-15' : 'macos-15-intel'}.`
    )
  }
  return wanted
}

/**
 * The compiler as a prefix's key counts it on macOS: Apple clang's major version and the target's arch. Its
 * build number and the Darwin version of the `Target:` line change with each runner image while the
 * libraries it builds for a deployment target (itself in the key) stay the same.
 */
export function macosKeyCompiler(compiler: string): string {
  const major = /clang version (\d+)\./.exec(compiler)?.[1]
  const arch = /\b(arm64|x86_64)-apple-darwin/.exec(compiler)?.[1]
  if (!major) return compiler
  const rest = compiler.includes(';') ? compiler.slice(compiler.indexOf(';')) : ''
  return `Apple clang ${major}${arch ? ` ${arch}` : ''}${rest}`
}

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
