/**
 * A world for the wheels stage's tests: a host with python3.11 and python3.12 on PATH, a plan from makePlan
 * and the shared recording runner faking the tools' effects on disk. Every directory it makes is removed
 * after each test.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach } from 'vitest'
import type { SharedCache } from '../../src/cache/github.js'
import { childEnv, type Command } from '../../src/exec.js'
import type { ActionInputs } from '../../src/inputs.js'
import { makePlan, type PlanHost } from '../../src/plan/make-plan.js'
import type { PlatformModule } from '../../src/platforms/index.js'
import type { BuildPlan } from '../../src/plan/types.js'
import { withCheckoutBackend } from '../../src/stages/backend.js'
import { buildWheels, type WheelsResult } from '../../src/stages/wheels.js'
import { Timings } from '../../src/util/timings.js'
import { defaultInputs } from '../harness/plan-fixtures.js'
import { writeWheel } from './fake-wheels.js'
import { FakeRunner, type Response } from './recording-runner.js'

const made: string[] = []
const tmp = (prefix: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

export const argAfter = (cmd: Command, flag: string): string => cmd.args[cmd.args.indexOf(flag) + 1]

export const NO_SERVICE: SharedCache = {
  available: () => false,
  restore: async () => undefined,
  save: async () => {}
}

export interface World {
  /** A platform module in place of the plan's (a test of one OS's hooks on this host). */
  platform?: PlatformModule
  plan: BuildPlan
  runner: FakeRunner
  root: string
  bin: string
  timings: Timings
  run: () => Promise<WheelsResult>
}

/**
 * A host with python3.11 and python3.12 on PATH. `fail` can make a command fail (or change its effect):
 * by default the build writes a linux wheel into --outdir and auditwheel writes a manylinux one with
 * libgomp grafted into -w.
 */
export function world(
  inputs: Partial<ActionInputs>,
  fail: (cmd: Command) => Response | 'skip' = () => undefined,
  /** Names the runner's `which` finds, with their paths (ccache, compilers). */
  onPath: Record<string, string> = {},
  /** More variables of the host (DIPY_WHEELS_VENV_TOOL=pip). */
  env: Record<string, string> = {}
): World {
  const root = tmp('dw-unit-')
  const bin = path.join(root, 'bin')
  fs.mkdirSync(bin)
  for (const v of ['3.11', '3.12']) fs.writeFileSync(path.join(bin, `python${v}`), '')
  const host: PlanHost = {
    platform: 'linux',
    arch: 'x86_64',
    workspace: path.join(root, 'ws'),
    temp: path.join(root, 'temp'),
    toolCache: path.join(root, 'tc'),
    home: path.join(root, 'home'),
    cpus: 2,
    eventName: 'push',
    env: { PATH: bin, PYENV_ROOT: path.join(root, 'no-pyenv'), INPUT_NIGHTLY_TOKEN: 'secret', ...env }
  }
  const runner = new FakeRunner(
    (cmd) => {
      const f = fail(cmd)
      if (f === 'skip') return undefined
      if (f) return f
      if (cmd.args[0] === '-m' && cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
      // uv venv [--seed] --python <python> DIR
      if (cmd.command.endsWith('/uv') && cmd.args[0] === 'venv')
        fs.mkdirSync(cmd.args.at(-1)!, { recursive: true })
      const py = /python(3\.\d+)$/.exec(cmd.command)?.[1]
      if (py && cmd.args[0] === '-c' && cmd.args[1].includes('version_info')) {
        return { stdout: `(3, ${py.split('.')[1]})\n${py}.9\n` }
      }
      if (cmd.args.includes('build') && cmd.args.includes('--wheel')) {
        const tag = `cp${/py(3\.\d+)/.exec(argAfter(cmd, '--outdir'))![1].replace('.', '')}`
        writeWheel(path.join(argAfter(cmd, '--outdir'), `pkg-1.0-${tag}-${tag}-linux_x86_64.whl`))
      }
      if (cmd.command.endsWith('/auditwheel') && cmd.args[0] === 'repair') {
        const name = path
          .basename(cmd.args[cmd.args.length - 1])
          .replace('linux_x86_64', 'manylinux_2_28_x86_64')
        writeWheel(path.join(argAfter(cmd, '-w'), name), ['pkg.libs/libgomp-a34b3233.so.1.0.0'])
      }
      return undefined
    },
    childEnv(host.env),
    onPath
  )
  const plan = makePlan(
    defaultInputs('linux', {
      checkoutDir: path.join(root, 'ws', 'src'),
      outputDir: path.join(root, 'ws', 'wheelhouse'),
      pythonVersions: ['3.11'],
      container: 'off',
      manylinux: '2_28',
      compilerCache: false,
      stopAfter: 'test',
      ...inputs
    }),
    host
  )
  const timings = new Timings()
  const w: World = {
    plan,
    runner,
    root,
    bin,
    timings,
    // As the pipeline does once the checkout is there: the plan for the checkout's build backend (the
    // world's plan at the time of the run: a test may put parts in).
    run: () =>
      buildWheels({
        plan: withCheckoutBackend(w.plan),
        runner,
        timings,
        commit: 'c0ffee',
        cache: NO_SERVICE,
        root: false,
        ...(w.platform ? { platform: w.platform } : {})
      })
  }
  return w
}
