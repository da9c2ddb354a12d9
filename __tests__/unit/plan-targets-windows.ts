/** The Windows targets of the plan tests (runner arch x architecture input), written out. */
import type { PlannedCommand } from '../../src/command.js'
import { runnerHost } from '../harness/plan-fixtures.js'
import { ARTIFACT, WHEEL, WIN, type Target } from './plan-expected.js'

export const VSWHERE = 'C:\\Program Files (x86)\\Microsoft Visual Studio\\Installer\\vswhere.exe'

/**
 * A Windows runner (`runner`: AMD64 or ARM64) building for the architecture input `input` (empty: the
 * runner's). `arch`: the plan's arch, `wanted`: the setup-python arch, `tag`: the wheel's platform tag,
 * `vcvars`: vcvarsall's argument, `component`: the Visual Studio component vswhere requires.
 */
export function windowsTarget(o: {
  runner: 'AMD64' | 'ARM64'
  input: string
  arch: string
  wanted: string
  tag: string
  vcvars: string
  component: string
  /** The meson machine file's kind: cross when the target is not the runner's arch. */
  meson: 'native' | 'cross'
}): Target {
  return {
    label: `windows ${o.runner} runner, architecture '${o.input}'`,
    host: runnerHost('windows', o.runner),
    inputs: { architecture: o.input },
    arch: o.arch,
    artifactName: `${ARTIFACT}-windows-${o.arch}`,
    f: WIN,
    temp: 'D:\\a\\_temp',
    toolCache: 'C:\\hostedtoolcache\\windows',
    checkout: 'D:\\a\\dipy-wheels\\dipy-wheels\\dipy',
    envId: `windows-${o.arch}`,
    executor: { kind: 'host', envId: `windows-${o.arch}` },
    // The MSVC environment is loaded for the target: no --vsenv (it would load the runner's 64-bit tools).
    configSettings: ['compile-args=-v'],
    buildVars: {},
    depsWindows: {
      arch: o.wanted,
      runnerArch: o.runner === 'ARM64' ? 'arm64' : 'x64',
      mesonFile: `D:\\a\\_temp\\dipy-wheels\\deps\\meson-${o.meson}-msvc-${o.wanted}.ini`
    },
    osPlan: {
      windows: {
        arch: o.wanted,
        wheelPlatform: o.tag,
        msvc: {
          runnerArch: o.runner === 'ARM64' ? 'arm64' : 'x64',
          vswhere: {
            command: VSWHERE,
            args: [
              '-latest',
              '-prerelease',
              '-products',
              '*',
              '-requires',
              o.component,
              '-property',
              'installationPath',
              '-utf8'
            ]
          },
          vcvarsArch: o.vcvars,
          script: 'D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd',
          capture: { command: 'cmd.exe', args: ['/d', '/c', 'D:\\a\\_temp\\dipy-wheels\\msvc-env.cmd'] }
        }
      }
    },
    pipCache: 'C:\\hostedtoolcache\\windows\\dipy-wheels-pip',
    vsenvFallback: o.meson === 'native',
    interpreter: (v) => ({
      search: { toolCache: 'C:\\hostedtoolcache\\windows', home: 'C:\\Users\\runneradmin', arch: o.wanted },
      hint:
        `add an actions/setup-python step with python-version: '${v}' and architecture: ${o.wanted} ` +
        'before this action (windows-2025 carries x64 interpreters only; setup-python downloads x86 and arm64 ones)'
    }),
    repair: (tools, repairDir) => ({
      command: `${tools}\\Scripts\\delvewheel.exe`,
      args: ['repair', '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: {}
    })
  }
}

export const X64_TOOLS = 'Microsoft.VisualStudio.Component.VC.Tools.x86.x64'
export const ARM64_TOOLS = 'Microsoft.VisualStudio.Component.VC.Tools.ARM64'
