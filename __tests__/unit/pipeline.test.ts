/**
 * runPipeline with a recording runner on the host (container: off): the order of the stages, what a
 * failure of one version of two means for the step (fail-fast: false), and the outputs written even then.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { zipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { ActionError } from '../../src/errors.js'
import { childEnv, type Command } from '../../src/exec.js'
import type { HostFacts } from '../../src/host.js'
import type { ActionInputs } from '../../src/inputs.js'
import { runPipeline } from '../../src/pipeline.js'
import { defaultInputs } from '../harness/plan-fixtures.js'
import { FakeRunner } from './recording-runner.js'

const SHA = 'd'.repeat(40)
const made: string[] = []
const saved = { ...process.env }
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

const argAfter = (cmd: Command, flag: string): string => cmd.args[cmd.args.indexOf(flag) + 1]

function wheel(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, zipSync({ 'pkg/__init__.py': new Uint8Array(), 'pkg/_c.so': new Uint8Array([1]) }))
}

function setup(inputs: Partial<ActionInputs>, failBuildOf?: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pipeline-'))
  made.push(root)
  const bin = path.join(root, 'bin')
  fs.mkdirSync(bin)
  for (const v of ['3.11', '3.12']) fs.writeFileSync(path.join(bin, `python${v}`), '')
  const output = path.join(root, 'output')
  fs.writeFileSync(output, '')
  process.env.GITHUB_OUTPUT = output
  delete process.env.GITHUB_STEP_SUMMARY
  const host: HostFacts = {
    platform: 'linux',
    arch: 'x86_64',
    workspace: path.join(root, 'ws'),
    temp: path.join(root, 'temp'),
    toolCache: path.join(root, 'tc'),
    home: root,
    cpus: 1,
    root: false,
    eventName: 'workflow_dispatch',
    ref: '',
    workflowRef: '',
    repository: 'dipy/dipy-wheels',
    env: { PATH: bin, PYENV_ROOT: path.join(root, 'none') }
  }
  const runner = new FakeRunner((cmd) => {
    if (cmd.command === 'git' && cmd.args.includes('rev-parse')) return { stdout: `${SHA}\n` }
    if (cmd.args[0] === '-m' && cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
    // uv venv [--seed] --python <python> DIR (uv makes the venvs by default)
    if (cmd.command.endsWith('/uv') && cmd.args[0] === 'venv')
      fs.mkdirSync(cmd.args.at(-1)!, { recursive: true })
    const py = /python(3\.\d+)$/.exec(cmd.command)?.[1]
    if (py && cmd.args[1]?.includes('version_info')) return { stdout: `(3, ${py.split('.')[1]})\n${py}.9\n` }
    if (cmd.args.includes('--wheel')) {
      const v = /py(3\.\d+)/.exec(argAfter(cmd, '--outdir'))![1]
      if (v === failBuildOf) return { exitCode: 1, stderr: 'error: broken.c:4' }
      const tag = `cp${v.replace('.', '')}`
      wheel(path.join(argAfter(cmd, '--outdir'), `pkg-1.0-${tag}-${tag}-linux_x86_64.whl`))
    }
    if (cmd.args[0] === 'repair') {
      const name = path.basename(cmd.args.at(-1)!).replace('linux_x86_64', 'manylinux_2_28_x86_64')
      wheel(path.join(argAfter(cmd, '-w'), name))
    }
    return undefined
  }, childEnv(host.env))
  const all = defaultInputs('linux', {
    checkoutDir: path.join(root, 'ws', 'dipy'),
    outputDir: path.join(root, 'ws', 'wheelhouse'),
    repository: path.join(root, 'repo'),
    container: 'off',
    manylinux: '2_28',
    compilerCache: false,
    upload: 'none',
    artifact: 'false',
    ...inputs
  })
  const outputs = (): Record<string, string> =>
    Object.fromEntries(
      [...fs.readFileSync(output, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)].map((m) => [
        m[1],
        m[3]
      ])
    )
  return { root, runner, run: () => runPipeline(all, host, runner), outputs }
}

describe('runPipeline', () => {
  it('fail-fast false: the other version is built and tested, then the step fails naming the failed one', async () => {
    const { root, run, outputs } = setup(
      { pythonVersions: ['3.11', '3.12'], failFast: false, stopAfter: 'test' },
      '3.11'
    )
    const err = (await run().catch((e: unknown) => e)) as Error
    expect(err).toBeInstanceOf(ActionError)
    expect(err.message).toMatch(
      /^1 of 2 Python versions failed:\n- Python 3\.11, build 3\.11: the wheel build for Python 3\.11 failed: error: broken\.c:4\nThese wheels were made: pkg-1\.0-cp312-cp312-manylinux_2_28_x86_64\.whl$/
    )
    expect(err.message).toContain('\nThese wheels were made: pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl')
    // The report still ran: the outputs name the commit and the one wheel.
    expect(outputs().commit).toBe(SHA)
    expect(JSON.parse(outputs().wheels)).toEqual([
      path.join(root, 'ws', 'wheelhouse', 'pkg-1.0-cp312-cp312-manylinux_2_28_x86_64.whl')
    ])
  })

  it('fail-fast: the first failure ends the run with its own error; 3.12 is never built', async () => {
    const { runner, run } = setup({ pythonVersions: ['3.11', '3.12'], stopAfter: 'test' }, '3.11')
    await expect(run()).rejects.toThrow(
      /^the wheel build for Python 3\.11 failed: error: broken\.c:4\n\(exit code 1\)/
    )
    expect(runner.calls.filter((c) => c.args.includes('--wheel'))).toHaveLength(1)
  })

  it('stop-after checkout: git only, outputs written', async () => {
    const { runner, run, outputs } = setup({ stopAfter: 'checkout' })
    const r = await run()
    expect(r.checkout).toEqual({ commit: SHA, ref: '1.12.1', version: undefined, reused: false })
    expect(new Set(runner.calls.map((c) => c.command))).toEqual(new Set(['git']))
    expect(outputs()).toMatchObject({ commit: SHA, ref: '1.12.1', wheels: '[]' })
  })

  it('stop-after plan: runs nothing at all', async () => {
    const { runner, run } = setup({ stopAfter: 'plan' })
    const r = await run()
    expect(r.checkout).toBeUndefined()
    expect(runner.calls).toEqual([])
  })
})
