/**
 * The fake container engine (fake-docker/docker) laid out for a test: images, a `docker` on a bin
 * directory to put first on PATH, and the log of every call it received.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { REPO_ROOT } from './action.js'

export const FAKE_DOCKER_SCRIPT = path.join(REPO_ROOT, '__tests__', 'harness', 'fake-docker', 'docker')

export interface FakeImage {
  /** The image's environment (its ENV lines): the base of every exec. */
  env: Record<string, string>
  /** Symbolic links that exist only inside the image: path inside → host target. */
  links?: Record<string, string>
  /** Files that exist only inside the image: path inside → content (executable when it starts with #!). */
  files?: Record<string, string>
}

export interface FakeCall {
  argv: string[]
  /** The engine process's whole environment. */
  env: Record<string, string>
  code: number
}

export interface FakeEngine {
  root: string
  /** Holds `docker`: put it first on PATH. */
  binDir: string
  /** The `docker` executable itself (for ContainerRunner's engine option). */
  engine: string
  calls(): FakeCall[]
  /** The names of the containers that exist now. */
  containers(): string[]
}

const imageDirName = (image: string): string => image.replace(/[/:@]/g, '_')

const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Lays out an engine under `root`. Its `docker` is a small sh wrapper that runs the fake with this
 * test's node and names the state directory itself: ContainerRunner gives the engine only PATH, HOME and
 * DOCKER_* of the action's environment, so a variable set by the test would not reach it.
 */
export function makeFakeEngine(root: string, opts: { images: Record<string, FakeImage> }): FakeEngine {
  const binDir = path.join(root, 'bin')
  fs.mkdirSync(binDir, { recursive: true })
  const engine = path.join(binDir, 'docker')
  fs.writeFileSync(
    engine,
    // sh exports PWD of its own: env -u keeps the fake's environment the one the engine was given.
    `#!/bin/sh\nexec /usr/bin/env -u PWD DIPY_FAKE_DOCKER_ROOT=${shQuote(root)} ${shQuote(process.execPath)} ${shQuote(FAKE_DOCKER_SCRIPT)} "$@"\n`,
    { mode: 0o755 }
  )
  for (const [name, image] of Object.entries(opts.images)) {
    const dir = path.join(root, 'images', imageDirName(name))
    const rootfs = path.join(dir, 'rootfs')
    fs.mkdirSync(rootfs, { recursive: true })
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ env: image.env }, null, 2))
    for (const [inside, target] of Object.entries(image.links ?? {})) {
      fs.mkdirSync(path.dirname(path.join(rootfs, inside)), { recursive: true })
      fs.symlinkSync(target, path.join(rootfs, inside))
    }
    for (const [inside, content] of Object.entries(image.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(rootfs, inside)), { recursive: true })
      fs.writeFileSync(path.join(rootfs, inside), content, { mode: content.startsWith('#!') ? 0o755 : 0o644 })
    }
  }
  const log = path.join(root, 'calls.log')
  const containersDir = path.join(root, 'containers')
  return {
    root,
    binDir,
    engine,
    calls: () =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as FakeCall)
        : [],
    containers: () =>
      fs.existsSync(containersDir) ? fs.readdirSync(containersDir).map((f) => f.replace(/\.json$/, '')) : []
  }
}

export interface HostPython {
  /** e.g. 3.11 */
  version: string
  /** The interpreter's path on this host. */
  path: string
}

/**
 * The host's CPython 3.x interpreters, one per minor version: pyenv's builds first (complete, with venv),
 * then python3.X on PATH outside pyenv's shims.
 */
export function hostPythons(env: NodeJS.ProcessEnv = process.env): HostPython[] {
  const found = new Map<string, string>()
  const versions = path.join(env.PYENV_ROOT || path.join(os.homedir(), '.pyenv'), 'versions')
  const dirs = fs.existsSync(versions) ? fs.readdirSync(versions) : []
  const numeric = (v: string) => v.split('.').map(Number)
  for (const d of dirs
    .filter((d) => /^3\.\d+\.\d+$/.test(d))
    .sort((a, b) => numeric(b)[1] - numeric(a)[1] || numeric(b)[2] - numeric(a)[2])) {
    const minor = d.split('.').slice(0, 2).join('.')
    const exe = path.join(versions, d, 'bin', `python${minor}`)
    if (!found.has(minor) && fs.existsSync(exe)) found.set(minor, exe)
  }
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter((d) => d && !d.includes('shims'))
  for (let m = 8; m <= 14; m++) {
    const minor = `3.${m}`
    const exe = pathDirs.map((d) => path.join(d, `python${minor}`)).find((p) => fs.existsSync(p))
    if (!found.has(minor) && exe) found.set(minor, exe)
  }
  return [...found]
    .map(([version, p]) => ({ version, path: p }))
    .sort((a, b) => numeric(a.version)[1] - numeric(b.version)[1])
}

/** The manylinux policy a wheel built on this host (glibc 2.36) fits. */
export const HOST_MANYLINUX = 'manylinux_2_34'

/**
 * A manylinux-like image for this host: /opt/python/cpXY-cpXY/bin/python (and python3, python3.X)
 * pointing at the host's CPythons, the PyPA images' AUDITWHEEL_* variables, and a PATH of system dirs.
 */
export function manylinuxLikeImage(pythons: HostPython[] = hostPythons()): FakeImage {
  if (!pythons.length) throw new Error('No host CPython 3.x found (pyenv versions or python3.X on PATH)')
  const arch = os.arch() === 'arm64' ? 'aarch64' : 'x86_64'
  const links: Record<string, string> = {}
  for (const { version, path: exe } of pythons) {
    const tag = `cp${version.replace('.', '')}`
    for (const name of ['python', 'python3', `python${version}`]) {
      links[`/opt/python/${tag}-${tag}/bin/${name}`] = exe
    }
  }
  return {
    env: {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      AUDITWHEEL_POLICY: HOST_MANYLINUX,
      AUDITWHEEL_ARCH: arch,
      AUDITWHEEL_PLAT: `${HOST_MANYLINUX}_${arch}`,
      LANG: 'C.UTF-8'
    },
    links
  }
}
