import * as core from '@actions/core'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { CheckoutError } from '../errors.js'
import type { Command, Runner } from '../exec.js'
import { gitCommand, gitRetry } from '../util/git.js'
import { withRetry } from '../util/retry.js'
import { assertDeletable, realPathOf } from '../validate/paths.js'
import { removeTree } from '../util/remove.js'

export interface CheckoutRequest {
  repository: string
  /** The checkout directory, a real path (the input pass resolves it with realpath). */
  dir: string
  ref: string
  /** When given, `dir` must still resolve strictly inside it before anything is deleted. */
  workspace?: string
}

/**
 * Right before a delete (the partial clone's rmSync, `git clean -ffdx`, `reset --hard`): the directory must
 * still be the real path the inputs resolved (no symlink planted since) and inside the workspace.
 */
export function checkBeforeDelete(req: CheckoutRequest): void {
  const real = realPathOf(req.dir)
  if (real !== path.resolve(req.dir)) {
    throw new CheckoutError(
      `${req.dir} now resolves to ${real} (a symlink appeared on the way): nothing was deleted. Remove it and run again.`
    )
  }
  if (req.workspace) assertDeletable(req.dir, req.workspace, 'path')
}

export interface CheckoutResult {
  commit: string
  ref: string
  version: string | undefined
  /** True when an existing checkout was reused (fetch, then clean). */
  reused: boolean
  /** The commit's committer time, seconds since the epoch (SOURCE_DATE_EPOCH of the build). */
  commitTime?: number
}

const git = (dir: string | undefined, repository: string, args: string[]): Command =>
  gitCommand(repository, args, dir)

/** The network part: a full clone (history and tags), or a fetch into an existing checkout. */
export function planFetch(req: CheckoutRequest, existing: boolean): Command[] {
  if (!existing) {
    return [
      git(undefined, req.repository, [
        'clone',
        '--no-checkout',
        '--origin',
        'origin',
        '--',
        req.repository,
        req.dir
      ])
    ]
  }
  return [
    git(req.dir, req.repository, ['remote', 'set-url', 'origin', req.repository]),
    git(req.dir, req.repository, [
      'fetch',
      '--force',
      '--tags',
      '--prune',
      '--prune-tags',
      'origin',
      '+refs/heads/*:refs/remotes/origin/*'
    ])
  ]
}

/** Where a ref may live, most specific first: a tag, a remote branch, then a SHA or anything git knows. */
export function refCandidates(ref: string): string[] {
  if (/^[0-9a-f]{40}$/i.test(ref)) return [ref]
  return [`refs/tags/${ref}`, `refs/remotes/origin/${ref}`, ref]
}

/**
 * Files as committed: Git for Windows sets core.autocrlf=true system-wide, which would check out `.py` files
 * with CRLF and put them into the wheels. A `-c` on the command line outranks every config file and reaches
 * the git processes it starts, the submodules' checkouts included (git(1), -c and GIT_CONFIG_PARAMETERS).
 */
export const AS_COMMITTED = ['-c', 'core.autocrlf=false']

/** After the commit is known: check it out detached and leave nothing stale behind. */
export function planCheckout(req: CheckoutRequest, sha: string): Command[] {
  const g = (args: string[]): Command => git(req.dir, req.repository, [...AS_COMMITTED, ...args])
  return [
    g(['checkout', '--force', '--detach', sha, '--']),
    g(['clean', '-ffdx']),
    g(['reset', '--hard', sha, '--']),
    g(['submodule', 'sync', '--recursive']),
    g(['submodule', 'update', '--init', '--recursive', '--force'])
  ]
}

/** Levenshtein distance, for "did you mean" lists. */
export function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1))
      prev = cur
    }
  }
  return row[b.length]
}

