/** The Linux (container, host, custom image) and macOS targets of the plan tests, written out. */
import type { PlannedCommand } from '../../src/command.js'
import { runnerHost } from '../harness/plan-fixtures.js'
import { ARTIFACT, PASS_ENV, POSIX, WHEEL, type Target } from './plan-expected.js'

export const LINUX = {
  f: POSIX,
  temp: '/home/runner/work/_temp',
  toolCache: '/opt/hostedtoolcache',
  checkout: '/home/runner/work/dipy-wheels/dipy-wheels/dipy',
  configSettings: ['compile-args=-v'],
  buildVars: {},
  pipCache: '/opt/hostedtoolcache/dipy-wheels-pip'
}
export const MOUNTS = [
  '/home/runner/work/dipy-wheels/dipy-wheels',
  '/home/runner/work/_temp',
  '/opt/hostedtoolcache'
]

export const inImage = (v: string): object => {
  const tag = `cp${v.replace('.', '')}`
  return {
    candidates: [`/opt/python/${tag}-${tag}/bin/python`],
    hint: `use an image with /opt/python/${tag}-${tag} (a PyPA manylinux image)`
  }
}
export const setupPythonHint = (v: string): string =>
  `add an actions/setup-python step with python-version: '${v}' before this action`

export const auditwheel =
  (policy?: string) =>
  (tools: string, repairDir: string): PlannedCommand => ({
    command: `${tools}/bin/auditwheel`,
    args: ['repair', ...(policy ? ['--plat', policy] : []), '-w', repairDir, WHEEL] as PlannedCommand['args'],
    env: { prepend: { PATH: [`${tools}/bin`] } }
  })

export function containerTarget(arch: 'x86_64' | 'aarch64'): Target {
  const image = `quay.io/pypa/manylinux_2_28_${arch}`
  return {
    ...LINUX,
    label: `linux ${arch}, container auto`,
    host: runnerHost('linux', arch),
    inputs: {},
    envId: image,
    executor: { kind: 'container', envId: image, image, mounts: MOUNTS, passEnv: PASS_ENV },
    policy: `manylinux_2_28_${arch}`,
    arch,
    artifactName: `${ARTIFACT}-linux-${arch}`,
    interpreter: inImage,
    repair: auditwheel(`manylinux_2_28_${arch}`)
  }
}

export function hostLinux(arch: 'x86_64' | 'aarch64'): Target {
  return {
    ...LINUX,
    label: `linux ${arch}, container off`,
    host: runnerHost('linux', arch),
    inputs: { container: 'off' },
    arch,
    artifactName: `${ARTIFACT}-linux-${arch}`,
    envId: `linux-${arch}`,
    executor: { kind: 'host', envId: `linux-${arch}` },
    interpreter: (v) => ({
      search: { toolCache: '/opt/hostedtoolcache', home: '/home/runner', arch },
      hint: `${setupPythonHint(v)}, or build in the manylinux container (container: auto), which has every supported CPython`
    }),
    // manylinux auto on the host: auditwheel picks the policy the wheel's symbols allow.
    repair: auditwheel(undefined)
  }
}

export const customImage: Target = {
  ...LINUX,
  label: 'linux x86_64, a custom image',
  host: runnerHost('linux', 'x86_64'),
  inputs: { container: 'ghcr.io/me/manylinux2014_x86_64:2025' },
  arch: 'x86_64',
  artifactName: `${ARTIFACT}-linux-x86_64`,
  envId: 'ghcr.io/me/manylinux2014_x86_64:2025',
  executor: {
    kind: 'container',
    envId: 'ghcr.io/me/manylinux2014_x86_64:2025',
    image: 'ghcr.io/me/manylinux2014_x86_64:2025',
    mounts: MOUNTS,
    passEnv: PASS_ENV
  },
  // Not a PyPA default image: the image's AUDITWHEEL_PLAT decides (manylinux auto).
  interpreter: inImage,
  repair: auditwheel(undefined)
}

/** LLVM's OpenMP runtime as the action builds it on macOS: LLVM 19.1.7's openmp and cmake archives. */
export const libompRecipe = (arch: string, target: string): object => ({
  name: 'libomp',
  version: '19.1.7',
  source: {
    kind: 'archive',
    location:
      'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/openmp-19.1.7.src.tar.xz',
    sha256: 'bd7e6901ab086fd268750363017935fd4a717c153dad3c2aab86cb0140d9e3fe'
  },
  companions: [
    {
      location:
        'https://github.com/llvm/llvm-project/releases/download/llvmorg-19.1.7/cmake-19.1.7.src.tar.xz',
      sha256: '11c5a28f90053b0c43d0dec3d0ad579347fc277199c005206b963c19aae514e3',
      dir: 'cmake'
    }
  ],
  build: 'cmake',
  args: [
    '-DLIBOMP_INSTALL_ALIASES=OFF',
    '-DOPENMP_ENABLE_LIBOMPTARGET=OFF',
    '-DLIBOMP_OMPD_SUPPORT=OFF',
    '-DOPENMP_ENABLE_OMPT_TOOLS=OFF',
    '-DLIBOMP_ENABLE_SHARED=ON',
    `-DCMAKE_OSX_ARCHITECTURES=${arch}`,
    `-DCMAKE_OSX_DEPLOYMENT_TARGET=${target}`
  ],
  platforms: ['macos']
})

/** A macOS runner of `arch`, building for macos-deployment-target `target` (the input; 11.0 by default). */
export function macTarget(arch: 'x86_64' | 'arm64', target = '11.0'): Target {
  const targetEnv = {
    MACOSX_DEPLOYMENT_TARGET: target,
    ARCHFLAGS: `-arch ${arch}`,
    CMAKE_OSX_ARCHITECTURES: arch
  }
  return {
    label: `macos ${arch}, deployment target ${target}`,
    // The deployment target is in the prefix's key: a prefix built for another macOS is never reused.
    depsKey: `macOS ${target}`,
    host: runnerHost('macos', arch),
    inputs: { macosDeploymentTarget: target },
    arch,
    artifactName: `${ARTIFACT}-macos-${arch}`,
    f: POSIX,
    temp: '/Users/runner/work/_temp',
    toolCache: '/Users/runner/hostedtoolcache',
    checkout: '/Users/runner/work/dipy-wheels/dipy-wheels/dipy',
    envId: `macos-${arch}`,
    executor: { kind: 'host', envId: `macos-${arch}` },
    configSettings: ['compile-args=-v'],
    buildVars: targetEnv,
    depsEnv: targetEnv,
    osPlan: {
      macos: {
        arch,
        deploymentTarget: target,
        libomp: { mode: 'auto', recipe: libompRecipe(arch, target) }
      }
    },
    pipCache: '/Users/runner/hostedtoolcache/dipy-wheels-pip',
    interpreter: (v) => ({
      search: { toolCache: '/Users/runner/hostedtoolcache', home: '/Users/runner', arch },
      hint: setupPythonHint(v)
    }),
    // delocate gets the same target: it refuses a bundled library built for a newer macOS.
    repair: (tools, repairDir) => ({
      command: `${tools}/bin/delocate-wheel`,
      args: ['--require-archs', arch, '-w', repairDir, '-v', WHEEL] as PlannedCommand['args'],
      env: { set: targetEnv }
    })
  }
}
