/**
 * What the workflows promise to build and check (issue 9), read from the files: a row dropped from a matrix,
 * or a checker step lost, fails here before anyone waits for GitHub. actionlint checks the syntax and types.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const dir = fileURLToPath(new URL('../../.github/workflows', import.meta.url))

interface Step {
  uses?: string
  run?: string
  with?: Record<string, string>
}
interface Job {
  'runs-on': string
  strategy?: { matrix: Record<string, unknown> }
  steps: Step[]
}
const jobsOf = (file: string): Record<string, Job> =>
  (
    parse(fs.readFileSync(path.join(dir, file), 'utf8'), { schema: 'failsafe' }) as {
      jobs: Record<string, Job>
    }
  ).jobs

describe('build-wheels.yml and build-wheels-windows.yml', () => {
  it('build Python 3.11 to 3.14 on the Linux, macOS and Windows x64 runners', () => {
    const unix = jobsOf('build-wheels.yml').build.strategy!.matrix
    expect(unix.python).toEqual(['3.11', '3.12', '3.13', '3.14'])
    expect(unix.include).toEqual([
      { os: 'ubuntu-24.04', arch: 'x86_64' },
      { os: 'ubuntu-24.04-arm', arch: 'aarch64' },
      { os: 'macos-15-intel', arch: 'x86_64' },
      { os: 'macos-15', arch: 'arm64' }
    ])
    expect(unix.os).toEqual(['ubuntu-24.04', 'ubuntu-24.04-arm', 'macos-15-intel', 'macos-15'])
    const windows = jobsOf('build-wheels-windows.yml').build.strategy!.matrix
    expect(windows).toEqual({ os: ['windows-2025'], arch: ['x64'], python: ['3.11', '3.12', '3.13', '3.14'] })
  })
})

describe('ci.yml', () => {
  const jobs = jobsOf('ci.yml')

  it('runs the OpenMP fixture on every runner OS and arch, each wheel checked', () => {
    const matrix = jobs.openmp.strategy!.matrix as { python: string[]; target: Array<Record<string, string>> }
    expect(matrix.python).toEqual(['3.11', '3.14'])
    expect(matrix.target.map((t) => [t.os, t.platform, t.arch, t.architecture])).toEqual([
      ['ubuntu-24.04', 'linux', 'x86_64', ''],
      ['ubuntu-24.04-arm', 'linux', 'aarch64', ''],
      ['macos-15-intel', 'macos', 'x86_64', ''],
      ['macos-15', 'macos', 'arm64', ''],
      ['windows-2025', 'windows', 'x64', 'x64'],
      ['windows-2025', 'windows', 'x86', 'x86'],
      ['windows-11-arm', 'windows', 'arm64', 'arm64']
    ])
    const steps = jobs.openmp.steps
    const action = steps.findIndex((s) => s.uses === './')
    expect(steps.findIndex((s) => s.run?.includes('scripts/openmp_fixture.py'))).toBeLessThan(action)
    expect(steps[action].with).toMatchObject({
      'stop-after': 'test',
      upload: 'none',
      architecture: '${{ matrix.target.architecture }}'
    })
    expect(steps.findIndex((s) => s.run?.includes('scripts/check_fixture_wheel.py'))).toBeGreaterThan(action)
  })

  it('builds in the default manylinux container and on the host, and checks the container tag exactly', () => {
    const steps = jobs.container.steps
    const builds = steps.filter((s) => s.uses === './').map((s) => s.with?.container)
    expect(builds).toEqual(['auto', 'off'])
    const check = steps.find((s) => s.run?.includes('scripts/check_fixture_wheel.py'))?.run ?? ''
    expect(check).toContain('--wheelhouse "$IN_CONTAINER" --os linux --arch x86_64 --manylinux 2_28')
    expect(check).toContain('--wheelhouse "$ON_HOST" --os linux --arch x86_64')
  })

  it('waits for every job in all-green', () => {
    const needs = (jobs['all-green'] as unknown as { needs: string[] }).needs
    expect([...needs].sort()).toEqual(
      Object.keys(jobs)
        .filter((j) => j !== 'all-green')
        .sort()
    )
  })
})
