import * as core from '@actions/core'
import * as path from 'node:path'
import { InputError } from './errors.js'
import type { HostFacts } from './host.js'
import { checkManylinux } from './platforms/manylinux.js'
import { resolveBuildCommit, type ResolvedRef } from './ref.js'

export type UploadMode = 'auto' | 'nightly' | 'staging' | 'none'
export type IfExists = 'fail' | 'skip' | 'replace'
export type ArtifactMode = 'auto' | 'true' | 'false'
export const STEPS = ['checkout', 'build', 'test', 'publish'] as const
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
  /** The architecture input as given ("" = the runner's); validated by the platform plans (issue 9). */
  architecture: string
  /** The macos-deployment-target input as given; validated by the macOS plan (issue 9). */
  macosDeploymentTarget: string
  /** The dependencies input, raw YAML (parsed by the dependency step). */
  dependencies: string
  /** PEP 517 config settings as key=value strings. */
  configSettings: string[]
  /** "auto", "off" or a full image name. */
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
  /** The last step to run. */
  stopAfter: StepName
}

const get = (name: string): string => core.getInput(name)

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

/** A path relative to the workspace that must not escape it. */
export function insideWorkspace(name: string, value: string, workspace: string): string {
  if (!value) throw new InputError(name, 'it is empty: give a directory relative to the workspace.')
  const ws = path.resolve(workspace)
  const abs = path.resolve(ws, value)
  if (abs !== ws && !abs.startsWith(ws + path.sep)) {
    throw new InputError(name, `${JSON.stringify(value)} escapes the workspace ${ws}: give a path inside it.`)
  }
  if (abs === ws) throw new InputError(name, 'it is the workspace itself: give a subdirectory.')
  return abs
}

/** A local path (not a URL) becomes absolute; URLs are kept. */
export function normaliseRepository(value: string, workspace: string): string {
  if (!value) throw new InputError('repository', 'it is empty: give a git URL or a local path.')
  if (value.startsWith('-')) {
    throw new InputError('repository', `${JSON.stringify(value)} begins with '-': give a git URL or a path.`)
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^[^/\\]+@[^/\\]+:/.test(value)) return value
  return path.resolve(workspace, value)
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

export function getInputs(host: HostFacts): ActionInputs {
  // Mask the tokens before anything else can print them.
  for (const name of ['nightly-token', 'staging-token']) {
    const token = get(name)
    if (token) core.setSecret(token)
  }
  const buildCommit = resolveBuildCommit({
    input: get('build-commit'),
    nightlyRef: get('nightly-ref') || 'master',
    eventName: host.eventName,
    envBuildCommit: host.env.BUILD_COMMIT,
    workflowRef: host.workflowRef,
    workspace: host.workspace
  })
  const keep = get('keep-versions') || '0'
  if (!/^\d+$/.test(keep)) {
    throw new InputError('keep-versions', `${JSON.stringify(keep)} is not a whole number: use 0 to keep all.`)
  }
  const ifExists = get('if-exists')
  const labels = splitList(get('labels') || 'main')
  const inputs: ActionInputs = {
    buildCommit,
    nightlyRef: get('nightly-ref') || 'master',
    repository: normaliseRepository(get('repository'), host.workspace),
    checkoutDir: insideWorkspace('path', get('path') || 'dipy', host.workspace),
    pythonVersions: parsePythonVersions(get('python-version')),
    architecture: get('architecture'),
    macosDeploymentTarget: get('macos-deployment-target') || '11.0',
    dependencies: get('dependencies'),
    configSettings: splitList(get('config-settings').replace(/,/g, ' ')).filter((s) => {
      if (!s.includes('=')) {
        throw new InputError('config-settings', `${JSON.stringify(s)} is not key=value.`)
      }
      return true
    }),
    container: get('container') || 'auto',
    manylinux: checkManylinux(get('manylinux') || 'auto'),
    outputDir: insideWorkspace('output-dir', get('output-dir') || 'wheelhouse', host.workspace),
    testRequires: splitList(get('test-requires')),
    testCommand: get('test-command'),
    compilerCache: bool('compiler-cache', get('compiler-cache') || 'true'),
    failFast: bool('fail-fast', get('fail-fast') || 'true'),
    upload: oneOf('upload', get('upload') || 'auto', ['auto', 'nightly', 'staging', 'none'] as const),
    dryRun: bool('dry-run', get('dry-run') || 'false'),
    nightlyChannel: get('nightly-channel') || 'scipy-wheels-nightly',
    stagingChannel: get('staging-channel') || 'multibuild-wheels-staging',
    nightlyToken: get('nightly-token'),
    stagingToken: get('staging-token'),
    labels,
    anacondaUrl: (get('anaconda-url') || 'https://api.anaconda.org').replace(/\/+$/, ''),
    ifExists: ifExists ? oneOf('if-exists', ifExists, ['fail', 'skip', 'replace'] as const) : undefined,
    keepVersions: Number(keep),
    artifact: oneOf('artifact', get('artifact') || 'auto', ['auto', 'true', 'false'] as const),
    artifactName: get('artifact-name'),
    stopAfter: oneOf('stop-after', get('stop-after') || 'publish', STEPS)
  }
  if (labels.length === 0)
    throw new InputError('labels', 'it is empty: give at least one label such as main.')
  return inputs
}
