/**
 * The script the manylinux container runs, run here with bash on the host (Docker cannot run here): the
 * python path points at a host interpreter through the generator's pythonPath parameter. It must build
 * the dependency, build, repair (grafting libdwmath and libgomp) and test the fixture wheel.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { expect, it } from 'vitest'
import { renderContainerScript, versionDirs } from '../../src/container/script.js'
import { parseRecipes } from '../../src/dependencies/recipes.js'
import { fetchSource } from '../../src/dependencies/sources.js'
import { ExecRunner } from '../../src/exec.js'
import { graftedLibraries, wheelsIn } from '../../src/util/wheel-file.js'
import { REPO_ROOT } from '../harness/action.js'
import { FIXTURE_TEST_COMMAND, makeOpenmpFixture } from '../harness/openmp-fixture.js'

/** A host CPython 3.11 under pyenv (the manylinux image has /opt/python/cp311-cp311/bin/python). */
function hostPython311(): string | undefined {
  const versions = path.join(process.env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions')
  const v = fs.existsSync(versions) ? fs.readdirSync(versions).find((d) => /^3\.11\.\d+$/.test(d)) : undefined
  return v ? path.join(versions, v, 'bin', 'python3.11') : undefined
}

const python = hostPython311()

it.skipIf(!python)('the generated container script builds, repairs and tests the fixture', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-script-'))
  const fx = makeOpenmpFixture(root)
  const checkoutDir = path.join(root, 'ws', 'dwomp')
  execFileSync('git', ['clone', '-q', '--', fx.repo, checkoutDir])
  const workDir = path.join(root, 'temp', 'dipy-wheels-container')
  fs.mkdirSync(workDir, { recursive: true })
  const constraintsFile = path.join(workDir, 'constraints.txt')
  fs.copyFileSync(path.join(REPO_ROOT, 'requirements', 'tools.txt'), constraintsFile)
  // The host part: fetch and verify the source into the (mounted) temp directory.
  const [recipe] = parseRecipes(fx.dependencies, root)
  const srcDir = await fetchSource(
    new ExecRunner(),
    recipe,
    path.join(workDir, 'deps-src', recipe.name),
    path.join(workDir, 'downloads')
  )
  const script = renderContainerScript({
    pythonVersions: ['3.11'],
    pythonPath: () => python!,
    checkoutDir,
    workDir,
    constraintsFile,
    recipes: [{ recipe, srcDir }],
    configSettings: [],
    policy: undefined,
    testRequires: [],
    testCommand: FIXTURE_TEST_COMMAND,
    test: true,
    failFast: true,
    jobs: 2
  })
  const scriptPath = path.join(root, 'temp', 'dipy-wheels-build.sh')
  fs.writeFileSync(scriptPath, script)
  const r = spawnSync('bash', [scriptPath], {
    cwd: checkoutDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: os.homedir() },
    encoding: 'utf8',
    timeout: 600_000
  })
  const log = `${r.stdout}\n${r.stderr}`
  expect(r.status, log.slice(-6000)).toBe(0)
  expect(log).toContain('::group::Dependency dwmath 1.0.0 (cmake)')
  expect(log).toMatch(/dwomp ok \(3, 11\) openmp \d+ threads 2/)
  const d = versionDirs(workDir, '3.11')
  expect(fs.existsSync(d.okFile)).toBe(true)
  const wheels = wheelsIn(d.repaired)
  expect(wheels).toHaveLength(1)
  expect(path.basename(wheels[0])).toMatch(/^dwomp-0\.1\.0-cp311-cp311-manylinux_2_\d+_x86_64\.whl$/)
  const libs = graftedLibraries(wheels[0])
  expect(libs.some((l) => /^dwomp\.libs\/libdwmath-[0-9a-f]{8}\.so/.test(l))).toBe(true)
  expect(libs.some((l) => /^dwomp\.libs\/libgomp-[0-9a-f]{8}\.so/.test(l))).toBe(true)
  expect(fs.readFileSync(d.timesFile, 'utf8')).toMatch(
    /^build 3\.11 \d+\nrepair 3\.11 \d+\ntest 3\.11 \d+\n$/
  )
})
