/**
 * Hostile servers through the CLI (node dist/cli.js release ..., the tokens handed over in the
 * environment): an upload endpoint that echoes the request's Basic credentials in its 403 body, a staged
 * name climbing out of the run's directories, an index that never answers. Each case checks what the
 * servers saw, that no form of either token reached the terminal or another origin, that nothing was
 * written outside the run's directories (harness/run-dirs.ts) and the time from the first request to the
 * end of the run against the documented bound (harness/bounds.ts).
 */
import { describe, expect, it } from 'vitest'
import { boundOfRequests, documented, SLACK_S } from '../harness/bounds.js'
import {
  echoingIndex,
  noTokenShown,
  PYPI_TOKEN,
  releaseInputs,
  runCli,
  type Timed
} from '../harness/hostile-action.js'
import { hostileStaging, tokenForms } from '../harness/hostile-staging.js'
import { climbingName, decoyEntries } from '../harness/run-dirs.js'
import { at, silent } from '../servers/hostile.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'
process.env.DIPY_WHEELS_TIME_SCALE = '0.02'

const STAGE_TOKEN = 'stageCli1'
const VERSION = '4.1.0'
const OWNER = 'hc0'
const TOKENS = { stage: STAGE_TOKEN, pypi: PYPI_TOKEN }
const s = hostileStaging(STAGE_TOKEN, OWNER, VERSION)
const LISTING = `/release/${OWNER}/relpkg/${VERSION}`
let n = 0
const run = (): Promise<Timed<{ code: number; out: string }>> =>
  runCli(s, releaseInputs(s, OWNER, VERSION), TOKENS, `run${n++}`)

const seen = () => [...s.api.seen, ...s.elsewhere.seen].sort((a, b) => a.at - b.at)

/**
 * What every case keeps: the staging token went only to the API and the index's only to the index, no
 * form of either is on the terminal, nor a control byte; nothing was written outside the run's
 * directories; from the first request to the end, no more than the documented bound of the requests seen
 * (plus `local` seconds of the test's allowance for the release's own checks, which no bound covers).
 */
function kept(t: Timed<{ code: number; out: string }>, local = 0): void {
  expect(s.api.seen.every((x) => x.auth === `token ${STAGE_TOKEN}`)).toBe(true)
  expect(
    s.elsewhere.seen.every((x) => x.auth === undefined || x.auth === `Basic ${tokenForms(PYPI_TOKEN)[1]}`)
  ).toBe(true)
  noTokenShown(t.run.out, [STAGE_TOKEN, PYPI_TOKEN])
  // eslint-disable-next-line no-control-regex
  expect(t.run.out).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/)
  expect(t.wrote).toEqual([])
  const bound = boundOfRequests(seen(), (r) => r.path.startsWith('/download/') || r.method === 'POST')
  expect((t.ended - seen()[0].at) / 1000).toBeLessThan(bound + SLACK_S + local)
}

describe('hostile servers through the CLI', () => {
  it('a 403 echoing the Basic credential prints no form of the token', async () => {
    echoingIndex(s)
    const t = await run()
    expect(t.run.code).not.toBe(0)
    expect(
      s.elsewhere.seen.filter((x) => x.method === 'POST'),
      t.run.out.slice(-3000)
    ).toHaveLength(1)
    expect(t.run.out).toContain('the index refused the upload: 403')
    kept(t, 10)
  })

  it('a staged name climbing out of the run: refused before anything is fetched, the decoy untouched', async () => {
    s.listing((d) =>
      d.map((r, i) =>
        i === 0
          ? { ...r, basename: climbingName(s.sb, 'relpkg-4.1.0-cp311-cp311-manylinux', String(r.basename)) }
          : r
      )
    )
    const t = await run()
    // Whatever else happened, nothing landed where the name points.
    expect(decoyEntries(s.sb)).toEqual(['keep.txt'])
    expect(t.run.code).not.toBe(0)
    expect(t.run.out).toContain('holds a path separator')
    expect(s.api.seen.map((x) => x.path)).toEqual([LISTING])
    expect(s.elsewhere.seen).toEqual([])
    kept(t)
  })

  it('an index that never answers: the run ends within the bound, naming the host and what it waited for', async () => {
    s.elsewhere.rules.push(at('GET', '/simple/', (ctx) => silent(ctx)))
    const t = await run()
    expect(t.run.code).not.toBe(0)
    expect(t.run.out).toContain(`on ${s.elsewhere.host} timed out`)
    expect(t.run.out).toContain('waiting for the response headers')
    const reads = s.elsewhere.seen.filter((x) => x.path.startsWith('/simple/'))
    expect(reads.length).toBeGreaterThan(1)
    expect(s.elsewhere.seen).toHaveLength(reads.length) // nothing was uploaded
    expect(s.api.seen.filter((x) => x.path.startsWith('/download/'))).toHaveLength(s.files.length)
    // Every attempt and wait of the index read inside its one total.
    expect((t.ended - reads[0].at) / 1000).toBeLessThan(documented('apiTotal') + SLACK_S)
    kept(t, 10)
  })
})
