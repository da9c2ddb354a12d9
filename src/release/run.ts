/**
 * `command: release`: the staged files of a version, complete and verified, to PyPI.
 *
 * Order (nothing is written before step 5): 1 list the staging channel, 2 check the set is complete,
 * 3 download and verify each file, 4 check PyPI's rules and read the index (absent → upload, same sha256 →
 * skip, other sha256 → stop), 5 authenticate (a dry run only probes Trusted Publishing: no token is minted),
 * 6 upload wheels then the sdist, 7 read the index until every file is there with the staged sha256.
 */
import * as core from '@actions/core'
import * as path from 'node:path'
import { UploadError, messageOf } from '../errors.js'
import { pool } from '../publish/anaconda/batch.js'
import type { Runner } from '../exec.js'
import type { PlatformModule } from '../platforms/index.js'
import { attestFiles, sigstoreToken, sigstoreUrls } from './attestations.js'
import { checkAgainstManifests, readBuildManifests } from './build-manifests.js'
import { checkFile, type CheckedFile } from './checks.js'
import { completenessProblems, formatMatrix, slotMatrix } from './expected.js'
import type { ReleaseInputs } from './inputs.js'
import { IndexReader } from './pypi-index.js'
import { checkProvenanceOf } from './provenance.js'
import { describeAge, MAX_RELEASE_AGE_DAYS, releaseAge } from './release-age.js'
import {
  saveSha256Sums,
  setReleaseOutputs,
  writeReleaseSummary,
  type FileRow,
  type ReleaseReport
} from './report.js'
import { checkDescriptions } from './render-check.js'
import { checkMetadataWithPython } from './metadata-check.js'
import { releasePython } from './python-env.js'
import { downloadStaged, type StagedFile } from './staging.js'
import { TrustedPublisher } from './trusted-publishing.js'
import { awaitOnIndex, listComplete } from './waits.js'
import { LegacyUploader } from './upload.js'

const byUploadOrder = (a: { basename: string }, b: { basename: string }): number => {
  const sd = (n: string): number => (n.endsWith('.whl') ? 0 : 1)
  return sd(a.basename) - sd(b.basename) || (a.basename < b.basename ? -1 : 1)
}

/** Where the release runs: a temp directory of its own, the command runner, the OS. */
export interface ReleaseEnv {
  tempDir: string
  runner: Runner
  /** The runner's OS: its python command and venv layout. */
  platform: Pick<PlatformModule, 'pythonCommand' | 'venvPython'>
  /** Where a relative build-manifests resolves (GITHUB_WORKSPACE); default the working directory. */
  workspace?: string
}

export async function runRelease(inputs: ReleaseInputs, env: ReleaseEnv): Promise<ReleaseReport> {
  const report: ReleaseReport = {
    pkg: inputs.package,
    version: inputs.version,
    dryRun: inputs.dryRun,
    files: [],
    uploaded: [],
    skipped: [],
    missing: [],
    indexUrl: inputs.pypiIndexUrl
  }
  try {
    await release(inputs, env, report)
  } catch (err) {
    report.error = messageOf(err)
  }
  setReleaseOutputs(report)
  await writeReleaseSummary(report)
  if (report.error) throw new UploadError(report.error)
  return report
}

