import { describe, expect, it } from 'vitest'
import {
  deploymentTarget,
  interpreterFloor,
  macosCmakeArgs,
  macosPlatformTag,
  macosTargetEnv,
  parseDeploymentTarget,
  parseMacosArch
} from '../../src/platforms/macos-target.js'

describe('macos-deployment-target', () => {
  it('defaults to 11.0 and normalises a bare major version', () => {
    expect(parseDeploymentTarget('')).toBe('11.0')
    expect(parseDeploymentTarget('12')).toBe('12.0')
    expect(parseDeploymentTarget(' 10.13 ')).toBe('10.13')
  })

  it('refuses what is not a macOS version, naming the input', () => {
    for (const bad of ['latest', '11.0.1', '9.0', '-11', '11,0']) {
      expect(() => parseDeploymentTarget(bad)).toThrow(/macos-deployment-target.*MAJOR\.MINOR/)
    }
  })

  // The floors of python.org's installers (cibuildwheel 4.3 platforms/macos.py says the same).
  it.each([
    ['3.11.9', 'x86_64', '10.9'],
    ['3.12.5', 'x86_64', '10.9'],
    ['3.12.6', 'x86_64', '10.13'],
    ['3.12.10', 'x86_64', '10.13'],
    ['3.13.14', 'x86_64', '10.13'],
    ['3.14.6', 'x86_64', '10.15'],
    ['3.11.9', 'arm64', '11.0'],
    ['3.14.6', 'arm64', '11.0']
  ] as const)('Python %s on %s runs on macOS %s and later', (python, arch, floor) => {
    expect(interpreterFloor(python, arch)).toBe(floor)
  })

  it('keeps a target at or above the floor, with no notice', () => {
    expect(deploymentTarget('11.0', '3.14.6', 'x86_64')).toEqual({ target: '11.0' })
    expect(deploymentTarget('10.13', '3.12.10', 'x86_64')).toEqual({ target: '10.13' })
  })

  it('raises a target below the floor and says so', () => {
    const t = deploymentTarget('10.9', '3.14.6', 'x86_64')
    expect(t.target).toBe('10.15')
    expect(t.notice).toContain('below what Python 3.14.6 (x86_64) supports')
    expect(deploymentTarget('10.13', '3.12.10', 'arm64').target).toBe('11.0')
  })

  it('gives recipes, build and delocate the same environment', () => {
    expect(macosTargetEnv('11.0', 'arm64')).toEqual({
      MACOSX_DEPLOYMENT_TARGET: '11.0',
      ARCHFLAGS: '-arch arm64',
      CMAKE_OSX_ARCHITECTURES: 'arm64'
    })
    expect(macosCmakeArgs('10.15', 'x86_64')).toEqual([
      '-DCMAKE_OSX_ARCHITECTURES=x86_64',
      '-DCMAKE_OSX_DEPLOYMENT_TARGET=10.15'
    ])
  })

  it.each([
    ['11.0', 'arm64', 'macosx_11_0_arm64'],
    ['10.13', 'x86_64', 'macosx_10_13_x86_64'],
    ['10.15', 'x86_64', 'macosx_10_15_x86_64'],
    ['14.2', 'arm64', 'macosx_14_0_arm64'],
    ['11.3', 'x86_64', 'macosx_11_0_x86_64']
  ] as const)('target %s on %s gives the wheel tag %s', (target, arch, tag) => {
    expect(macosPlatformTag(target, arch)).toBe(tag)
  })
})

describe('architecture on macOS', () => {
  it("builds for the runner's arch", () => {
    expect(parseMacosArch('', 'arm64')).toBe('arm64')
    expect(parseMacosArch('x64', 'x64')).toBe('x86_64')
  })

  it('refuses universal2 and cross builds, saying what to do instead', () => {
    expect(() => parseMacosArch('universal2', 'arm64')).toThrow(/meson-python refuses.*delocate-merge/)
    expect(() => parseMacosArch('x86_64', 'arm64')).toThrow(/this runner is arm64.*macos-15-intel/)
    expect(() => parseMacosArch('ppc', 'x64')).toThrow(/Input 'architecture'/)
  })
})
