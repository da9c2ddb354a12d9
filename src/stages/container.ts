import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import constraints from '../../requirements/tools.txt'
import { containerImage, planDocker } from '../container/docker.js'
import { renderContainerScript, versionDirs, type ScriptRecipe } from '../container/script.js'
import { recipesFor, type Recipe } from '../dependencies/recipes.js'
import { fetchSource } from '../dependencies/sources.js'
import { ActionError, BuildError, messageOf, RepairError, WheelTestError } from '../errors.js'
import { childEnv } from '../exec.js'
import { containerManylinux, manylinuxPolicy } from '../platforms/manylinux.js'
import type { PipelineState } from '../state.js'
import { wheelsIn } from '../util/wheel-file.js'
import { isMesonpy, pipCacheDir, readBuildSystem } from '../python/build-env.js'
import { commonAncestor } from './compiler-cache.js'
import {
  containerCompilerCache,
  githubKeyedCache,
  readStatsFiles,
  saveCompilerCache
} from './compiler-cache-run.js'
import { wheelRecord } from './records.js'

const ERRORS = { build: BuildError, repair: RepairError, test: WheelTestError } as const

/** Fetches (and verifies) the recipes' sources on the host, into the mounted temp directory. */
async function fetchSources(
  state: PipelineState,
  recipes: Recipe[],
  workDir: string
): Promise<ScriptRecipe[]> {
  const out: ScriptRecipe[] = []
  for (const recipe of recipesFor(recipes, 'linux')) {
    const dest = path.join(workDir, 'deps-src', recipe.name)
    out.push({
      recipe,
      srcDir: await fetchSource(state.runner, recipe, dest, path.join(workDir, 'downloads'))
    })
  }
  return out
}

/** Reads what the script left for each version: times, the wheel, or the step that failed. */
function collect(state: PipelineState, workDir: string, tested: boolean, dockerTail: string): void {
  const { inputs } = state
  for (const version of inputs.pythonVersions) {
    const d = versionDirs(workDir, version)
    for (const line of fs.existsSync(d.timesFile) ? fs.readFileSync(d.timesFile, 'utf8').split('\n') : []) {
      const [step, v, seconds] = line.trim().split(' ')
      if (step && seconds)
        state.timings.steps.push({ step: `${step} ${v}`, seconds: Number(seconds), ok: true })
    }
    const wheels = wheelsIn(d.repaired)
    if (fs.existsSync(d.okFile) && wheels.length === 1) {
      fs.mkdirSync(inputs.outputDir, { recursive: true })
      const dest = path.join(inputs.outputDir, path.basename(wheels[0]))
      fs.copyFileSync(wheels[0], dest)
      const record = wheelRecord(version, dest)
      record.tested = tested
      state.wheels.push(record)
      continue
    }
    if (!fs.existsSync(d.stepFile)) continue // never started (an earlier version failed with fail-fast)
    const step = fs.readFileSync(d.stepFile, 'utf8').trim() as keyof typeof ERRORS
    state.timings.steps.push({ step: `${step} ${version}`, seconds: 0, ok: false })
    state.failures.push({
      python: version,
      step: `${step} ${version}`,
      message: `Python ${version} failed at the ${step} step in the container: see its log group above.\n${dockerTail}`
    })
  }
}

/** Linux in a manylinux container: one docker run of a generated script for every version. */
export async function buildWheelsInContainer(state: PipelineState, recipes: Recipe[]): Promise<void> {
  const { inputs, host, runner } = state
  const image = containerImage(inputs.container, inputs.manylinux, host.arch)
  const workDir = path.join(host.temp, 'dipy-wheels-container')
  fs.rmSync(workDir, { recursive: true, force: true })
  fs.mkdirSync(workDir, { recursive: true })
  const constraintsFile = path.join(workDir, 'constraints.txt')
  fs.writeFileSync(constraintsFile, constraints)
  const sources = await state.timings.time('dependencies (fetch)', () =>
    fetchSources(state, recipes, workDir)
  )
  const test = inputs.stopAfter !== 'build'
  const cc = inputs.compilerCache
    ? await state.timings.time('compiler cache (restore)', () =>
        containerCompilerCache({
          enabled: true,
          platform: host.platform,
          arch: host.arch,
          toolCache: host.toolCache,
          env: childEnv(host.env),
          pythons: inputs.pythonVersions,
          // The image's compiler: the image names it.
          compiler: image,
          commit: state.checkout?.commit ?? '',
          basedir: commonAncestor(inputs.checkoutDir, workDir),
          cache: githubKeyedCache(host.env)
        })
      )
    : undefined
  const pipCache = host.env.PIP_CACHE_DIR || pipCacheDir(host.toolCache)
  if (cc) fs.mkdirSync(pipCache, { recursive: true })
  const buildSystem = cc ? readBuildSystem(inputs.checkoutDir) : undefined
  const script = renderContainerScript({
    pythonVersions: inputs.pythonVersions,
    checkoutDir: inputs.checkoutDir,
    workDir,
    constraintsFile,
    recipes: sources,
    configSettings: inputs.configSettings,
    // A PyPA image built by auto repairs to its own policy; a custom image with auto lets auditwheel
    // take the image's AUDITWHEEL_PLAT.
    policy: manylinuxPolicy(
      inputs.container === 'auto' ? containerManylinux(inputs.manylinux) : inputs.manylinux,
      host.arch
    ),
    testRequires: inputs.testRequires,
    testCommand: inputs.testCommand,
    test,
    failFast: inputs.failFast,
    jobs: os.availableParallelism(),
    compilerCache:
      cc && buildSystem
        ? {
            env: { ...cc.env, PIP_CACHE_DIR: pipCache },
            requires: buildSystem.requires,
            mesonpy: isMesonpy(buildSystem)
          }
        : undefined
  })
  const scriptPath = path.join(host.temp, 'dipy-wheels-build.sh')
  fs.writeFileSync(scriptPath, script, { mode: 0o755 })
  core.info(`Building in ${image} with ${scriptPath}`)
  const docker = planDocker({
    image,
    workspace: host.workspace,
    temp: host.temp,
    cwd: inputs.checkoutDir,
    scriptPath,
    env: childEnv(host.env),
    mounts: cc ? [cc.dir, pipCache] : []
  })
  const result = await state.timings
    .time('container', () => runner.run(docker, { allowFailure: true }))
    .catch((err: unknown) => {
      throw new ActionError(
        `Could not run docker (${messageOf(err)}): the container build needs Docker, as on the ubuntu runners. ` +
          'Use container: off to build on the host.',
        { cause: err }
      )
    })
  collect(state, workDir, test && inputs.testCommand.trim() !== 'none', result.tail)
  if (cc) {
    for (const v of inputs.pythonVersions) {
      const d = versionDirs(workDir, v)
      readStatsFiles(cc, v, d.ccacheBefore, d.ccacheAfter)
    }
    state.compilerCache = cc
    if (cc.key) {
      await state.timings.time('compiler cache (save)', () =>
        saveCompilerCache(runner, cc, githubKeyedCache(host.env))
      )
    }
  }
  if (result.exitCode !== 0 && state.failures.length === 0) {
    throw new ActionError(`The container build failed (exit code ${result.exitCode}).\n${result.tail}`)
  }
  const first = state.failures[0]
  if (first && inputs.failFast) {
    const Err = ERRORS[first.step.split(' ')[0] as keyof typeof ERRORS] ?? ActionError
    throw new Err(first.message)
  }
}
