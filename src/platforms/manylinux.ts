import { InputError } from '../errors.js'

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

/** The PyPA image for a policy: quay.io/pypa/manylinux_2_28_x86_64, quay.io/pypa/manylinux2014_x86_64. */
export function manylinuxImage(value: string, arch: string): string {
  const policy = manylinuxPolicy(value, arch)
  if (!policy) {
    throw new InputError(
      'manylinux',
      'auto needs a host build (container: off): with container: auto give a policy such as 2_28, or give container a full image name.'
    )
  }
  return `quay.io/pypa/${policy}`
}

/** The policy of a glibc version: 2.36 → manylinux_2_36_<arch>. */
export function policyForGlibc(glibc: string, arch: string): string {
  const m = /^2\.(\d+)$/.exec(glibc.trim())
  if (!m) throw new Error(`not a glibc version: ${glibc}`)
  return `manylinux_2_${m[1]}_${arch}`
}

/** The glibc version in `ldd --version` output ("ldd (Debian GLIBC 2.36-9) 2.36"). */
export function parseLddVersion(output: string): string | undefined {
  const first = output.split('\n')[0] ?? ''
  return /(\d+\.\d+)\s*$/.exec(first.trim())?.[1]
}

/** The tag `auditwheel show` says the wheel is consistent with (the most compatible one). */
export function parseShowPolicy(output: string): string | undefined {
  const text = output.replace(/\s+/g, ' ')
  return /consistent with the following platform tag: "([^"]+)"/.exec(text)?.[1]
}

/**
 * The library `auditwheel show`/`repair` blames, if it names one: a too-recent versioned symbol
 * (GLIBC_2.34 from libc.so.6) or a library it could not find.
 */
export function parseLibraryAtFault(output: string): string | undefined {
  const text = output.replace(/\s+/g, ' ')
  const notFound =
    /(?:could not (?:be )?(?:find|located?)|cannot find|not found)[^"'`]*["'`]?(lib[\w.+-]+\.so[\w.]*)/i.exec(
      text
    )
  if (notFound) return notFound[1]
  const needed = /(lib[\w.+-]+\.so[\w.]*)[^.]{0,80}?(?:not found|missing)/i.exec(text)
  if (needed) return needed[1]
  const versioned = /symbol versions? .*?(lib[\w.+-]+\.so[\w.]*)/i.exec(text)
  if (versioned) return versioned[1]
  return /\b(lib[\w.+-]+\.so[\w.]*)\b/.exec(text)?.[1]
}
