/** The GitHub artifact's name and whether to upload one: pure decisions the plan makes. */
import { InputError } from '../errors.js'
import { artifactNameInput } from '../validate/artifact-name.js'
import type { PlatformName } from '../host.js'
import { cpythonTag } from '../util/cpython.js'

/** The artifact input. */
export type ArtifactMode = 'auto' | 'true' | 'false'

export interface ArtifactNameParts {
  /** CPython versions as given, e.g. ["3.11", "3.12"]. */
  pythonVersions: readonly string[]
  platform: PlatformName
  /** The machine architecture as wheel tags spell it (x86_64, aarch64, arm64, AMD64, ARM64). */
  arch: string
  /** The artifact-name input; empty gives the default. */
  override?: string
}

/**
 * The artifact name: the artifact-name input when given, else wheels-<cpXY>[-<cpXZ>...]-<os>-<arch>,
 * e.g. wheels-cp311-linux-x86_64. Throws an InputError naming artifact-name for characters the
 * artifact service rejects.
 */
export function artifactName(parts: ArtifactNameParts): string {
  const override = (parts.override ?? '').trim()
  if (!override) {
    const pythons = parts.pythonVersions.map(cpythonTag).join('-')
    return `wheels-${pythons}-${parts.platform}-${parts.arch}`
  }
  // The same rules as the input pass (validate/artifact-name.ts): a caller outside it gets them too.
  return artifactNameInput('artifact-name', override)
}

/** Whether to upload: `auto` only when the runner provides the artifact service. */
export function artifactDecision(
  mode: ArtifactMode,
  env: Readonly<Record<string, string | undefined>>
): { upload: boolean; reason: string } {
  const missing = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_RESULTS_URL'].filter((v) => !env[v])
  if (mode === 'false') return { upload: false, reason: 'the artifact input is false' }
  if (missing.length === 0) return { upload: true, reason: 'the runner provides the artifact service' }
  const why = `the runner provides no artifact service (${missing.join(' and ')} not set)`
  if (mode === 'true') {
    throw new InputError(
      'artifact',
      `it is true but ${why}. These are set only for JavaScript action steps on GitHub Actions: ` +
        'run the action there, or set artifact to auto (upload when available) or false.'
    )
  }
  return { upload: false, reason: why }
}
