/** The container of a Linux build: whether there is one, its image, and what may pass into it. */
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

/** Whether the Linux build runs in a container: anything but "off". */
export const usesContainer = (container: string): boolean => container !== 'off'

/** The image of the container input (validated with the inputs): auto → quay.io/pypa/manylinux_<policy>_<arch>. */
export function containerImage(container: string, manylinux: string, arch: string): string {
  return container === 'auto' ? manylinuxImage(manylinux, arch) : container
}
