/**
 * The platform tags PyPI accepts on a wheel: the rules of `_valid_platform_tag` in pypi/warehouse's
 * warehouse/forklift/legacy.py (read at 6b62157, 2026-08-21), restated. Warehouse applies each pattern
 * with Python's `re.match` (anchored at the start only, `\d` any Unicode decimal digit) to every platform
 * of the file name's tag set after packaging's parse_wheel_filename lower-cased it; the same is done here.
 */

/** Tags accepted as written. */
const FIXED = new Set([
  'any',
  'win32',
  'win_arm64',
  'win_amd64',
  'win_ia64',
  'manylinux1_x86_64',
  'manylinux1_i686',
  'manylinux2010_x86_64',
  'manylinux2010_i686',
  ...['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64', 'ppc64le', 's390x'].map((a) => `manylinux2014_${a}`),
  'linux_armv6l',
  'linux_armv7l'
])

const MACOS_ARCHES = new Set([
  'ppc',
  'ppc64',
  'i386',
  'x86_64',
  'arm64',
  'intel',
  'fat',
  'fat3',
  'fat64',
  'universal',
  'universal2'
])
/** macOS 10.x counts its releases in the minor number; from 11 on, only `<major>_0` is a valid tag. */
const MACOS_MAJORS_SINCE_11 = new Set(['11', '12', '13', '14', '15', '26'])

/** PEP 600 manylinux_x_y and PEP 656 musllinux_x_y: the same arches, and ppc64 for glibc only. */
const MUSLLINUX_ARCHES = new Set(['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64'])
const MANYLINUX_ARCHES = new Set([...MUSLLINUX_ARCHES, 'ppc64'])

const IOS_ARCHES = new Set(['arm64', 'x86_64'])
const ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64'])

const MACOS = /^macosx_(\p{Nd}+)_(\p{Nd}+)_(.*)/u
const LINUX = /^(many|musl)linux_\p{Nd}+_\p{Nd}+_(.*)/u
const IOS = /^ios_\p{Nd}+_\p{Nd}+_(.*)_(?:iphoneos|iphonesimulator)/u
const ANDROID = /^android_\p{Nd}+_(.*)/u
const PYEMSCRIPTEN = /^pyemscripten_\p{Nd}+_\p{Nd}+_wasm32/u

/** Whether PyPI accepts one platform tag (one member of a compressed tag set). */
export function isAllowedPlatform(tag: string): boolean {
  const t = tag.toLowerCase()
  if (FIXED.has(t)) return true
  const mac = MACOS.exec(t)
  if (mac && MACOS_ARCHES.has(mac[3])) {
    if (mac[1] === '10') return true
    if (MACOS_MAJORS_SINCE_11.has(mac[1]) && mac[2] === '0') return true
  }
  const linux = LINUX.exec(t)
  if (linux) return (linux[1] === 'musl' ? MUSLLINUX_ARCHES : MANYLINUX_ARCHES).has(linux[2])
  const ios = IOS.exec(t)
  if (ios && IOS_ARCHES.has(ios[1])) return true
  const android = ANDROID.exec(t)
  if (android && ANDROID_ARCHES.has(android[1])) return true
  return PYEMSCRIPTEN.test(t)
}

/** Why a wheel's platform tags are refused, one line per tag; empty when all are accepted. */
export function platformProblems(platforms: string[]): string[] {
  return platforms
    .filter((p) => !isAllowedPlatform(p))
    .map((p) => {
      const mac = MACOS.exec(p.toLowerCase())
      const hint =
        mac && MACOS_MAJORS_SINCE_11.has(mac[1]) && mac[2] !== '0'
          ? ` (from macOS 11 on PyPI takes only macosx_${mac[1]}_0_*: the deployment target's minor must be 0)`
          : /^linux_/.test(p)
            ? ' (a plain linux_* wheel must be repaired into manylinux or musllinux first, e.g. by auditwheel)'
            : ''
      return `the platform tag ${p} is not one PyPI accepts (warehouse _valid_platform_tag)${hint}`
    })
}
