import * as core from '@actions/core'
import * as tc from '@actions/tool-cache'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { DependencyError, messageOf } from '../errors.js'
import { withoutSecrets, type Command, type Runner } from '../exec.js'
import { sha256File } from '../util/hash.js'
import { gitCommand, gitRetry } from '../util/git.js'
import { withRetry } from '../util/retry.js'
import type { Companion, Recipe } from './recipes.js'
import { removeTree } from '../util/remove.js'

/** Downloads a URL to a file. tool-cache's downloadTool retries 5xx, 408, 429 and network errors itself. */
export type Downloader = (url: string, dest: string) => Promise<string>

export const defaultDownloader: Downloader = (url, dest) => tc.downloadTool(url, dest)

const label = (recipe: Recipe): string => `recipe ${JSON.stringify(recipe.name)}`

/** The archive's file name, from a URL path or a local path. */
function archiveName(location: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    try {
      return path.posix.basename(new URL(location).pathname) || 'archive'
    } catch {
      return 'archive'
    }
  }
  return path.basename(location)
}

/**
 * Puts the archive in `downloads`: downloaded (http, https) or copied (file:// URL or path), so that what is
 * hashed is what is extracted.
 */
async function obtainArchive(
  recipe: Recipe,
  location: string,
  downloads: string,
  download: Downloader
): Promise<string> {
  fs.mkdirSync(downloads, { recursive: true })
  const dest = path.join(downloads, `${recipe.name}-${archiveName(location)}`)
  fs.rmSync(dest, { force: true })
  if (/^https?:\/\//i.test(location) || /^ftp:\/\//i.test(location)) {
    core.info(`Downloading ${location}`)
    try {
      return await download(location, dest)
    } catch (err) {
      throw new DependencyError(
        `${label(recipe)}: could not download ${location}: ${messageOf(err)}. Check the URL in "source".`,
        { cause: err }
      )
    }
  }
  const file = location.startsWith('file://') ? fileURLToPath(location) : location
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
    throw new DependencyError(
      `${label(recipe)}: the archive ${file} does not exist. Fix "source" in the recipe.`
    )
  }
  fs.copyFileSync(file, dest)
  return dest
}

/** Checks the archive against the recipe's sha256; a mismatch stops the build before anything is built. */
export async function verifySha256(recipe: Recipe, file: string): Promise<void> {
  if (recipe.source.kind !== 'archive') return
  const actual = await sha256File(file)
  const expected = recipe.source.sha256
  if (actual !== expected) {
    throw new DependencyError(
      `${label(recipe)}: the sha256 of ${recipe.source.location} is ${actual}, but the recipe expects ${expected}. ` +
        'Nothing was built. If the archive is the one you meant, fix sha256 in the recipe; otherwise fix source.'
    )
  }
  core.info(`sha256 ${actual} verified`)
}

/** tool-cache's tar and unzip inherit process.env: no secret is kept in it while they run. */
const NONE: ReadonlySet<string> = new Set()

/** Extracts an archive by its extension: .tar.gz/.tgz, .tar.bz2, .tar.xz, .zip, else tar's own guess. */
async function extract(file: string, dest: string): Promise<void> {
  const name = file.toLowerCase()
  if (name.endsWith('.zip')) {
    await withoutSecrets(NONE, () => tc.extractZip(file, dest))
    return
  }
  const flags = /\.(tar\.gz|tgz)$/.test(name)
    ? 'xz'
    : /\.(tar\.bz2|tbz2?)$/.test(name)
      ? 'xj'
      : /\.(tar\.xz|txz)$/.test(name)
        ? 'xJ'
        : 'x'
  await withoutSecrets(NONE, () => tc.extractTar(file, dest, flags))
}

/**
 * The directory under a recipe's source root that holds its source, whatever the archive's top directory
 * is called: the clone, or the archive's single top directory (else all it holds), moved there. A fixed
 * name, so the plan knows every recipe's source directory before anything is fetched.
 */
export const SOURCE_DIR_NAME = 'source'

/** An archive with a single top-level directory builds from inside it. */
function sourceRoot(dir: string): string {
  const entries = fs.readdirSync(dir, { withFileTypes: true })
  return entries.length === 1 && entries[0].isDirectory() ? path.join(dir, entries[0].name) : dir
}

/** The git commands that clone a repository and check out a ref, with `--` before the user's values. */
export function planGitFetch(
  url: string,
  ref: string,
  dest: string
): { clone: Command; checkout: Command[] } {
  const git = (args: string[]): Command => gitCommand(url, args)
  return {
    clone: git(['clone', '--quiet', '--no-checkout', '--', url, dest]),
    checkout: [
      git(['-C', dest, 'checkout', '--quiet', '--force', '--detach', ref, '--']),
      git(['-C', dest, 'submodule', 'update', '--init', '--recursive', '--force'])
    ]
  }
}

/** Lists the remote refs that `ref` may name (a tag, peeled, or a branch). */
export function planGitLsRemote(url: string, ref: string): Command {
  return gitCommand(url, ['ls-remote', '--', url, ref, `${ref}^{}`])
}

/** The commit `ref` names in `git ls-remote` output: a peeled tag, a tag, a branch, in that order. */
export function commitFromLsRemote(output: string, ref: string): string | undefined {
  const refs = new Map<string, string>()
  for (const line of output.split('\n')) {
    const [sha, name] = line.trim().split(/\s+/)
    if (sha && name) refs.set(name, sha)
  }
  for (const name of [`refs/tags/${ref}^{}`, `refs/tags/${ref}`, `refs/heads/${ref}`, ref]) {
    if (refs.has(name)) return refs.get(name)
  }
  return undefined
}

