/** The container of a Linux build: whether there is one, its image, and what may pass into it. */
import { InputError } from '../errors.js'
import { manylinuxImage } from '../platforms/manylinux.js'

/**
 * The only variables that reach the container, passed by name (the value taken from the engine's own
 * environment, which holds only these). Never INPUT_* or tokens.
 */
export const CONTAINER_ENV_ALLOWLIST = [
  'CI',
  'GITHUB_ACTIONS',
  'RUNNER_OS',
  'RUNNER_ARCH',
  'PIP_INDEX_URL',
  'PIP_EXTRA_INDEX_URL',
  'PIP_DEFAULT_TIMEOUT',
  'PIP_RETRIES',
  'SOURCE_DATE_EPOCH',
  'OMP_NUM_THREADS',
  'CMAKE_BUILD_PARALLEL_LEVEL'
] as const

const IMAGE = /^[a-z0-9][a-z0-9._/:@-]*$/i

/** Whether the Linux build runs in a container: anything but "off". */
export const usesContainer = (container: string): boolean => container !== 'off'

/** The image of the container input: auto → quay.io/pypa/manylinux_<policy>_<arch>, else the name given. */
export function containerImage(container: string, manylinux: string, arch: string): string {
  if (container === 'auto') return manylinuxImage(manylinux, arch)
  if (!IMAGE.test(container)) {
    throw new InputError(
      'container',
      `${JSON.stringify(container)} is not auto, off or an image name (e.g. quay.io/pypa/manylinux_2_28_x86_64).`
    )
  }
  return container
}
