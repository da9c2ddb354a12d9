import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import constraints from '../../requirements/tools.txt'
import type { Recipe } from '../dependencies/recipes.js'
import { messageOf } from '../errors.js'
import { usesContainer } from '../container/docker.js'
import { childEnv } from '../exec.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { manylinuxPolicy } from '../platforms/manylinux.js'
import { buildEnvVars, ensureBuildEnv, isMesonpy, pipCacheDir, readBuildSystem } from '../python/build-env.js'
import { findPython, type FoundPython } from '../python/discover.js'
import { buildVenvDir, ensureVenv, toolsVenvDir, type ToolVenv } from '../python/venvs.js'
import type { PipelineState } from '../state.js'
import { buildWheel } from './build.js'
import { commonAncestor, compilerCacheBuildEnv, type CompilerCacheState } from './compiler-cache.js'
import {
  githubKeyedCache,
  readStats,
  recordStats,
  saveCompilerCache,
  setupCompilerCache
} from './compiler-cache-run.js'
import { buildWheelsInContainer } from './container.js'
import { buildDependencies, compilerId, type DependencyResult } from './dependencies.js'
import { fail, wheelRecord } from './records.js'
import { autoPolicy, repairWheel } from './repair.js'
import { testWheel } from './test.js'

interface HostContext {
  state: PipelineState
  mod: PlatformModule
  /** The action's environment without secrets: what every child starts from. */
  env: Record<string, string>
  scratch: string
  tools?: ToolVenv
  deps?: DependencyResult
  /** The compiler cache, when compiler-cache is on and ccache is there. */
  cc?: CompilerCacheState
  compiler?: string
}

async function compiler(ctx: HostContext): Promise<string> {
  ctx.compiler ??= await compilerId(ctx.state.runner, ctx.env)
  return ctx.compiler
}

/** meson-python's build directory of a version: fixed (ccache hashes paths), outside the checkout. */
export const mesonBuildDir = (scratch: string, version: string): string =>
  path.join(scratch, `py${version}`, 'meson-build')

async function toolsVenv(ctx: HostContext, python: FoundPython): Promise<ToolVenv> {
  const { host } = ctx.state
  ctx.tools ??= await ctx.state.timings.time('tools', () =>
    ensureVenv(ctx.state.runner, ctx.mod, {
      python: python.path,
      dir: toolsVenvDir(host.toolCache, constraints, host.platform, host.arch),
      packages: ctx.mod.toolPackages,
      constraints,
      label: 'tools venv',
      env: ctx.env
    })
  )
  return ctx.tools
}

async function dependencies(ctx: HostContext, recipes: Recipe[]): Promise<DependencyResult> {
  const { host, runner } = ctx.state
  ctx.deps ??= await ctx.state.timings.time('dependencies', async () =>
    buildDependencies(runner, recipes, {
      platform: host.platform,
      arch: host.arch,
      compiler: await compiler(ctx),
      cacheRoot: path.join(host.toolCache, 'dipy-wheels-deps'),
      workDir: path.join(ctx.scratch, 'deps'),
      jobs: os.availableParallelism(),
      baseEnv: ctx.env
    })
  )
  return ctx.deps
}

interface BuildSetup {
  buildPython: string
  env: Record<string, string | undefined>
  noIsolation: boolean
  buildDir?: string
}

function find(ctx: HostContext, version: string): Promise<FoundPython> {
  const { host, runner } = ctx.state
  return findPython(runner, ctx.mod, {
    version,
    arch: host.arch,
    env: host.env,
    toolCache: host.toolCache,
    home: os.homedir()
  })
}

/**
 * With compiler-cache: the persistent build env with the project's own build requirements and, for
 * meson-python, a fixed build directory: the same paths every run, so ccache hits and nothing is
 * reinstalled. Without: the pinned `build` venv and an isolated build.
 */
async function prepareBuild(ctx: HostContext, version: string, python: FoundPython): Promise<BuildSetup> {
  const { state, mod } = ctx
  const { inputs, host, runner } = state
  const env: Record<string, string | undefined> = { ...mod.buildEnv(host.arch, ctx.env), ...ctx.deps!.env }
  if (!inputs.compilerCache) {
    const venv = await ensureVenv(runner, mod, {
      python: python.path,
      dir: buildVenvDir(host.toolCache, constraints, python.path, python.full),
      packages: ['build'],
      constraints,
      label: `build venv of Python ${python.full}`,
      env: ctx.env
    })
    return { buildPython: venv.python, env, noIsolation: false }
  }
  const buildSystem = readBuildSystem(inputs.checkoutDir)
  const venv = await ensureBuildEnv(runner, mod, {
    python: python.path,
    full: python.full,
    toolCache: host.toolCache,
    constraints,
    srcDir: inputs.checkoutDir,
    buildSystem,
    configSettings: mod.configSettings(inputs.configSettings),
    env: ctx.env
  })
  let buildEnv = { ...env, ...buildEnvVars(mod, venv, { ...ctx.env, ...env }) }
  if (ctx.cc) buildEnv = { ...buildEnv, ...compilerCacheBuildEnv(ctx.cc, buildEnv) }
  let buildDir: string | undefined
  if (isMesonpy(buildSystem)) {
    buildDir = mesonBuildDir(ctx.scratch, version)
    fs.rmSync(buildDir, { recursive: true, force: true })
  }
  return { buildPython: venv.python, env: buildEnv, noIsolation: true, buildDir }
}