/**
 * Pins each git recipe to the commit its ref names now, so the cache key changes when a branch or a tag
 * moves. A full SHA is its own commit; a ref the remote does not list (a short SHA) stays as written.
 */
export async function resolveGitRefs(runner: Runner, recipes: Recipe[]): Promise<Recipe[]> {
  const out: Recipe[] = []
  for (const recipe of recipes) {
    const src = recipe.source
    if (src.kind !== 'git') {
      out.push(recipe)
      continue
    }
    let commit: string | undefined = /^[0-9a-f]{40}$/i.test(src.ref) ? src.ref.toLowerCase() : undefined
    if (!commit) {
      const result = await withRetry(
        () =>
          runner.run(planGitLsRemote(src.url, src.ref), { silent: true, what: `git ls-remote ${src.url}` }),
        gitRetry('git ls-remote')
      ).catch((err: unknown) => {
        throw new DependencyError(`${label(recipe)}: could not reach ${src.url}: ${messageOf(err)}`, {
          cause: err
        })
      })
      commit = commitFromLsRemote(result.stdout, src.ref)
      core.info(
        commit
          ? `${label(recipe)}: ${src.ref} is ${commit}`
          : `${label(recipe)}: ${src.ref} is not a branch or tag of ${src.url}; using it as a commit`
      )
    }
    out.push(commit ? { ...recipe, source: { ...src, commit } } : recipe)
  }
  return out
}

async function fetchGit(runner: Runner, recipe: Recipe, dest: string): Promise<string> {
  if (recipe.source.kind !== 'git') throw new Error('not a git source')
  const { url, ref, commit } = recipe.source
  const plan = planGitFetch(url, commit ?? ref, dest)
  try {
    await withRetry(async () => {
      removeTree(dest)
      return runner.run(plan.clone, { what: `git clone of ${url}` })
    }, gitRetry('git clone'))
  } catch (err) {
    throw new DependencyError(`${label(recipe)}: could not clone ${url}: ${messageOf(err)}`, { cause: err })
  }
  for (const cmd of plan.checkout) {
    try {
      await runner.run(cmd, {
        what: `git ${cmd.args.includes('checkout') ? 'checkout' : 'submodule update'}`
      })
    } catch (err) {
      throw new DependencyError(
        `${label(recipe)}: could not check out ${JSON.stringify(ref)} from ${url}: ${messageOf(err)} ` +
          'Fix "ref" in the recipe (a tag, a branch or a commit).',
        { cause: err }
      )
    }
  }
  return dest
}

/**
 * Fetches a recipe's source into `dest` (emptied first) and returns the directory to build from.
 * Archives are verified against their sha256 before extraction; `downloads` holds the archive files. A
 * recipe's `subdir` is the directory returned (it must exist).
 */
export async function fetchSource(
  runner: Runner,
  recipe: Recipe,
  dest: string,
  downloads: string,
  download: Downloader = defaultDownloader
): Promise<string> {
  const root = await fetchRoot(runner, recipe, dest, downloads, download)
  if (!recipe.subdir) return root
  const dir = path.join(root, recipe.subdir)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new DependencyError(
      `${label(recipe)}: the source has no directory ${JSON.stringify(recipe.subdir)}. Fix "subdir" in the recipe.`
    )
  }
  return dir
}

async function fetchRoot(
  runner: Runner,
  recipe: Recipe,
  dest: string,
  downloads: string,
  download: Downloader
): Promise<string> {
  removeTree(dest)
  const root = path.join(dest, SOURCE_DIR_NAME)
  if (recipe.source.kind === 'git') return fetchGit(runner, recipe, root)
  const archive = await obtainArchive(recipe, recipe.source.location, downloads, download)
  await verifySha256(recipe, archive)
  const scratch = path.join(dest, '.extract')
  fs.mkdirSync(scratch, { recursive: true })
  try {
    await extract(archive, scratch)
  } catch (err) {
    throw new DependencyError(
      `${label(recipe)}: could not extract ${recipe.source.location}: ${messageOf(err)}`,
      { cause: err }
    )
  }
  fs.renameSync(sourceRoot(scratch), root)
  removeTree(scratch)
  for (const c of recipe.companions ?? []) await fetchCompanion(recipe, c, root, downloads, download)
  return root
}

/** A companion archive, verified, extracted, its top directory put next to `root` as `c.dir`. */
async function fetchCompanion(
  recipe: Recipe,
  c: Companion,
  root: string,
  downloads: string,
  download: Downloader
): Promise<void> {
  const as: Recipe = { ...recipe, source: { kind: 'archive', location: c.location, sha256: c.sha256 } }
  const archive = await obtainArchive(as, c.location, downloads, download)
  await verifySha256(as, archive)
  const scratch = `${path.dirname(root)}${path.sep}.companion-${c.dir}`
  const target = path.join(path.dirname(root), c.dir)
  removeTree(scratch)
  removeTree(target)
  fs.mkdirSync(scratch, { recursive: true })
  try {
    await extract(archive, scratch)
  } catch (err) {
    throw new DependencyError(`${label(recipe)}: could not extract ${c.location}: ${messageOf(err)}`, {
      cause: err
    })
  }
  fs.renameSync(sourceRoot(scratch), target)
  removeTree(scratch)
}
