/**
 * The script the manylinux container runs, run here with bash on the host (Docker cannot run here): the
 * generator's pythonPath points at a host CPython 3.11 instead of /opt/python/cp311-cp311/bin/python.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { renderContainerScript, type ContainerScriptOptions } from '../../src/container/script.js'
import { parseRecipes } from '../../src/dependencies/recipes.js'
import { fetchSource } from '../../src/dependencies/sources.js'
import { ExecRunner } from '../../src/exec.js'
import { REPO_ROOT } from './action.js'
import { FIXTURE_TEST_COMMAND, makeOpenmpFixture, type OpenmpFixture } from './openmp-fixture.js'

/** A host CPython 3.11 under pyenv, if there is one. */
export function hostPython311(): string | undefined {
  const versions = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions')
  const v = fs.existsSync(versions) ? fs.readdirSync(versions).find((d) => /^3\.11\.\d+$/.test(d)) : undefined
  return v ? path.join(versions, v, 'bin', 'python3.11') : undefined
}

export interface ScriptFixture {
  root: string
  fx: OpenmpFixture
  /** The fixture checked out, as the action leaves it in the (mounted) workspace. */
  checkoutDir: string
  /** The action's container work directory under RUNNER_TEMP. */
  workDir: string
}

/** The OpenMP fixture checked out under a new root, laid out as the container run expects. */
export function scriptFixture(prefix: string): ScriptFixture {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  const fx = makeOpenmpFixture(root)
  const checkoutDir = path.join(root, 'ws', 'dwomp')
  execFileSync('git', ['clone', '-q', '--', fx.repo, checkoutDir])
  return { root, fx, checkoutDir, workDir: path.join(root, 'temp', 'dipy-wheels-container') }
}

/**
 * As the action does before docker run: a cleaned checkout, a fresh work directory with the constraints
 * and the fetched dependency source; then the rendered script run by bash.
 */
export async function runFixtureScript(
  s: ScriptFixture,
  python: string,
  extra: Partial<ContainerScriptOptions> = {}
): Promise<{ status: number | null; log: string; script: string }> {
  fs.rmSync(s.workDir, { recursive: true, force: true })
  execFileSync('git', ['-C', s.checkoutDir, 'clean', '-q', '-ffdx'])
  fs.mkdirSync(s.workDir, { recursive: true })
  const constraintsFile = path.join(s.workDir, 'constraints.txt')
  fs.copyFileSync(path.join(REPO_ROOT, 'requirements', 'tools.txt'), constraintsFile)
  const [recipe] = parseRecipes(s.fx.dependencies, s.root)
  const srcDir = await fetchSource(
    new ExecRunner(),
    recipe,
    path.join(s.workDir, 'deps-src', recipe.name),
    path.join(s.workDir, 'downloads')
  )
  const script = renderContainerScript({
    pythonVersions: ['3.11'],
    pythonPath: () => python,
    checkoutDir: s.checkoutDir,
    workDir: s.workDir,
    constraintsFile,
    recipes: [{ recipe, srcDir }],
    configSettings: [],
    testRequires: [],
    testCommand: FIXTURE_TEST_COMMAND,
    test: true,
    failFast: true,
    jobs: 2,
    ...extra
  })
  const scriptPath = path.join(s.root, 'temp', 'dipy-wheels-build.sh')
  fs.writeFileSync(scriptPath, script)
  const r = spawnSync('bash', [scriptPath], {
    cwd: s.checkoutDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: os.homedir() },
    encoding: 'utf8',
    timeout: 600_000
  })
  return { status: r.status, log: `${r.stdout}\n${r.stderr}`, script }
}