/** The tags closest to a ref that does not exist, closest first. */
export function nearestTags(ref: string, tags: string[], count = 5): string[] {
  return [...tags]
    .sort((x, y) => distance(ref, x) - distance(ref, y) || y.localeCompare(x, undefined, { numeric: true }))
    .slice(0, count)
}

/** The static [project] version of a pyproject.toml, if it has one. */
export function projectVersion(pyprojectText: string): string | undefined {
  const doc = parseToml(pyprojectText) as { project?: { version?: unknown } }
  const v = doc.project?.version
  return typeof v === 'string' ? v : undefined
}

async function resolveCommit(runner: Runner, req: CheckoutRequest): Promise<string> {
  for (const candidate of refCandidates(req.ref)) {
    const r = await runner.run(
      git(req.dir, req.repository, [
        'rev-parse',
        '--verify',
        '--quiet',
        '--end-of-options',
        `${candidate}^{commit}`
      ]),
      { allowFailure: true, silent: true }
    )
    if (r.exitCode === 0 && r.stdout.trim()) return r.stdout.trim()
  }
  const tags = (await runner.run(git(req.dir, req.repository, ['tag', '--list']), { silent: true })).stdout
    .split('\n')
    .map((t) => t.trim())
    .filter(Boolean)
  const near = nearestTags(req.ref, tags)
  throw new CheckoutError(
    `The ref ${JSON.stringify(req.ref)} does not exist in ${req.repository}: it is not a tag, a branch or a commit there. ` +
      (near.length ? `Nearest tags: ${near.join(', ')}.` : 'The repository has no tags.') +
      ' Fix build-commit (or BUILD_COMMIT in the workflow).'
  )
}

/** Clones (or refreshes) the repository and checks out the ref detached, submodules included. */
export async function checkout(runner: Runner, req: CheckoutRequest): Promise<CheckoutResult> {
  const existing = fs.existsSync(path.join(req.dir, '.git'))
  if (!existing && fs.existsSync(req.dir) && fs.readdirSync(req.dir).length > 0) {
    throw new CheckoutError(
      `${req.dir} exists, is not empty and is not a git checkout: choose another path input or remove it.`
    )
  }
  await core.group(existing ? `Fetch ${req.repository}` : `Clone ${req.repository}`, async () => {
    for (const cmd of planFetch(req, existing)) {
      await withRetry(async () => {
        // A failed clone leaves a partial directory behind; start each try clean.
        if (!existing) {
          checkBeforeDelete(req)
          removeTree(req.dir)
        }
        return runner.run(cmd, { what: existing ? 'git fetch' : 'git clone' })
      }, gitRetry('git')).catch((err: unknown) => {
        throw new CheckoutError(
          `Could not ${existing ? 'fetch' : 'clone'} ${req.repository}: ${(err as Error).message}`,
          { cause: err }
        )
      })
    }
  })
  const commit = await resolveCommit(runner, req)
  await core.group(`Check out ${req.ref} (${commit.slice(0, 12)})`, async () => {
    checkBeforeDelete(req)
    for (const cmd of planCheckout(req, commit)) await runner.run(cmd)
  })
  const pyproject = path.join(req.dir, 'pyproject.toml')
  let version: string | undefined
  if (fs.existsSync(pyproject)) {
    try {
      version = projectVersion(fs.readFileSync(pyproject, 'utf8'))
    } catch (err) {
      core.warning(`Could not read the version from ${pyproject}: ${(err as Error).message}`)
    }
  }
  core.info(`Checked out ${req.ref} at ${commit}${version ? ` (version ${version})` : ''}`)
  const time = (
    await runner.run(git(req.dir, req.repository, ['log', '-1', '--format=%ct', commit, '--']), {
      silent: true,
      allowFailure: true
    })
  ).stdout?.trim()
  const commitTime = /^\d{1,12}$/.test(time ?? '') ? Number(time) : undefined
  return {
    commit,
    ref: req.ref,
    version,
    reused: existing,
    ...(commitTime !== undefined ? { commitTime } : {})
  }
}
