/**
 * makePlan: the whole run as a value, from the inputs and the facts of the host, before anything runs.
 * Pure (no process, no file written): every OS's plan can be made, printed and tested on any machine.
 */
import constraints from '../../requirements/tools.txt'
import { buildDirOf, CYTHON_CACHE_DIR_NAME, cythonCachePaths } from '../cache/cython.js'
import { planRepairReuse } from '../cache/repaired.js'
import { CONTAINER_ENV_ALLOWLIST, containerImage, usesContainer } from '../container/image.js'
import { recipesFor } from '../dependencies/recipes.js'
import { windowsRecipeTarget } from '../platforms/windows-target.js'
import type { HostFacts } from '../host.js'
import type { ActionInputs } from '../inputs.js'
import { targetArch } from '../platforms/architecture.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { vsenvWouldBeWrong } from '../platforms/msvc-env.js'
import {
  containerManylinux,
  manylinuxPolicy,
  manylinuxPython,
  manylinuxPythonHome
} from '../platforms/manylinux.js'
import { artifactDecision, artifactName } from '../publish/artifact-name.js'
import { attestDecision } from '../publish/attest.js'
import { decideUpload, requireToken } from '../publish/target.js'
import { DEFAULT_NIGHTLY_REF } from '../util/action-defaults.js'
import { shortHash } from '../util/hash.js'
import { planBuilds } from './build-commands.js'
import { cacheToolOf, compilerCacheOf } from './compiler-cache.js'
import { pipCacheOf, testPlans, toolsDir, toolsPlan, uvOf } from './venvs.js'
import type { BuildPlan, ExecutorPlan, MacosPlan, PythonPlan, WindowsPlan } from './types.js'

/** The facts makePlan needs of the machine it plans for (HostFacts, or a target named on the CLI). */
export type PlanHost = Pick<
  HostFacts,
  'platform' | 'arch' | 'workspace' | 'temp' | 'toolCache' | 'home' | 'cpus' | 'eventName' | 'env' | 'user'
>

/** What the plan builds for: the architecture input (checked for the OS) or the runner's own arch. */
interface Target {
  arch: string
  macos?: MacosPlan
  windows?: WindowsPlan
}

function targetOf(inputs: ActionInputs, host: PlanHost): Target {
  const arch = targetArch(host.platform, inputs.architecture, host.arch)
  const os = platformModule(host.platform).planOs({
    arch,
    hostArch: host.arch,
    temp: host.temp,
    env: host.env,
    deploymentTarget: inputs.macosDeploymentTarget,
    libomp: inputs.macosLibomp
  })
  return { arch, ...os }
}

function executorPlan(inputs: ActionInputs, host: PlanHost, arch: string): ExecutorPlan {
  const mod = platformModule(host.platform)
  if (!mod.manylinux || !usesContainer(inputs.container)) {
    return { kind: 'host', envId: `${host.platform}-${arch}` }
  }
  const image = containerImage(inputs.container, inputs.manylinux, host.arch)
  // Not root on the host (GitHub's runner user): the commands inside run as that user, so every file
  // they leave in the mounts is the user's; package installs alone run as root (docker exec --user 0).
  const user =
    host.user && host.user.uid !== 0
      ? { ...host.user, home: mod.paths.join(host.temp, 'dipy-wheels', 'home') }
      : undefined
  return {
    kind: 'container',
    envId: image,
    image,
    mounts: [...new Set([host.workspace, host.temp, host.toolCache])],
    passEnv: CONTAINER_ENV_ALLOWLIST,
    ...(user ? { user } : {})
  }
}

/** Linux's auditwheel --plat: the image's policy for the PyPA images, the input's otherwise. */
function policyFor(inputs: ActionInputs, host: PlanHost, executor: ExecutorPlan): string | undefined {
  if (!platformModule(host.platform).manylinux) return undefined
  const value =
    executor.kind === 'container' && inputs.container === 'auto'
      ? containerManylinux(inputs.manylinux)
      : inputs.manylinux
  return manylinuxPolicy(value, host.arch)
}

