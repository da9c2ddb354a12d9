/** Inputs and host facts of the plan tests: action.yml's defaults, GitHub's hosted-runner directories. */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PlatformName } from '../../src/host.js'
import { parseRecipes } from '../../src/dependencies/recipes.js'
import type { ActionInputs } from '../../src/inputs.js'
import type { PlanHost } from '../../src/plan/make-plan.js'
import { runnerLayout } from '../../src/plan/runner-layout.js'

/** requirements/tools.txt, as the bundle embeds it. */
export const TOOLS_TXT = fs.readFileSync(
  fileURLToPath(new URL('../../requirements/tools.txt', import.meta.url)),
  'utf8'
)

/** requirements/uv.txt, as the bundle embeds it (uv's pin and its venv's name). */
export const UV_TXT = fs.readFileSync(
  fileURLToPath(new URL('../../requirements/uv.txt', import.meta.url)),
  'utf8'
)

/** The Cython cache's script, as the bundle embeds it. */
export const CYTHON_CACHE_PY = fs.readFileSync(
  fileURLToPath(new URL('../../src/cache/cython-cache.py', import.meta.url)),
  'utf8'
)

/**
 * The first 16 hex digits of sha256 over the parts, each followed by a NUL: how the action names its
 * cached directories. Computed here with node:crypto, not with the action's own function.
 */
export function sha16(...parts: string[]): string {
  return createHash('sha256')
    .update(parts.map((p) => `${p}\0`).join(''))
    .digest('hex')
    .slice(0, 16)
}

/** The workspace of a hosted runner, written out (not taken from runnerLayout). */
export const WORKSPACE: Record<PlatformName, string> = {
  linux: '/home/runner/work/dipy-wheels/dipy-wheels',
  macos: '/Users/runner/work/dipy-wheels/dipy-wheels',
  windows: 'D:\\a\\dipy-wheels\\dipy-wheels'
}

/** The host facts of a hosted runner of `platform`, acting on `eventName`. */
export function runnerHost(platform: PlatformName, arch: string, over: Partial<PlanHost> = {}): PlanHost {
  return {
    ...runnerLayout(platform),
    platform,
    arch,
    cpus: 4,
    eventName: 'workflow_dispatch',
    env: {},
    ...over
  }
}

/** A Linux host whose workspace, temp folder and tool cache (`tc`) are under a scratch `root`. */
export function scratchHost(root: string, ws = 'ws', temp = 'temp'): PlanHost {
  return {
    platform: 'linux',
    arch: 'x86_64',
    workspace: path.join(root, ws),
    temp: path.join(root, temp),
    toolCache: path.join(root, 'tc'),
    home: root,
    cpus: 1,
    eventName: 'workflow_dispatch',
    env: {}
  }
}

/** The inputs of action.yml's defaults (build-commit 1.12.1) in the workspace of `platform`. */
export function defaultInputs(platform: PlatformName, over: Partial<ActionInputs> = {}): ActionInputs {
  const sep = platform === 'windows' ? '\\' : '/'
  return {
    buildCommit: { ref: '1.12.1', source: 'input' },
    nightlyRef: 'master',
    repository: 'https://github.com/dipy/dipy.git',
    checkoutDir: `${WORKSPACE[platform]}${sep}dipy`,
    pythonVersions: ['3.12'],
    architecture: '',
    macosDeploymentTarget: '11.0',
    macosLibomp: 'auto',
    dependencies: '',
    recipes: over.dependencies
      ? parseRecipes(over.dependencies, '/home/runner/work/dipy-wheels/dipy-wheels')
      : [],
    configSettings: ['compile-args=-v'],
    container: 'auto',
    manylinux: 'auto',
    outputDir: `${WORKSPACE[platform]}${sep}wheelhouse`,
    testRequires: [],
    testCommand: '',
    compilerCache: true,
    failFast: true,
    upload: 'auto',
    dryRun: false,
    nightlyChannel: 'scipy-wheels-nightly',
    stagingChannel: 'multibuild-wheels-staging',
    nightlyToken: '',
    stagingToken: '',
    labels: ['main'],
    anacondaUrl: 'https://api.anaconda.org',
    ifExists: undefined,
    keepVersions: 0,
    artifact: 'auto',
    artifactName: '',
    attest: 'auto',
    githubToken: '',
    stopAfter: 'publish',
    ...over
  }
}

/** dipy's smoke test, as the README describes it: import, version, info, an OpenMP extension, OpenMP on. */
export const SMOKE_TEST = [
  'import dipy',
  'print(dipy.__version__)',
  'print(dipy.get_info())',
  'from dipy.align.imaffine import AffineMap',
  'from dipy.utils.omp import have_openmp',
  'print("have_openmp:", have_openmp)',
  'assert have_openmp, "dipy was built without OpenMP"'
].join('\n')

/** Every string in a value (recursively): for checks over a whole plan. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(stringsIn)
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringsIn)
  return []
}
