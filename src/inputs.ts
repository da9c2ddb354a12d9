import * as core from '@actions/core'
import { parseLibompMode, type LibompMode } from './platforms/macos-libomp.js'
import { withDefault } from './util/action-defaults.js'
import { parseRecipes, type Recipe } from './dependencies/recipes.js'
import { InputError } from './errors.js'
import type { HostFacts } from './host.js'
import { architectureInput } from './platforms/architecture.js'
import { parseDeploymentTarget } from './platforms/macos-target.js'
import { checkManylinux } from './platforms/manylinux.js'
import { artifactDecision } from './publish/artifact-name.js'
import { resolveBuildCommit, type ResolvedRef } from './ref.js'
import { anacondaLabel, anacondaOwner } from './validate/anaconda-name.js'
import { artifactNameInput } from './validate/artifact-name.js'
import { configSettings } from './validate/config-settings.js'
import { gitSource } from './validate/git-source.js'
import { containerInput } from './validate/oci-ref.js'
import { workspaceDir } from './validate/paths.js'
import { requirementList } from './validate/requirement.js'
import { noControl } from './validate/text.js'
import { apiToken } from './validate/token.js'
import { endpointUrl } from './validate/url.js'

import type { IfExists } from './publish/anaconda/upload.js'
import type { ArtifactMode } from './publish/artifact-name.js'
import { attestDecision, type AttestMode } from './publish/attest.js'
import { maskCredential } from './util/secrets.js'
import type { UploadMode } from './publish/target.js'
export type { ArtifactMode, IfExists, UploadMode }

/** The last step a run goes to; `plan` prints the plan and runs nothing. */
export const STEPS = ['plan', 'checkout', 'build', 'test', 'publish'] as const
export type StepName = (typeof STEPS)[number]

/** Every input of action.yml, parsed and validated. Nothing else reads core.getInput. */
export interface ActionInputs {
  /** The ref to build and where it came from. */
  buildCommit: ResolvedRef
  /** The nightly-ref input (default master): a push building it uploads to nightly. */
  nightlyRef?: string
  /** The repository to clone: URL, file:// URL or local path (made absolute). */
  repository: string
  /** Absolute checkout directory inside the workspace. */
  checkoutDir: string
  /** CPython versions, e.g. ["3.11", "3.12"], in the order given, without duplicates. */
  pythonVersions: string[]
  /** The architecture input (a known spelling; "" = the runner's), checked for the target OS by makePlan. */
  architecture: string
  /** macOS: MACOSX_DEPLOYMENT_TARGET as MAJOR.MINOR (e.g. 11.0), before the interpreter's floor raises it. */
  macosDeploymentTarget: string
  /** macOS: build the action's libomp (auto: when the project asks for OpenMP). */
  macosLibomp: LibompMode
  /** The dependencies input, raw YAML (parsed by the dependency step). */
  dependencies: string
  /** The same, parsed and checked by the input pass (git sources, refs, archive URLs). */
  recipes: Recipe[]
  /** PEP 517 config settings as key=value strings. */
  configSettings: string[]
  /** "auto", "off" or an image reference (OCI grammar). */
  container: string
  /** The manylinux policy: "2014", "2_28", "2_34", ... or "auto". */
  manylinux: string
  /** Absolute wheelhouse directory inside the workspace. */
  outputDir: string
  testRequires: string[]
  /** Empty means dipy's smoke test; "none" skips. */
  testCommand: string
  compilerCache: boolean
  failFast: boolean
  upload: UploadMode
  dryRun: boolean
  nightlyChannel: string
  stagingChannel: string
  nightlyToken: string
  stagingToken: string
  labels: string[]
  anacondaUrl: string
  /** Undefined: the default of the upload target (replace for nightly, fail for staging). */
  ifExists: IfExists | undefined
  keepVersions: number
  artifact: ArtifactMode
  artifactName: string
  /** Attest the wheels' build provenance (publish/attest.ts). */
  attest: AttestMode
  /** For the attestation store (POST /repos/{owner}/{repo}/attestations); masked. */
  githubToken: string
  /** The last step to run. */
  stopAfter: StepName
}

const get = (name: string): string => withDefault(name, core.getInput(name))
/** An input whose empty value is a mistake to report, not a request for the default. */
const getGiven = (name: string): string => core.getInput(name)

/** Splits a list input on spaces, commas and newlines. */
export function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean)
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(name, `${JSON.stringify(value)} is not one of ${allowed.join(', ')}.`)
}

function bool(name: string, value: string): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw new InputError(name, `${JSON.stringify(value)} is not a boolean: use true or false.`)
}

/** A path relative to the workspace, resolved with realpath (symlinks followed), strictly inside it. */
export const insideWorkspace = (name: string, value: string, workspace: string): string =>
  workspaceDir(name, value, workspace)

