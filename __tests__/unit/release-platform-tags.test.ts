/**
 * PyPI's platform tag rules. The cases are those of pypi/warehouse's tests/unit/forklift/test_legacy.py
 * (test_upload_succeeds_with_wheel, test_upload_fails_with_unsupported_wheel_plat; read at 6b62157), and
 * the ones issue 19 found to differ from the earlier allow-list here: each file name is built as Warehouse's
 * tests build it, `<name>-<version>-cp34-none-<plat>.whl`, compressed tag sets included.
 */
import { describe, expect, it } from 'vitest'
import { checkFile } from '../../src/release/checks.js'
import { parseDistName } from '../../src/release/names.js'
import { isAllowedPlatform, platformProblems } from '../../src/release/platform-tags.js'

/** The refusals for the wheel name Warehouse's tests use. */
const refusals = (plat: string): string[] => {
  const d = parseDistName(`dipy-1.0-cp34-none-${plat}.whl`)!
  return platformProblems([...new Set(d.tags.map((t) => t.split('-')[2]))])
}

describe("Warehouse's accepted platform tags", () => {
  it.each([
    'any',
    'win32',
    'win_amd64',
    'win_ia64',
    'manylinux1_i686',
    'manylinux1_x86_64',
    'manylinux2010_i686',
    'manylinux2010_x86_64',
    'manylinux2014_i686',
    'manylinux2014_x86_64',
    'manylinux2014_aarch64',
    'manylinux2014_armv7l',
    'manylinux2014_ppc64',
    'manylinux2014_ppc64le',
    'manylinux2014_s390x',
    'manylinux_2_5_i686',
    'manylinux_2_12_x86_64',
    'manylinux_2_17_aarch64',
    'manylinux_2_17_armv7l',
    'manylinux_2_17_ppc64',
    'manylinux_2_17_ppc64le',
    'manylinux_2_39_riscv64',
    'manylinux_3_0_s390x',
    'musllinux_1_1_x86_64',
    'macosx_10_5_ppc',
    'macosx_10_5_ppc64',
    'macosx_10_5_i386',
    'macosx_10_5_intel',
    'macosx_10_5_fat',
    'macosx_10_5_fat3',
    'macosx_10_5_fat64',
    'macosx_10_5_universal',
    'macosx_10_13_x86_64',
    'macosx_11_0_x86_64',
    'macosx_10_15_arm64',
    'macosx_15_0_universal2',
    'macosx_26_0_arm64',
    'ios_13_0_arm64_iphoneos',
    'ios_13_0_arm64_iphonesimulator',
    'ios_13_0_x86_64_iphonesimulator',
    'ios_15_4_arm64_iphoneos',
    'ios_15_4_arm64_iphonesimulator',
    'ios_15_4_x86_64_iphonesimulator',
    'android_27_armeabi_v7a',
    'android_27_arm64_v8a',
    'android_27_x86',
    'android_27_x86_64',
    'macosx_10_6_intel.macosx_10_9_intel.macosx_10_9_x86_64.macosx_10_10_intel.macosx_10_10_x86_64',
    'pyemscripten_2026_0_wasm32',
    // issue 19: refused here before, accepted by PyPI
    'linux_armv7l',
    'macosx_10_9_fat3',
    'macosx_11_0_i386',
    'win_arm64',
    'musllinux_1_2_riscv64'
  ])('%s', (plat) => expect(refusals(plat)).toEqual([]))
})

describe("Warehouse's refused platform tags", () => {
  it.each([
    'linux_x86_64',
    'linux_x86_64.win32',
    'macosx_9_2_x86_64',
    'macosx_11_2_arm64',
    'macosx_16_2_arm64',
    'macosx_10_15_amd64',
    'macosx_27_0_arm64',
    // issue 19: accepted here before, refused by PyPI
    'macosx_11_3_arm64',
    'macosx_14_2_x86_64',
    'musllinux_1_2_ppc64',
    'pyodide_2024_0_wasm32'
  ])('%s', (plat) => expect(refusals(plat).length).toBeGreaterThan(0))

  it('names the tag and the rule, with the fix for macOS minor versions and plain linux', () => {
    expect(refusals('macosx_11_3_arm64')).toEqual([
      "the platform tag macosx_11_3_arm64 is not one PyPI accepts (warehouse _valid_platform_tag) (from macOS 11 on PyPI takes only macosx_11_0_*: the deployment target's minor must be 0)"
    ])
    expect(refusals('linux_x86_64.win32')).toEqual([
      'the platform tag linux_x86_64 is not one PyPI accepts (warehouse _valid_platform_tag) (a plain linux_* wheel must be repaired into manylinux or musllinux first, e.g. by auditwheel)'
    ])
  })

  it('a wheel with one refused tag in its set is refused by the file check', () => {
    const c = checkFile('dipy-1.0-cp312-cp312-macosx_11_0_arm64.macosx_12_1_arm64.whl', new Uint8Array())
    expect(c.problems[0]).toMatch(/^the platform tag macosx_12_1_arm64 is not one PyPI accepts/)
  })
})

describe('as Python matches them', () => {
  it('prefix matches: what follows a complete pattern is not looked at', () => {
    expect(isAllowedPlatform('pyemscripten_2026_0_wasm32_extra')).toBe(true)
    expect(isAllowedPlatform('ios_13_0_arm64_iphoneos_extra')).toBe(true)
  })
  it('upper case is lowered first, as packaging does with a file name', () => {
    expect(isAllowedPlatform('WIN_AMD64')).toBe(true)
  })
})
