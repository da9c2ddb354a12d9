/** setup-python's tool cache layout: a version's patch-release directories. */

/** The entries of `dir` that are patch releases of `version` (3.11 → 3.11.9, 3.11.10), newest first. */
export function patchDirs(entries: string[], version: string): string[] {
  const re = new RegExp(`^${version.replace('.', '\\.')}\\.(\\d+)$`)
  return entries
    .map((e) => ({ e, m: re.exec(e) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]))
    .map((x) => x.e)
}
