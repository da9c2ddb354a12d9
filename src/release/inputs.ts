/**
 * The inputs of `command: release`, read and validated before any request. The build's inputs stay in
 * src/inputs.ts; the inputs both commands share (staging-channel, staging-token, labels, anaconda-url,
 * dry-run) are read here again with the same defaults.
 */
import * as core from '@actions/core'
import { anacondaLabel, anacondaOwner } from '../validate/anaconda-name.js'
import { apiToken } from '../validate/token.js'
import { endpointUrl } from '../validate/url.js'
import { withDefault } from '../util/action-defaults.js'
import { InputError } from '../errors.js'
import { maskCredential } from '../util/secrets.js'
import { canonicalVersion, normalizeName } from './names.js'
import { DIPY_PLATFORMS, DIPY_PYTHONS } from './default-set.js'

export type Command = 'build' | 'release'

export interface ReleaseInputs {
  /** The project name as PyPI normalises it (PEP 503), e.g. dipy. */
  package: string
  /** The canonical PEP 440 public version. */
  version: string
  /** One glob per expected file name; each must match exactly one staged file. */
  expected: string[]
  /** The legacy upload endpoint. */
  pypiUrl: string
  /** The simple index (PEP 503/691) read before and after the upload. */
  pypiIndexUrl: string
  /** Empty: Trusted Publishing. */
  pypiToken: string
  /** PEP 740 attestations with each file: `auto` resolves to on with Trusted Publishing, off with a token. */
  attestations: boolean
  stagingChannel: string
  stagingToken: string
  labels: string[]
  anacondaUrl: string
  dryRun: boolean
  /** A directory of the build runs' SHA256SUMS (build-manifests.ts); empty: no such check. */
  buildManifests: string
}

const get = (name: string): string => withDefault(name, core.getInput(name))

/** The command input: build (the default) or release. */
export function getCommand(): Command {
  const value = get('command')
  if (value === 'build' || value === 'release') return value
  throw new InputError('command', `${JSON.stringify(value)} is not one of build, release.`)
}

/**
 * The default expected set of a project: for dipy, one wheel per job of the wheel workflows' matrices
 * (src/release/default-set.ts, generated from .github/workflows/build-wheels*.yml and checked against
 * them by scripts/lint-workflows.sh). Other projects must say. No sdist: dipy's release uploads the sdist
 * from a maintainer's machine, and the wheel workflows stage none.
 */
export function defaultExpected(pkg: string): string[] {
  if (pkg !== 'dipy') return []
  return DIPY_PLATFORMS.flatMap((plat) => DIPY_PYTHONS.map((py) => `dipy-*-${py}-${py}-${plat}.whl`))
}

/**
 * An endpoint URL by the rules every endpoint input follows (validate/url.ts: https, or http only to
 * loopback; no credentials, query or fragment), returned as written: an upload endpoint's trailing slash
 * matters (PyPI's legacy API answers a redirect without it, and a redirect is an error here).
 */
export function checkUrl(name: string, value: string): string {
  endpointUrl(name, value)
  return new URL(value).href
}

/** A token: printable ASCII, no whitespace or control characters (validate/token.ts). */
export const checkToken = apiToken

function bool(name: string, value: string): boolean {
  if (/^(true|yes|on|1)$/i.test(value)) return true
  if (/^(false|no|off|0)$/i.test(value)) return false
  throw new InputError(name, `${JSON.stringify(value)} is not a boolean: use true or false.`)
}

/**
 * The attestations input: `auto` (the default) is on with Trusted Publishing and off with pypi-token, as
 * gh-action-pypi-publish has it; `true` with a token is an error, since PyPI takes attestations only from
 * a Trusted Publishing upload (warehouse/attestations/services.py: "Attestations are only supported when
 * using Trusted Publishing").
 */
export function resolveAttestations(value: string, withToken: boolean): boolean {
  if (!/^(auto|true|yes|on|1|false|no|off|0)$/i.test(value))
    throw new InputError('attestations', `${JSON.stringify(value)} is not one of auto, true, false.`)
  const on = /^auto$/i.test(value) ? !withToken : bool('attestations', value)
  if (on && withToken) {
    throw new InputError(
      'attestations',
      'it is true, but pypi-token is set: PyPI accepts attestations only from an upload authenticated with Trusted Publishing. ' +
        'Remove pypi-token (and register this workflow as a Trusted Publisher, with `permissions: id-token: write`), or set attestations to false or auto.'
    )
  }
  return on
}

/** Globs over file names: letters, digits, `._+-` and the wildcards `*` and `?`. */
export function parseExpected(value: string, pkg: string): string[] {
  const globs = value
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
  for (const g of globs) {
    if (!/^[\w.+*?-]+$/.test(g)) {
      throw new InputError(
        'expected',
        `${JSON.stringify(g)} is not a file-name glob: one per line, using letters, digits, . _ + - and * ?.`
      )
    }
  }
  if (globs.length === 0) {
    const d = defaultExpected(pkg)
    if (d.length) return d
    throw new InputError(
      'expected',
      `it is empty and ${pkg} has no default set: give one glob per line, e.g. ${pkg.replace(/-/g, '_')}-*-cp312-cp312-win_amd64.whl.`
    )
  }
  return [...new Set(globs)]
}

export function getReleaseInputs(): ReleaseInputs {
  // Mask the tokens before anything else can print them.
  for (const name of ['pypi-token', 'staging-token']) {
    const token = get(name)
    maskCredential(token)
  }
  const pkgRaw = get('package')
  if (!/^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$/.test(pkgRaw)) {
    throw new InputError('package', `${JSON.stringify(pkgRaw)} is not a valid project name (PEP 508).`)
  }
  const pkg = normalizeName(pkgRaw)
  const versionRaw = get('version')
  if (!versionRaw) throw new InputError('version', 'it is empty: give the version to release, e.g. 1.12.1.')
  const version = canonicalVersion(versionRaw)
  if (version === undefined) {
    throw new InputError(
      'version',
      `${JSON.stringify(versionRaw)} is not a PEP 440 public version (local versions are refused by PyPI): e.g. 1.12.1 or 1.12.0rc1.`
    )
  }
  const urlOf = (name: string, v: string, fix: string): string => {
    if (!v) throw new InputError(name, `it is empty: ${fix}`)
    return checkUrl(name, v)
  }
  const labels = get('labels')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((l) => anacondaLabel('labels', l))
  if (labels.length === 0) throw new InputError('labels', 'it is empty: give a label such as main.')
  const inputs: ReleaseInputs = {
    package: pkg,
    version,
    expected: parseExpected(get('expected'), pkg),
    pypiUrl: urlOf(
      'pypi-url',
      get('pypi-url'),
      "give the index's legacy upload URL (PyPI's, TestPyPI's or a pypiserver's)."
    ),
    pypiIndexUrl: urlOf(
      'pypi-index-url',
      get('pypi-index-url'),
      "give the index's simple API root (PEP 503/691), the one pip's --index-url takes."
    ).replace(/\/+$/, ''),
    pypiToken: checkToken('pypi-token', get('pypi-token')),
    attestations: false,
    stagingChannel: anacondaOwner('staging-channel', get('staging-channel')),
    stagingToken: checkToken('staging-token', get('staging-token')),
    labels,
    anacondaUrl: checkUrl('anaconda-url', get('anaconda-url')).replace(/\/+$/, ''),
    dryRun: bool('dry-run', get('dry-run')),
    buildManifests: get('build-manifests').trim()
  }
  inputs.attestations = resolveAttestations(get('attestations'), inputs.pypiToken !== '')
  return inputs
}
