import { InputError } from '../errors.js'
import type { Command } from '../exec.js'
import { manylinuxImage } from '../platforms/manylinux.js'

/**
 * The only variables that reach the container (`-e NAME`, the value taken from docker's own environment,
 * which childEnv has already cleared of secrets). Never INPUT_* or tokens.
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

export interface DockerRequest {
  image: string
  /** Mounted at the same paths, so every path in the script is valid inside. */
  workspace: string
  temp: string
  /** The working directory inside. */
  cwd: string
  scriptPath: string
  /** The action's environment (without secrets): which allow-listed variables are set. */
  env: Readonly<Record<string, string | undefined>>
  /** More host directories mounted at the same paths (the compiler cache, pip's cache). */
  mounts?: readonly string[]
}

/** `docker run --rm` of the generated script. */
export function planDocker(req: DockerRequest): Command {
  const passed = CONTAINER_ENV_ALLOWLIST.filter((name) => req.env[name] !== undefined)
  return {
    command: 'docker',
    args: [
      'run',
      '--rm',
      '-v',
      `${req.workspace}:${req.workspace}`,
      '-v',
      `${req.temp}:${req.temp}`,
      ...(req.mounts ?? []).flatMap((dir) => ['-v', `${dir}:${dir}`]),
      '-w',
      req.cwd,
      ...passed.flatMap((name) => ['-e', name]),
      req.image,
      'bash',
      req.scriptPath
    ],
    env: Object.fromEntries(passed.map((name) => [name, req.env[name]]))
  }
}
