/**
 * Hostile servers through the bundle as the runner runs it (node dist/index.js, harness/action.ts): a
 * staged name carrying a workflow command or climbing out of the run's directories, an upload endpoint
 * that echoes the request's Basic credentials in its 403 body, a listing that never answers and a download
 * that never ends. Each case checks what the servers saw, that no form of either token reached another
 * origin or the output as the runner shows it (after the masks the action registers), that nothing was written outside the run's directories
 * (harness/run-dirs.ts) and the time from the first request to the end of the run against the documented
 * bound (harness/bounds.ts). The CLI's cases are in hostile-cli.test.ts.
 */
import * as fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { ActionRun } from '../harness/action.js'
import { boundOfRequests, documented, SLACK_S } from '../harness/bounds.js'
import {
  asTheRunnerShows,
  echoingIndex,
  noTokenShown,
  PYPI_TOKEN,
  releaseInputs,
  runBundle,
  type Timed
} from '../harness/hostile-action.js'
import { hostileStaging, tokenForms, workflowCommands as commands } from '../harness/hostile-staging.js'
import { climbingName, decoyEntries } from '../harness/run-dirs.js'
import { at, endless, silent } from '../servers/hostile.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = '0.02'

const STAGE_TOKEN = 'stageBundle1'
const VERSION = '4.0.0'
const OWNER = 'hb0'
const TOKENS = { stage: STAGE_TOKEN, pypi: PYPI_TOKEN }
const s = hostileStaging(STAGE_TOKEN, OWNER, VERSION)
const LISTING = `/release/${OWNER}/relpkg/${VERSION}`
const run = (): Promise<Timed<ActionRun>> => runBundle(s, releaseInputs(s, OWNER, VERSION), TOKENS)

/** The first staged wheel renamed by `rename`. */
const renameFirst = (rename: (name: string) => string): void =>
  s.listing((d) => d.map((r, i) => (i === 0 ? { ...r, basename: rename(String(r.basename)) } : r)))

/** The requests both servers saw, in order of arrival. */
const seen = () => [...s.api.seen, ...s.elsewhere.seen].sort((a, b) => a.at - b.at)
const isTransfer = (r: { method: string; path: string }): boolean =>
  r.path.startsWith('/download/') || r.method === 'POST'

/**
 * What every case keeps: the staging token went only to the API, no form of either token is in the log
 * as the runner shows it, nothing was written outside the run's directories, and from the first request the servers
 * saw to the end of the run, no more than the documented bound of those requests (plus `local` seconds of
 * the test's allowance for the release's own checks, which no documented bound covers).
 */
function kept(t: Timed<ActionRun>, local = 0): void {
  expect(s.api.seen.every((x) => x.auth === `token ${STAGE_TOKEN}`)).toBe(true)
  expect(
    s.elsewhere.seen.every(
      (x) => x.auth === undefined || x.auth === `Basic ${btoa(`__token__:${PYPI_TOKEN}`)}`
    )
  ).toBe(true)
  noTokenShown(asTheRunnerShows(t.run.log), [STAGE_TOKEN, PYPI_TOKEN])
  expect(t.wrote).toEqual([])
  const first = seen()[0].at
  expect((t.ended - first) / 1000).toBeLessThan(boundOfRequests(seen(), isTransfer) + SLACK_S + local)
}