/** The repository input: an allowed git location; a local path becomes absolute, URLs are kept. */
export function normaliseRepository(value: string, workspace: string): string {
  if (!value) throw new InputError('repository', 'it is empty: give a git URL or a local path.')
  return gitSource('repository', value, workspace)
}

export function parsePythonVersions(value: string): string[] {
  const versions = [...new Set(splitList(value))]
  if (versions.length === 0) {
    throw new InputError('python-version', 'it is empty: give one or more versions such as 3.12.')
  }
  for (const v of versions) {
    if (!/^3\.\d{1,2}$/.test(v)) {
      throw new InputError(
        'python-version',
        `${JSON.stringify(v)} is not a CPython minor version: write it as 3.X (e.g. 3.12).`
      )
    }
  }
  return versions
}

/**
 * Reads and checks every input, before anything runs: no git, docker, pip or HTTP request happens until
 * this returns. Each refusal is an InputError naming the input, the rule and the fix; a token is never
 * repeated in a message.
 */
export function getInputs(host: HostFacts): ActionInputs {
  // Mask the tokens before anything else can print them, then check them (the message never shows them).
  const nightlyToken = secret('nightly-token', get('nightly-token'))
  const stagingToken = secret('staging-token', get('staging-token'))
  const githubToken = secret('github-token', get('github-token'))
  const nightlyRef = get('nightly-ref')
  const buildCommit = resolveBuildCommit({
    input: get('build-commit'),
    nightlyRef,
    eventName: host.eventName,
    envBuildCommit: host.env.BUILD_COMMIT,
    workflowRef: host.workflowRef,
    workspace: host.workspace
  })
  const keep = get('keep-versions')
  if (!/^\d{1,6}$/.test(keep)) {
    throw new InputError('keep-versions', `${JSON.stringify(keep)} is not a whole number: use 0 to keep all.`)
  }
  const ifExists = get('if-exists')
  const labels = splitList(get('labels')).map((l) => anacondaLabel('labels', l))
  if (labels.length === 0)
    throw new InputError('labels', 'it is empty: give at least one label such as main.')
  const dependencies = get('dependencies')
  const container = containerInput('container', get('container'))
  const stopAfter = oneOf('stop-after', get('stop-after'), STEPS)
  const artifact = oneOf('artifact', get('artifact'), ['auto', 'true', 'false'] as const)
  const artifactName = artifactNameInput('artifact-name', get('artifact-name'))
  // artifact: true on a runner without the artifact service fails now, not after the build.
  if (stopAfter === 'publish') artifactDecision(artifact, host.env)
  // attest: true without an OIDC token or a github-token fails now too.
  const attest = oneOf('attest', get('attest'), ['auto', 'true', 'false'] as const)
  if (stopAfter === 'publish') attestDecision(attest, githubToken, host.env)
  return {
    buildCommit,
    nightlyRef,
    repository: normaliseRepository(get('repository'), host.workspace),
    checkoutDir: insideWorkspace('path', get('path'), host.workspace),
    pythonVersions: parsePythonVersions(getGiven('python-version')),
    architecture: architectureInput(get('architecture')),
    macosDeploymentTarget: parseDeploymentTarget(get('macos-deployment-target')),
    macosLibomp: parseLibompMode(get('macos-libomp')),
    dependencies,
    recipes: parseRecipes(dependencies, host.workspace),
    configSettings: configSettings('config-settings', get('config-settings')),
    container,
    manylinux: checkManylinux(get('manylinux')),
    outputDir: insideWorkspace('output-dir', get('output-dir'), host.workspace),
    testRequires: requirementList('test-requires', get('test-requires')),
    testCommand: noControlButNewlines('test-command', get('test-command')),
    compilerCache: bool('compiler-cache', get('compiler-cache')),
    failFast: bool('fail-fast', get('fail-fast')),
    upload: oneOf('upload', get('upload'), ['auto', 'nightly', 'staging', 'none'] as const),
    dryRun: bool('dry-run', get('dry-run')),
    nightlyChannel: anacondaOwner('nightly-channel', get('nightly-channel')),
    stagingChannel: anacondaOwner('staging-channel', get('staging-channel')),
    nightlyToken,
    stagingToken,
    labels,
    anacondaUrl: endpointUrl('anaconda-url', get('anaconda-url')),
    ifExists: ifExists ? oneOf('if-exists', ifExists, ['fail', 'skip', 'replace'] as const) : undefined,
    keepVersions: Number(keep),
    artifact,
    artifactName,
    attest,
    githubToken,
    stopAfter
  }
}

/** A token input: masked first, then checked (printable ASCII, no whitespace). */
function secret(name: string, value: string): string {
  maskCredential(value)
  return apiToken(name, value)
}

/** A shell command may span lines and hold tabs, but no other control character (NUL, CR, escape) belongs in it. */
function noControlButNewlines(name: string, value: string): string {
  for (const line of value.split('\n')) noControl(name, line.replace(/\t/g, ' '), 'a line of it')
  return value
}
