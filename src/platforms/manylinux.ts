import * as path from 'node:path'
import { InputError } from '../errors.js'
import { cpythonTag } from '../util/cpython.js'

/** Where a PyPA manylinux image keeps its CPythons, one directory per tag pair: /opt/python/cp311-cp311. */
const MANYLINUX_PYTHONS = '/opt/python'

/** The installation of a CPython minor version in a manylinux image: /opt/python/cp311-cp311. */
export function manylinuxPythonHome(version: string): string {
  const tag = cpythonTag(version)
  return path.posix.join(MANYLINUX_PYTHONS, `${tag}-${tag}`)
}

/** Its interpreter. */
export const manylinuxPython = (version: string): string =>
  path.posix.join(manylinuxPythonHome(version), 'bin', 'python')

/** The manylinux input: 2014, 2_28, 2_34, ... or auto. */
export function checkManylinux(value: string): string {
  if (!/^(2014|2_\d{1,3}|auto)$/.test(value)) {
    throw new InputError(
      'manylinux',
      `${JSON.stringify(value)} is not a manylinux policy: use 2014, 2_28, 2_34 (manylinux_2_X) or auto.`
    )
  }
  return value
}

/** The auditwheel --plat of a manylinux input; undefined for auto (decided from the wheel or host glibc). */
export function manylinuxPolicy(value: string, arch: string): string | undefined {
  checkManylinux(value)
  if (value === 'auto') return undefined
  return value === '2014' ? `manylinux2014_${arch}` : `manylinux_${value}_${arch}`
}

/** In the PyPA container, auto is manylinux_2_28 (the PyPA default image); on the host it follows the glibc. */
export const CONTAINER_DEFAULT_MANYLINUX = '2_28'

export function containerManylinux(value: string): string {
  return value === 'auto' ? CONTAINER_DEFAULT_MANYLINUX : value
}

/** The PyPA image for a policy: quay.io/pypa/manylinux_2_28_x86_64, quay.io/pypa/manylinux2014_x86_64. */
export function manylinuxImage(value: string, arch: string): string {
  return `quay.io/pypa/${manylinuxPolicy(containerManylinux(value), arch)}`
}

/** `<lib> with versions {...}` pairs of `auditwheel show`. */
export function parseVersionedSymbols(output: string): Map<string, string[]> {
  const text = output.replace(/\s+/g, ' ')
  const found = new Map<string, string[]>()
  for (const m of text.matchAll(/([\w.+-]+\.so[\w.]*) with versions \{([^}]*)\}/g)) {
    found.set(
      m[1],
      m[2].split(',').map((v) => v.trim().replace(/^'|'$/g, ''))
    )
  }
  return found
}

/**
 * What a failed repair blames, from auditwheel's error and `auditwheel show`: a library it could not find,
 * or the libraries whose GLIBC symbol versions are newer than the policy allows.
 */
export function parseLibraryAtFault(output: string, policy?: string): string | undefined {
  const text = output.replace(/\s+/g, ' ')
  const missing = /required library "([^"]+)" could not be located/.exec(text)?.[1]
  if (missing) return `${missing} (not found: is it in the dependency prefix, or on LD_LIBRARY_PATH?)`
  const allowed = policy
    ? (/^manylinux_2_(\d+)_/.exec(policy)?.[1] ?? (policy.startsWith('manylinux2014') ? '17' : undefined))
    : undefined
  if (allowed === undefined) return undefined
  const tooNew: string[] = []
  for (const [lib, versions] of parseVersionedSymbols(output)) {
    const newest = Math.max(...versions.map((v) => Number(/^GLIBC_2\.(\d+)$/.exec(v)?.[1] ?? 0)))
    if (newest > Number(allowed)) tooNew.push(`${lib} (GLIBC_2.${newest}, the policy allows 2.${allowed})`)
  }
  return tooNew.length ? tooNew.join(', ') : undefined
}