describe('hostile servers through the bundle', () => {
  it('control: honest servers, a dry run: the staged set read and checked, nothing sent to the index', async () => {
    s.elsewhere.rules.push(at('GET', '/simple/', (ctx) => ctx.send(404, 'no such project')))
    const t = await runBundle(s, { ...releaseInputs(s, OWNER, VERSION), 'dry-run': 'true' }, TOKENS)
    expect(t.run.exitCode, t.run.log.slice(-3000)).toBe(0)
    expect(s.api.seen.filter((x) => x.path.startsWith('/download/'))).toHaveLength(s.files.length)
    expect(s.elsewhere.seen.map((x) => `${x.method} ${x.path} ${x.auth}`)).toEqual([
      'GET /simple/relpkg/ undefined'
    ])
    kept(t, 10)
  })

  it('a staged name carrying a workflow command: refused, and no command reaches the runner', async () => {
    renameFirst((n) => `${n}\n::warning title=pwned::injected\n::add-mask::hide`)
    const t = await run()
    expect(t.run.exitCode).not.toBe(0)
    expect(s.api.seen.map((x) => x.path)).toEqual([LISTING])
    expect(t.run.log).toContain('holds a control character')
    // Our own ::error:: carries the name as data; no line starts the injected commands.
    expect(
      commands(t.run.log).filter((l) => /^\s*::(warning|add-mask)/.test(l) && /pwned|hide/.test(l))
    ).toEqual([])
    // Besides those, only the release's own notice that no build manifests were given.
    expect(
      commands(t.run.log).filter(
        (l) =>
          !/^::(error|add-mask|group|endgroup|debug)/.test(l) &&
          !l.startsWith('::notice::build-manifests is empty: the staged files are checked')
      )
    ).toEqual([])
    expect(s.elsewhere.seen).toEqual([])
    kept(t)
  })

  it('a staged name climbing out of the run: refused before anything is fetched, the decoy untouched', async () => {
    renameFirst((n) => climbingName(s.sb, 'relpkg-4.0.0-cp311-cp311-manylinux', n))
    const t = await run()
    // Whatever else happened, nothing landed where the name points.
    expect(decoyEntries(s.sb)).toEqual(['keep.txt'])
    expect(t.run.exitCode).not.toBe(0)
    expect(t.run.log).toContain('holds a path separator')
    expect(s.api.seen.map((x) => x.path)).toEqual([LISTING])
    expect(s.elsewhere.seen).toEqual([])
    kept(t)
  })

  it('a 403 echoing the Basic credential: every form of the token is registered with the runner first', async () => {
    echoingIndex(s)
    const t = await run()
    expect(t.run.exitCode).not.toBe(0)
    expect(s.elsewhere.seen.filter((x) => x.method === 'POST')).toHaveLength(1)
    expect(s.elsewhere.seen[s.elsewhere.seen.length - 1].auth).toBe(`Basic ${tokenForms(PYPI_TOKEN)[1]}`)
    // The downloads, the metadata and description checks (Python) and the index read ran before the POST.
    expect(s.api.seen.filter((x) => x.path.startsWith('/download/'))).toHaveLength(s.files.length)
    // The echo reaches the log; the runner masks each form it carries, registered before it appears.
    kept(t, 10)
    // As the runner reads a command's data (%0D, %0A, %25 unescaped: toolkit command.ts escapeData).
    const masks = [...t.run.log.matchAll(/^::add-mask::(.*)$/gm)].map((m) =>
      m[1].replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')
    )
    expect(masks).toEqual(expect.arrayContaining([...tokenForms(PYPI_TOKEN), ...tokenForms(STAGE_TOKEN)]))
  })

  it('a listing that never answers: the run ends within the bound, naming the host and what it waited for', async () => {
    s.api.rules.push(at('GET', '/release/', (ctx) => silent(ctx)))
    const t = await run()
    expect(t.run.exitCode).not.toBe(0)
    expect(t.run.log).toContain(`on ${s.api.host} timed out`)
    expect(t.run.log).toContain('waiting for the response headers')
    const listings = s.api.seen.filter((x) => x.path === LISTING)
    expect(listings.length).toBeGreaterThan(1)
    expect(s.api.seen).toHaveLength(listings.length)
    expect(s.elsewhere.seen).toEqual([])
    // Every attempt and wait of the listing inside its one total.
    expect((t.ended - listings[0].at) / 1000).toBeLessThan(documented('apiTotal') + SLACK_S)
    kept(t)
  })

  it('a download that never ends: stopped at the declared size, saying so, and nothing uploaded', async () => {
    s.api.rules.push(at('GET', '/download/', (ctx) => endless(ctx)))
    const t = await run()
    expect(t.run.exitCode).not.toBe(0)
    const sizes = new Map(s.files.map((f) => [f.slice(f.lastIndexOf('/') + 1), fs.statSync(f).size]))
    const downloads = s.api.seen.filter((x) => x.path.startsWith('/download/'))
    expect(downloads).toHaveLength(s.files.length)
    for (const [name, size] of sizes) {
      // The server pushed at most what the socket buffers took on top of the declared size.
      const d = downloads.find((x) => decodeURIComponent(x.path).endsWith(name))!
      expect(d.sent).toBeGreaterThan(size)
      expect(d.sent).toBeLessThan(size + 8 * 1024 * 1024)
      expect(t.run.log).toContain(`larger than expected (the ${size} bytes the server declares)`)
    }
    expect(s.elsewhere.seen).toEqual([])
    // Stopped by the size, long before a transfer's idle bound could have stopped it.
    expect((t.ended - downloads[0].at) / 1000).toBeLessThan(documented('transferIdle'))
    kept(t)
  })
})
