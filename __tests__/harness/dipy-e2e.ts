/**
 * The real-dipy publish tests' pieces: a dipy repository with a release tag and a `master` carrying a dev
 * version (as dipy's own master does), and the checks every published run must pass (outputs, summary,
 * what the test anaconda.org serves).
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { expect } from 'vitest'
import { describeDecision, type UploadDecision } from '../../src/publish/target.js'
import { graftedLibraries, parseWheelName } from '../../src/util/wheel-file.js'
import type { ActionRun } from './action.js'
import { dipyRepo } from './dipy-source.js'
import { git } from './git-fixture.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'

/** 1.12.1 → 1.12.2.dev0: what master says after a release. */
export function devVersionOf(version: string): string {
  const [major, minor, patch] = version.split('.').map(Number)
  return `${major}.${minor}.${patch + 1}.dev0`
}

export interface DipyDevRepo {
  /** The work tree the action clones (on master). */
  repo: string
  version: string
  devVersion: string
  tagSha: string
  masterSha: string
  /** A newer commit on master (a comment in dipy/__init__.py), same dev version; returns its SHA. */
  advanceMaster(note: string): string
}

const commit = (repo: string, message: string): string => {
  git(repo, 'commit', '-q', '-a', '-m', message)
  return git(repo, 'rev-parse', 'HEAD')
}

/**
 * dipy's sdist as a repository tagged `version`, plus a master commit bumping `[project] version` to the
 * dev version. dipy/version.py goes too: a git checkout has none (the sdist ships the generated one), so
 * master's build generates it with tools/gitversion.py (`<dev>+git<date>.<sha7>`, git_revision = master).
 */
export async function dipyDevRepo(root: string, version: string): Promise<DipyDevRepo> {
  const repo = await dipyRepo(root, version)
  const tagSha = git(repo, 'rev-parse', 'HEAD')
  const devVersion = devVersionOf(version)
  const pyproject = path.join(repo, 'pyproject.toml')
  const text = fs.readFileSync(pyproject, 'utf8')
  const bumped = text.replace(/^version = "[^"]+"$/m, `version = "${devVersion}"`)
  if (bumped === text) throw new Error(`no version line in ${pyproject}`)
  fs.writeFileSync(pyproject, bumped)
  git(repo, 'rm', '-q', 'dipy/version.py')
  const masterSha = commit(repo, `Bump the version to ${devVersion}`)
  return {
    repo,
    version,
    devVersion,
    tagSha,
    masterSha,
    advanceMaster(note) {
      fs.appendFileSync(path.join(repo, 'dipy', '__init__.py'), `\n# ${note}\n`)
      return commit(repo, note)
    }
  }
}

export const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex')

export interface PublishedExpectation {
  commit: string
  version: string
  target: 'staging' | 'nightly'
  channel: string
  reason: string
  ifExists: 'fail' | 'replace'
  /** The upload's result in the summary. */
  status: 'uploaded' | 'replaced'
}

export interface PublishedWheel {
  wheel: string
  basename: string
  sha256: string
  sizeMiB: number
  /** The build step's seconds, from the summary's time table. */
  buildSeconds: number
}

/** Everything a successful published dipy run must show; returns the wheel and its figures. */
export function expectPublished(
  r: ActionRun,
  server: AnacondaServer,
  e: PublishedExpectation
): PublishedWheel {
  expect(r.exitCode, r.log.slice(-8000)).toBe(0)
  expect(r.log).not.toMatch(/^::error::/m)
  expect(r.outputs.commit).toBe(e.commit)
  expect(r.outputs.version).toBe(e.version)
  const wheels = JSON.parse(r.outputs.wheels) as string[]
  expect(wheels).toHaveLength(1)
  const [wheel] = wheels
  const basename = path.basename(wheel)
  const esc = e.version.replace(/\./g, '\\.')
  expect(basename).toMatch(new RegExp(`^dipy-${esc}-cp311-cp311-manylinux_2_\\d+_x86_64\\.whl$`))
  expect(parseWheelName(basename)?.version).toBe(e.version)
  expect(graftedLibraries(wheel).some((g) => /^dipy\.libs\/libgomp-[0-9a-f]{8}\.so/.test(g))).toBe(true)
  // dipy's smoke test ran in the action's clean venv.
  expect(r.log).toContain('from dipy.align.imaffine import AffineMap')
  expect(r.log).toMatch(/^have_openmp: (True|1)$/m)

  // The decision: output and summary line.
  const target = JSON.parse(r.outputs['upload-target']) as Partial<UploadDecision>
  expect(target).toEqual({
    target: e.target,
    channel: e.channel,
    labels: ['main'],
    reason: e.reason,
    ifExists: e.ifExists,
    dryRun: false
  })
  const decision = { ...target, keepVersions: 0 } as UploadDecision
  expect(r.summary).toContain(`<p>${describeDecision(decision)}</p>`)
  expect(r.summary).toContain(`Upload: ${e.target} to anaconda.org/${e.channel}`)
  expect(r.summary).toContain(
    `pip install --pre --index-url https://pypi.anaconda.org/${e.channel}/simple dipy`
  )

  // The summary: commit and version, the wheel's sha256 (wheel table and upload table) = the served file's.
  expect(r.summary).toMatch(new RegExp(`<td>${e.commit}</td><td>${esc}</td>`))
  const hash = sha256(wheel)
  const served = server.files(e.channel).filter((f) => f.basename === basename)
  expect(served.map((f) => f.sha256)).toEqual([hash])
  expect(served[0].labels).toEqual(['main'])
  expect(r.summary).toContain(`<td>${basename}</td><td>${parseWheelName(basename)!.tags}</td>`)
  expect(r.summary).toMatch(new RegExp(`<td>${hash}</td><td>[^<]*libgomp-[0-9a-f]{8}`))
  expect(r.summary).toContain(`<td>${basename}</td><td>${e.status}</td><td>${hash}</td>`)
  expect(JSON.parse(r.outputs.uploaded)).toEqual([
    `${server.url}/download/${e.channel}/dipy/${e.version}/${basename}`
  ])
  const build = /<td>build 3\.11<\/td><td>([\d.]+)<\/td>/.exec(r.summary)?.[1]
  return {
    wheel,
    basename,
    sha256: hash,
    sizeMiB: fs.statSync(wheel).size / 1048576,
    buildSeconds: Number(build ?? NaN)
  }
}