async function release(inputs: ReleaseInputs, env: ReleaseEnv, report: ReleaseReport): Promise<void> {
  const { package: pkg, version } = inputs
  core.info(
    `Release ${pkg} ${version}: staging ${inputs.anacondaUrl} ${inputs.stagingChannel} (labels ${inputs.labels.join(', ')}) → ${inputs.pypiUrl}${inputs.dryRun ? ' (dry run)' : ''}`
  )

  // The build runs' manifests, read first: a bad build-manifests input stops the release before any request.
  const manifests = inputs.buildManifests
    ? readBuildManifests(inputs.buildManifests, env.workspace ?? process.cwd())
    : undefined
  if (manifests) {
    core.info(
      `Build manifests: ${manifests.count} SHA256SUMS under ${manifests.dir}, ${manifests.files.size} file name(s)`
    )
  } else {
    core.notice(
      "build-manifests is empty: the staged files are checked against the staging channel's record only, not against the SHA256SUMS of the build runs that made them."
    )
  }

  // 1, 2: the staged set, complete.
  const { records, completeness } = await listComplete(inputs, 4)
  report.completeness = completeness
  core.info(`Expected files:\n${formatMatrix(slotMatrix(completeness))}`)
  if (!completeness.ok) {
    report.missing = completeness.slots.filter((s) => s.files.length === 0).map((s) => s.glob)
    throw new UploadError(
      `The staged set of ${pkg} ${version} is not the expected one; nothing was uploaded:\n  ${completenessProblems(completeness).join('\n  ')}\n` +
        'Stage the missing files (or remove the extra ones) and run again, or change the expected input.'
    )
  }

  // 3: the bytes, verified.
  const settled = await pool(records, 4, (r) =>
    downloadStaged(r, { apiUrl: inputs.anacondaUrl, token: inputs.stagingToken || undefined })
  )
  const failures = settled.flatMap((s) => (s.status === 'rejected' ? [messageOf(s.reason)] : []))
  if (failures.length)
    throw new UploadError(`Staged files failed verification; nothing was uploaded:\n${failures.join('\n')}`)
  const staged = settled.map((s) => (s as PromiseFulfilledResult<StagedFile>).value).sort(byUploadOrder)
  report.files = staged.map((f) => ({
    basename: f.basename,
    size: f.data.length,
    sha256: f.sha256Actual,
    stagedAt: f.uploadTime,
    action: 'not started'
  }))
  if (manifests) {
    const builtBy = checkAgainstManifests(
      staged.map((f) => ({ basename: f.basename, sha256: f.sha256Actual })),
      manifests
    )
    for (const r of report.files) r.builtBy = builtBy.get(r.basename)
    core.info(`Built by:\n${report.files.map((r) => `  ${r.basename}: ${r.builtBy}`).join('\n')}`)
  }
  await saveSha256Sums(path.join(env.tempDir, 'release'), report, report.files)

  // 4: PyPI's rules, and what the index holds already.
  const checked = new Map<string, CheckedFile>(staged.map((f) => [f.basename, checkFile(f.basename, f.data)]))
  const python = await releasePython(env.runner, env.tempDir, env.platform)
  const withMetadata = [...checked.values()].filter((c) => c.metadataText)
  for (const [file, found] of await checkMetadataWithPython(withMetadata, env.runner, python))
    checked.get(file)!.problems.push(...found)
  const broken = [...checked.values()].filter((c) => c.problems.length)
  if (broken.length) {
    throw new UploadError(
      `PyPI would refuse these files; nothing was uploaded:\n${broken.map((c) => `  ${c.basename}:\n    ${c.problems.join('\n    ')}`).join('\n')}`
    )
  }
  core.info(`Checked ${checked.size} file(s) against PyPI's rules (metadata with ${python}): ok`)
  const rendering = await checkDescriptions([...checked.values()], env.runner, python)
  if (rendering.length) throw new UploadError(`${rendering.join('\n')}\nNothing was uploaded.`)
  const index = new IndexReader(inputs.pypiIndexUrl)
  const onIndex = await index.files(pkg)
  const row = (name: string): FileRow => report.files.find((r) => r.basename === name)!
  const todo: StagedFile[] = []
  const conflicts: string[] = []
  for (const f of staged) {
    const there = onIndex.get(f.basename)
    if (!there) todo.push(f)
    else if (there.sha256 === f.sha256Actual) {
      row(f.basename).action = 'skip (identical on the index)'
      report.skipped.push(f.basename)
    } else
      conflicts.push(
        `${f.basename}: the index holds sha256 ${there.sha256 ?? '(unknown)'}, staged ${f.sha256Actual}`
      )
  }
  if (conflicts.length) {
    throw new UploadError(
      `The index already holds other bytes under these names; nothing was uploaded:\n  ${conflicts.join('\n  ')}\n` +
        'A file on PyPI is never replaced: release a new version.'
    )
  }
  const age = releaseAge(onIndex.values(), pkg, version, Date.now())
  core.info(describeAge(age, Date.now()))
  if (todo.length && age.closed) {
    throw new UploadError(
      `${pkg} ${version} was first uploaded ${age.created}, more than ${MAX_RELEASE_AGE_DAYS} days ago: PyPI accepts no new files for it; ${todo.length} file(s) are not there. Release a new version.`
    )
  }
  for (const f of todo) row(f.basename).action = 'upload'
  core.info(
    `Plan:\n${report.files.map((f) => `  ${f.action.padEnd(30)} ${f.basename}  ${f.sha256}`).join('\n')}`
  )

  // 5: credentials. A token is minted only for an upload: a dry run (or a release with nothing left to
  // send) checks the audience and the runner's OIDC token and stops there.
  const publisher = inputs.pypiToken ? undefined : new TrustedPublisher(inputs.pypiUrl)
  if (publisher && (inputs.dryRun || !todo.length)) {
    const audience = await publisher.probe()
    core.info(
      `Trusted Publishing: the index offers it (audience ${audience}) and the runner gives an OIDC token; no upload token was minted${inputs.dryRun ? ' (dry run)' : ''}.`
    )
  } else if (publisher) {
    await publisher.mint()
    core.info('Trusted Publishing: the index issued an upload token.')
  } else if (!inputs.pypiToken.startsWith('pypi-')) {
    core.warning('pypi-token does not start with "pypi-": PyPI API tokens do; check that it is one.')
  }
  // 5b: PEP 740 attestations, every file's before the first POST (a dry run only gets the OIDC token).
  let attested = new Map<string, string>()
  if (inputs.attestations && todo.length) {
    const urls = sigstoreUrls()
    const token = await sigstoreToken()
    if (inputs.dryRun)
      core.info(
        `Attestations: the runner gives an OIDC token for Sigstore; ${todo.length} file(s) would be attested (dry run: nothing signed).`
      )
    else
      attested = await attestFiles(
        todo.map((f) => ({ basename: f.basename, sha256: f.sha256Actual })),
        { fulcioUrl: urls.fulcio, rekorUrl: urls.rekor, token }
      )
  }
  if (inputs.dryRun) {
    core.info(`Dry run: ${todo.length} file(s) would be uploaded, ${report.skipped.length} skipped.`)
    report.missing = todo.map((f) => f.basename)
    return
  }

  // 6: the upload, one file at a time, wheels first.
  const uploader = new LegacyUploader({
    uploadUrl: inputs.pypiUrl,
    token: publisher ? () => publisher.current() : () => Promise.resolve(inputs.pypiToken),
    index,
    pkg,
    log: (l) => core.info(l)
  })
  for (const f of todo) {
    const started = performance.now()
    try {
      const c = checked.get(f.basename)!
      const result = await uploader.upload({
        basename: f.basename,
        kind: c.kind,
        pyversion: c.pyversion,
        sha256: f.sha256Actual,
        data: f.data,
        meta: c.meta,
        attestations: attested.get(f.basename)
      })
      row(f.basename).action = result === 'uploaded' ? 'uploaded' : 'skip (identical on the index)'
      ;(result === 'uploaded' ? report.uploaded : report.skipped).push(f.basename)
      core.info(`${result} ${f.basename} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    } catch (err) {
      row(f.basename).action = 'failed'
      report.missing = todo.filter((t) => !report.uploaded.includes(t.basename)).map((t) => t.basename)
      throw err
    }
  }

  // 7: every file on the index with the staged bytes.
  report.missing = await awaitOnIndex(index, pkg, staged)
  if (report.missing.length) {
    throw new UploadError(
      `After the upload the index does not list ${report.missing.join(', ')} with the staged sha256. Run the release again: it uploads only what is missing.`
    )
  }
  if (attested.size)
    await checkProvenanceOf(
      inputs,
      todo.filter((f) => report.uploaded.includes(f.basename))
    )
  core.info(
    `Released ${pkg} ${version}: ${report.uploaded.length} uploaded, ${report.skipped.length} already there.`
  )
}