/** One version: (build env,) build, repair (into the wheelhouse), test. */
async function oneVersion(ctx: HostContext, version: string): Promise<void> {
  const { state, mod } = ctx
  const { inputs, host, runner, timings } = state
  const dir = path.join(ctx.scratch, `py${version}`)
  let step = `build ${version}`
  try {
    const deps = ctx.deps!
    let ready: { python: FoundPython; setup: BuildSetup } | undefined
    if (inputs.compilerCache) {
      step = `build env ${version}`
      ready = await timings.time(step, async () => {
        const python = await find(ctx, version)
        return { python, setup: await prepareBuild(ctx, version, python) }
      })
      step = `build ${version}`
    }
    const before = ctx.cc ? await readStats(runner, ctx.cc) : undefined
    const { python, built } = await timings.time(step, async () => {
      const python = ready?.python ?? (await find(ctx, version))
      const setup = ready?.setup ?? (await prepareBuild(ctx, version, python))
      const built = await buildWheel(runner, mod, {
        version,
        buildPython: setup.buildPython,
        srcDir: inputs.checkoutDir,
        outDir: path.join(dir, 'dist'),
        configSettings: mod.configSettings(inputs.configSettings),
        noIsolation: setup.noIsolation,
        buildDir: setup.buildDir,
        env: setup.env
      })
      return { python, built }
    })
    if (ctx.cc) await recordStats(runner, ctx.cc, version, before)
    step = `repair ${version}`
    const tools = await toolsVenv(ctx, python)
    const record = await timings.time(step, async () => {
      let policy = host.platform === 'linux' ? manylinuxPolicy(inputs.manylinux, host.arch) : undefined
      if (host.platform === 'linux' && !policy) policy = await autoPolicy(runner, tools.bin, built, host.arch)
      const repaired = await repairWheel(runner, mod, {
        version,
        toolsBin: tools.bin,
        wheel: built,
        destDir: path.join(dir, 'repaired'),
        arch: host.arch,
        policy,
        depsPrefix: deps.prefix || undefined,
        env: ctx.env
      })
      fs.mkdirSync(inputs.outputDir, { recursive: true })
      const dest = path.join(inputs.outputDir, path.basename(repaired))
      fs.copyFileSync(repaired, dest)
      const record = wheelRecord(version, dest)
      core.info(`${record.name}: ${record.size} bytes, grafted: ${record.grafted.join(', ') || 'nothing'}`)
      return record
    })
    state.wheels.push(record)
    if (inputs.stopAfter === 'build') return
    step = `test ${version}`
    try {
      record.tested = await timings.time(step, () =>
        testWheel(runner, mod, {
          version,
          python: python.path,
          wheel: record.path,
          testRequires: inputs.testRequires,
          testCommand: inputs.testCommand,
          workDir: fs.mkdtempSync(path.join(host.temp, `dw-test-${version}-`)),
          env: ctx.env
        })
      )
    } catch (err) {
      // A wheel that failed its test never stays in the wheelhouse (nothing publishes it by mistake).
      const aside = path.join(dir, 'failed', record.name)
      fs.mkdirSync(path.dirname(aside), { recursive: true })
      fs.renameSync(record.path, aside)
      state.wheels.splice(state.wheels.indexOf(record), 1)
      core.warning(`${record.name} failed its test: moved out of the wheelhouse to ${aside}`)
      throw err
    }
  } catch (err) {
    fail(state, version, step, err)
  }
}

/**
 * Host builds (container: off, macOS, Windows): every version in turn. With fail-fast the first failure
 * throws; otherwise failures are recorded and throwIfFailed (after publish) ends the step.
 */
export async function buildWheelsOnHost(state: PipelineState, recipes: Recipe[]): Promise<void> {
  const mod = platformModule(state.host.platform)
  const scratch = path.join(state.host.temp, 'dipy-wheels')
  const { host, inputs, runner, timings } = state
  // pip's download cache persists next to the venvs (a PIP_CACHE_DIR of the user's wins).
  const env = childEnv(host.env, { PIP_CACHE_DIR: host.env.PIP_CACHE_DIR || pipCacheDir(host.toolCache) })
  const ctx: HostContext = { state, mod, env, scratch }
  try {
    await dependencies(ctx, recipes)
  } catch (err) {
    state.failures.push({ python: 'all', step: 'dependencies', message: messageOf(err) })
    throw err
  }
  if (inputs.compilerCache)
    ctx.cc = await timings.time('compiler cache (restore)', async () =>
      setupCompilerCache(runner, {
        enabled: inputs.compilerCache,
        platform: host.platform,
        arch: host.arch,
        toolCache: host.toolCache,
        env: ctx.env,
        pythons: inputs.pythonVersions,
        compiler: await compiler(ctx),
        commit: state.checkout?.commit ?? '',
        basedir: commonAncestor(inputs.checkoutDir, scratch),
        // The runner's own variables say whether GitHub's cache service is there (children never see them).
        cache: githubKeyedCache(host.env)
      })
    )
  state.compilerCache = ctx.cc
  try {
    for (const version of inputs.pythonVersions) await oneVersion(ctx, version)
  } finally {
    const cc = ctx.cc
    if (cc?.key) {
      await timings.time('compiler cache (save)', () =>
        saveCompilerCache(runner, cc, githubKeyedCache(host.env))
      )
    }
  }
}

/** The build, repair and test of every Python version. */
export async function buildWheels(state: PipelineState, recipes: Recipe[]): Promise<void> {
  if (state.host.platform === 'linux' && usesContainer(state.inputs.container)) {
    await buildWheelsInContainer(state, recipes)
  } else {
    await buildWheelsOnHost(state, recipes)
  }
}

export { throwIfFailed } from './records.js'
