import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { CommandError, messageOf, WheelTestError } from '../errors.js'
import type { Command, Runner } from '../exec.js'
import { prependPath } from '../platforms/common.js'
import type { PlatformModule } from '../platforms/index.js'

/** dipy's smoke test: imports, get_info, an OpenMP extension (AffineMap), and OpenMP itself. */
export const DIPY_SMOKE_TEST = [
  'import dipy',
  'print(dipy.__version__)',
  'print(dipy.get_info())',
  'from dipy.align.imaffine import AffineMap',
  'from dipy.utils.omp import have_openmp',
  'print("have_openmp:", have_openmp)',
  'assert have_openmp, "dipy was built without OpenMP"'
].join('\n')

export interface TestRequest {
  version: string
  /** The interpreter the wheel was built for (the test venv is made from it). */
  python: string
  wheel: string
  testRequires: readonly string[]
  /** Empty: dipy's smoke test; "none": skip. */
  testCommand: string
  /** A fresh directory outside the source tree: holds the venv and the empty working directory. */
  workDir: string
  env: Readonly<Record<string, string | undefined>>
}

/** The commands of one test: make a venv, install the wheel, run the test from an empty directory. */
export function planTest(mod: PlatformModule, req: TestRequest): Command[] {
  const venv = path.join(req.workDir, 'venv')
  const cwd = path.join(req.workDir, 'empty')
  const py = mod.venvPython(venv)
  const delimiter = mod.name === 'windows' ? ';' : ':'
  const env = {
    PATH: prependPath([mod.venvBin(venv)], req.env.PATH, delimiter),
    VIRTUAL_ENV: venv,
    MPLBACKEND: 'Agg',
    // pip's download cache of the run (the action's, under the tool cache), when one is set.
    ...(req.env.PIP_CACHE_DIR ? { PIP_CACHE_DIR: req.env.PIP_CACHE_DIR } : {}),
    PYTHONPATH: undefined,
    PYTHONHOME: undefined
  }
  const pip = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    req.wheel,
    ...req.testRequires
  ]
  const test: Command = req.testCommand
    ? // As a workflow `run:` step runs it. --norc matters: a child with socket stdio (node's) is taken for an
      // rshd session and would read ~/.bashrc, which may put another python first on PATH.
      { command: 'bash', args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', req.testCommand], cwd, env }
    : { command: py, args: ['-c', DIPY_SMOKE_TEST], cwd, env }
  return [
    { command: req.python, args: ['-m', 'venv', venv], cwd, env: { PYTHONPATH: undefined } },
    { command: py, args: pip, cwd, env },
    test
  ]
}

/** Tests one wheel in a new venv; false when the test command is "none". */
export async function testWheel(runner: Runner, mod: PlatformModule, req: TestRequest): Promise<boolean> {
  if (req.testCommand.trim() === 'none') {
    core.info(`test-command is none: the wheel for Python ${req.version} is not tested.`)
    return false
  }
  fs.mkdirSync(path.join(req.workDir, 'empty'), { recursive: true })
  const [venv, install, test] = planTest(mod, req)
  await core.group(`Test the wheel for Python ${req.version}`, async () => {
    const step = async (cmd: Command, what: string): Promise<void> => {
      try {
        await runner.run(cmd, { what })
      } catch (err) {
        const hint = err instanceof CommandError ? mod.hint(err.tail) : undefined
        throw new WheelTestError(
          `Testing ${path.basename(req.wheel)}: ${messageOf(err)}${hint ? `\nHint: ${hint}` : ''}`,
          { cause: err }
        )
      }
    }
    await step(venv, 'making the test venv')
    await step(install, 'installing the wheel into a clean venv')
    await step(test, req.testCommand ? 'the test command' : "dipy's smoke test")
  })
  return true
}
