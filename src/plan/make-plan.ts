/**
 * makePlan: the whole run as a value, from the inputs and the facts of the host, before anything runs.
 * Pure (no process, no file written): every OS's plan can be made, printed and tested on any machine.
 */
import constraints from '../../requirements/tools.txt'
import { CONTAINER_ENV_ALLOWLIST, containerImage, usesContainer } from '../container/image.js'
import { recipesFor } from '../dependencies/recipes.js'
import type { HostFacts } from '../host.js'
import type { ActionInputs } from '../inputs.js'
import { platformModule, type PlatformModule } from '../platforms/index.js'
import { containerManylinux, manylinuxPolicy } from '../platforms/manylinux.js'
import { artifactDecision, artifactName } from '../publish/artifact-name.js'
import { decideUpload, requireToken } from '../publish/target.js'
import { shortHash } from '../util/hash.js'
import type { BuildPlan, ExecutorPlan, PythonPlan } from './types.js'

/** The facts makePlan needs of the machine it plans for (HostFacts, or a target named on the CLI). */
export type PlanHost = Pick<
  HostFacts,
  'platform' | 'arch' | 'workspace' | 'temp' | 'toolCache' | 'home' | 'cpus' | 'eventName' | 'env'
>

function executorPlan(inputs: ActionInputs, host: PlanHost): ExecutorPlan {
  if (host.platform !== 'linux' || !usesContainer(inputs.container)) {
    return { kind: 'host', envId: `${host.platform}-${host.arch}` }
  }
  const image = containerImage(inputs.container, inputs.manylinux, host.arch)
  return {
    kind: 'container',
    envId: image,
    image,
    mounts: [...new Set([host.workspace, host.temp, host.toolCache])],
    passEnv: CONTAINER_ENV_ALLOWLIST
  }
}

/** Linux's auditwheel --plat: the image's policy for the PyPA images, the input's otherwise. */
function policyFor(inputs: ActionInputs, host: PlanHost, executor: ExecutorPlan): string | undefined {
  if (host.platform !== 'linux') return undefined
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
  version: string
): PythonPlan {
  const p = mod.paths
  const dir = p.join(host.temp, 'dipy-wheels', `py${version}`)
  const tag = `cp${version.replace('.', '')}`
  const projectRequirements = inputs.compilerCache
  const envKind = projectRequirements ? 'dipy-wheels-buildenv' : 'dipy-wheels-build'
  const buildEnv = p.join(host.toolCache, envKind, `${shortHash(executor.envId, constraints)}-py${version}`)
  const distDir = p.join(dir, 'dist')
  const repairDir = p.join(dir, 'repaired')
  const testDir = p.join(dir, 'test')
  const tested =
    (inputs.stopAfter === 'test' || inputs.stopAfter === 'publish') && inputs.testCommand.trim() !== 'none'
  const pipCache = pipCacheOf(host, executor)
  return {
    version,
    interpreter:
      executor.kind === 'container'
        ? {
            candidates: [p.join('/opt/python', `${tag}-${tag}`, 'bin', 'python')],
            hint: `use an image with /opt/python/${tag}-${tag} (a PyPA manylinux image)`
          }
        : {
            search: { toolCache: host.toolCache, home: host.home, arch: host.arch },
            hint: mod.pythonHint(version)
          },
    buildEnv: { dir: buildEnv, projectRequirements },
    ...(projectRequirements ? { mesonBuildDir: p.join(dir, 'meson-build') } : {}),
    distDir,
    build: mod.planBuild({
      srcDir: inputs.checkoutDir,
      outDir: distDir,
      configSettings: mod.configSettings(inputs.configSettings),
      noIsolation: projectRequirements,
      buildEnv,
      env: { set: { ...mod.buildEnv(host.arch, host.env), PIP_CACHE_DIR: pipCache } }
    }),
    repairDir,
    repair: mod.planRepair({
      toolsBin: mod.venvBin(toolsDir(mod, host, executor)),
      wheel: { slot: 'wheel' },
      destDir: repairDir,
      arch: host.arch,
      policy
    }),
    ...(tested
      ? {
          test: mod.planTest({
            workDir: testDir,
            testRequires: inputs.testRequires,
            testCommand: inputs.testCommand,
            pipCache
          })
        }
      : {}),
    testDir,
    failedDir: p.join(dir, 'failed')
  }
}

/** pip's download cache: the user's PIP_CACHE_DIR on the host, else one in the tool cache (mounted). */
function pipCacheOf(host: PlanHost, executor: ExecutorPlan): string {
  const own = executor.kind === 'host' ? host.env.PIP_CACHE_DIR : undefined
  return own || platformModule(host.platform).paths.join(host.toolCache, 'dipy-wheels-pip')
}

/** The tools venv (the repair tool): one per constraints text and executor. */
function toolsDir(mod: PlatformModule, host: PlanHost, executor: ExecutorPlan): string {
  return mod.paths.join(host.toolCache, 'dipy-wheels-tools', shortHash(constraints, executor.envId))
}

/**
 * The plan of a run. Throws InputError for what the inputs make impossible (a required upload without its
 * token, a bad recipe, an artifact name the service refuses), before anything has run.
 */
export function makePlan(inputs: ActionInputs, host: PlanHost): BuildPlan {
  const mod = platformModule(host.platform)
  const p = mod.paths
  const executor = executorPlan(inputs, host)
  const policy = policyFor(inputs, host, executor)
  const upload = decideUpload(inputs, {
    eventName: host.eventName,
    ref: inputs.buildCommit.ref,
    nightlyRef: inputs.nightlyRef ?? 'master'
  })
  // The token is needed only when the run goes as far as the upload.
  if (inputs.stopAfter === 'publish') requireToken(upload, inputs)
  // artifact: true without the service fails here only when the run goes as far as publishing.
  const artifact =
    inputs.stopAfter === 'publish'
      ? artifactDecision(inputs.artifact, host.env)
      : { upload: false, reason: `the run stops after ${inputs.stopAfter}` }
  const name = artifactName({
    pythonVersions: inputs.pythonVersions,
    platform: host.platform,
    arch: host.arch,
    override: inputs.artifactName
  })
  const recipes = recipesFor(inputs.recipes, host.platform)
  return {
    platform: host.platform,
    arch: host.arch,
    lastStep: inputs.stopAfter,
    toolCache: host.toolCache,
    configSettings: mod.configSettings(inputs.configSettings),
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
      workDir: p.join(host.temp, 'dipy-wheels', 'deps'),
      jobs: host.cpus
    },
    compilerCache: {
      enabled: inputs.compilerCache,
      pipCache: pipCacheOf(host, executor),
      scratch: p.join(host.temp, 'dipy-wheels')
    },
    tools: { dir: toolsDir(mod, host, executor), packages: mod.toolPackages },
    pythons: inputs.pythonVersions.map((v) => pythonPlan(mod, inputs, host, executor, policy, v)),
    outputDir: inputs.outputDir,
    failFast: inputs.failFast,
    upload,
    artifact: { ...artifact, name }
  }
}