function pythonPlan(
  mod: PlatformModule,
  inputs: ActionInputs,
  host: PlanHost,
  executor: ExecutorPlan,
  policy: string | undefined,
  target: Target,
  version: string
): PythonPlan {
  const p = mod.paths
  const dir = p.join(host.temp, 'dipy-wheels', `py${version}`)
  const projectRequirements = inputs.compilerCache
  const envKind = projectRequirements ? 'dipy-wheels-buildenv' : 'dipy-wheels-build'
  const buildEnv = p.join(host.toolCache, envKind, `${shortHash(executor.envId, constraints)}-py${version}`)
  const distDir = p.join(dir, 'dist')
  const repairDir = p.join(dir, 'repaired')
  const testDir = p.join(dir, 'test')
  const tested =
    (inputs.stopAfter === 'test' || inputs.stopAfter === 'publish') && inputs.testCommand.trim() !== 'none'
  const pipCache = pipCacheOf(host, executor)
  const arch = target.windows?.arch ?? target.arch
  const targetEnv = target.macos ? mod.buildEnv(target.arch, target.macos.deploymentTarget) : {}
  const cc = compilerCacheOf(mod, inputs, host, executor, toolsDir(mod, host, executor))
  const repair = mod.planRepair({
    toolsBin: mod.venvBin(toolsDir(mod, host, executor)),
    wheel: { slot: 'wheel' },
    destDir: repairDir,
    arch: target.arch,
    policy,
    ...(target.macos ? { env: targetEnv } : {})
  })
  return {
    version,
    interpreter:
      executor.kind === 'container'
        ? {
            candidates: [manylinuxPython(version)],
            hint: `use an image with ${manylinuxPythonHome(version)} (a PyPA manylinux image)`
          }
        : {
            search: { toolCache: host.toolCache, home: host.home, arch },
            hint: mod.pythonHint(version, arch)
          },
    buildEnv: { dir: buildEnv, projectRequirements },
    distDir,
    ...planBuilds(
      mod,
      {
        srcDir: inputs.checkoutDir,
        outDir: distDir,
        configSettings: mod.configSettings(settingsOf(inputs, host)),
        noIsolation: projectRequirements,
        buildEnv,
        // With compiler-cache, its variables and wrapper directory (the build env's bin goes before it on PATH).
        env: { set: { ...cc?.env.set, ...targetEnv, PIP_CACHE_DIR: pipCache }, prepend: cc?.env.prepend }
      },
      {
        vsenv: target.windows
          ? !vsenvWouldBeWrong(target.windows.msvc.runnerArch, target.windows.arch)
          : false,
        ...(projectRequirements
          ? {
              mesonpy: {
                buildDir: buildDirOf(p, inputs.checkoutDir, version),
                cythonCache: cythonCachePaths(p, {
                  cacheDir: p.join(host.toolCache, CYTHON_CACHE_DIR_NAME),
                  scratch: p.join(host.temp, 'dipy-wheels'),
                  buildDir: buildDirOf(p, inputs.checkoutDir, version),
                  checkout: inputs.checkoutDir
                })
              }
            }
          : {})
      }
    ),
    repairDir,
    repair,
    // With compiler-cache: the repaired-wheel cache in the tool cache, keyed by the repair's inputs.
    ...(inputs.compilerCache
      ? {
          repairReuse: planRepairReuse(mod, {
            toolCache: host.toolCache,
            repair,
            repairDir,
            constraints,
            executor
          })
        }
      : {}),
    ...(tested
      ? testPlans(
          mod,
          {
            workDir: testDir,
            testRequires: inputs.testRequires,
            testCommand: inputs.testCommand,
            pipCache
          },
          uvOf(mod, host, executor)
        )
      : {}),
    testDir,
    failedDir: p.join(dir, 'failed')
  }
}

/** Debug mode (RUNNER_DEBUG=1: the runner's debug logging, the CLI's --verbose) shows compile lines. */
const compileCommandLines = (host: PlanHost): boolean => host.env.RUNNER_DEBUG === '1'

