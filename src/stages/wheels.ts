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
import { findPython, type FoundPython } from '../python/discover.js'
import { buildVenvDir, ensureVenv, toolsVenvDir, type ToolVenv } from '../python/venvs.js'
import type { PipelineState } from '../state.js'
import { buildWheel } from './build.js'
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
}

async function toolsVenv(ctx: HostContext, python: FoundPython): Promise<ToolVenv> {
  const { host } = ctx.state
  ctx.tools ??= await ctx.state.timings.time('tools', () =>
    ensureVenv(ctx.state.runner, ctx.mod, {
      python: python.path,
      dir: toolsVenvDir(host.toolCache, constraints, host.platform, host.arch),
      packages: ctx.mod.toolPackages,
      constraints,
      label: 'tools venv'
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
      compiler: await compilerId(runner, ctx.env),
      cacheRoot: path.join(host.toolCache, 'dipy-wheels-deps'),
      workDir: path.join(ctx.scratch, 'deps'),
      jobs: os.availableParallelism(),
      baseEnv: ctx.env
    })
  )
  return ctx.deps
}

/** One version: build, repair (into the wheelhouse), test. */
async function oneVersion(ctx: HostContext, version: string): Promise<void> {
  const { state, mod } = ctx
  const { inputs, host, runner, timings } = state
  const dir = path.join(ctx.scratch, `py${version}`)
  let step = `build ${version}`
  try {
    const deps = ctx.deps!
    const { python, built } = await timings.time(step, async () => {
      const python = await findPython(runner, mod, {
        version,
        arch: host.arch,
        env: host.env,
        toolCache: host.toolCache,
        home: os.homedir()
      })
      const venv = await ensureVenv(runner, mod, {
        python: python.path,
        dir: buildVenvDir(host.toolCache, constraints, python.path, python.full),
        packages: ['build'],
        constraints,
        label: `build venv of Python ${python.full}`
      })
      const built = await buildWheel(runner, mod, {
        version,
        buildPython: venv.python,
        srcDir: inputs.checkoutDir,
        outDir: path.join(dir, 'dist'),
        configSettings: mod.configSettings(inputs.configSettings),
        env: { ...mod.buildEnv(host.arch, ctx.env), ...deps.env }
      })
      return { python, built }
    })
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
  const ctx: HostContext = { state, mod, env: childEnv(state.host.env), scratch }
  try {
    await dependencies(ctx, recipes)
  } catch (err) {
    state.failures.push({ python: 'all', step: 'dependencies', message: messageOf(err) })
    throw err
  }
  for (const version of state.inputs.pythonVersions) await oneVersion(ctx, version)
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