/** The config settings given, plus meson's compile-args=-v when compile lines are shown and none was set. */
function settingsOf(inputs: ActionInputs, host: PlanHost): string[] {
  const own = inputs.configSettings
  return compileCommandLines(host) && !own.some((s) => s.startsWith('compile-args='))
    ? [...own, 'compile-args=-v']
    : [...own]
}

/**
 * The plan of a run. Throws InputError for what the inputs make impossible (a required upload without its
 * token, a bad recipe, an artifact name the service refuses), before anything has run.
 */
export function makePlan(inputs: ActionInputs, host: PlanHost): BuildPlan {
  const mod = platformModule(host.platform)
  const p = mod.paths
  const target = targetOf(inputs, host)
  const executor = executorPlan(inputs, host, target.arch)
  const policy = policyFor(inputs, host, executor)
  const upload = decideUpload(inputs, {
    eventName: host.eventName,
    ref: inputs.buildCommit.ref,
    nightlyRef: inputs.nightlyRef ?? DEFAULT_NIGHTLY_REF
  })
  // The token is needed only when the run goes as far as the upload.
  if (inputs.stopAfter === 'publish') requireToken(upload, inputs)
  // artifact: true without the service fails here only when the run goes as far as publishing.
  const artifact =
    inputs.stopAfter === 'publish'
      ? artifactDecision(inputs.artifact, host.env)
      : { upload: false, reason: `the run stops after ${inputs.stopAfter}` }
  const attest =
    inputs.stopAfter === 'publish'
      ? attestDecision(inputs.attest, inputs.githubToken, host.env)
      : { mode: inputs.attest, attest: false, reason: `the run stops after ${inputs.stopAfter}` }
  const name = artifactName({
    pythonVersions: inputs.pythonVersions,
    platform: host.platform,
    arch: target.arch,
    override: inputs.artifactName
  })
  const recipes = recipesFor(inputs.recipes, host.platform)
  const depsWork = p.join(host.temp, 'dipy-wheels', 'deps')
  const win = target.windows
  const keyExtra = mod.dependencyKeyExtra(inputs.macosDeploymentTarget)
  return {
    platform: host.platform,
    arch: target.arch,
    lastStep: inputs.stopAfter,
    toolCache: host.toolCache,
    configSettings: mod.configSettings(settingsOf(inputs, host)),
    compileCommandLines: compileCommandLines(host),
    ...(uvOf(mod, host, executor) ? { uv: uvOf(mod, host, executor) } : {}),
    checkout: {
      repository: inputs.repository,
      dir: inputs.checkoutDir,
      ref: inputs.buildCommit.ref,
      refSource: inputs.buildCommit.source,
      workspace: host.workspace
    },
    executor,
    ...(policy ? { manylinuxPolicy: policy } : {}),
    dependencies: {
      recipes,
      cacheRoot: p.join(host.toolCache, 'dipy-wheels-deps'),
      workDir: depsWork,
      jobs: host.cpus,
      ...(target.macos ? { env: mod.buildEnv(target.arch, target.macos.deploymentTarget) } : {}),
      ...(keyExtra ? { keyExtra } : {}),
      ...(win ? { windows: windowsRecipeTarget(win.arch, win.msvc.runnerArch, depsWork) } : {})
    },
    compilerCache: {
      enabled: inputs.compilerCache,
      pipCache: pipCacheOf(host, executor),
      scratch: p.join(host.temp, 'dipy-wheels'),
      basedir: inputs.checkoutDir,
      ...(inputs.compilerCache
        ? { planned: compilerCacheOf(mod, inputs, host, executor, toolsDir(mod, host, executor)) }
        : {})
    },
    tools: toolsPlan(mod, host, executor, cacheToolOf(inputs, host.platform)),
    pythons: inputs.pythonVersions.map((v) => pythonPlan(mod, inputs, host, executor, policy, target, v)),
    testRequires: inputs.testRequires,
    ...(target.macos ? { macos: target.macos } : {}),
    ...(target.windows ? { windows: target.windows } : {}),
    outputDir: inputs.outputDir,
    failFast: inputs.failFast,
    upload,
    artifact: { ...artifact, name },
    attest
  }
}
