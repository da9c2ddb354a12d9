/**
 * The release's hostile-server fixture, shared by the suites that run the release's reads in-process: the
 * anaconda.org test server holds a real staged set, a hostile proxy ("api") in front of it alters the
 * answers a case chooses, a second server ("elsewhere", another origin) records whatever reaches it, and
 * the whole run happens in a sandbox (harness/run-dirs.ts) whose TMPDIR is this process's. Call
 * hostileStaging() at the top of a test file: it registers its own hooks.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, expect, vi } from 'vitest'
import { listStaged, type StagedRecord } from '../../src/release/staging.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { at, startHostile, type Hostile } from '../servers/hostile.js'
import { stopwatch } from './bounds.js'
import { makeReleaseFiles, stage } from './release-fixture.js'
import { adoptTmp, makeSandbox, watchWrites, type Sandbox } from './run-dirs.js'

/** The runner's parser (actions/runner ActionCommand.cs): `::` after leading white space, `##[` anywhere. */
export const workflowCommands = (text: string): string[] =>
  text.split(/\r\n|\r|\n/).filter((l) => /^\s*::[A-Za-z-]+( [^:]*)?::/.test(l) || /##\[[^\]]*\]/.test(l))

/** The forms a token travels in: as it is, as `__token__:token` in Basic's base64, URL-encoded. */
export const tokenForms = (token: string): string[] => [
  token,
  btoa(`__token__:${token}`),
  encodeURIComponent(token)
]

export interface Staging {
  anaconda: AnacondaServer
  api: Hostile
  elsewhere: Hostile
  files: string[]
  sb: Sandbox
  /** What the client printed since capture(). */
  out: string[]
  list(): Promise<StagedRecord[]>
  /** Captures stdout and stderr, starts the clock and the watch on the sandbox. */
  capture(): void
  /** Seconds since capture(). */
  seconds(): number
  /** Changes made outside the run's directories since capture(). */
  wroteOutside(): string[]
  /** The token reached neither another origin nor the output, in any form it travels in. */
  tokenStayedHome(): void
  /** Rewrites the listing's distributions. */
  listing(edit: (d: Array<Record<string, unknown>>) => unknown[]): void
}

export function hostileStaging(token: string, owner: string, version: string): Staging {
  let seconds = stopwatch()
  let wrote: () => string[] = () => []
  let restoreTmp = (): void => undefined
  const s = { out: [] as string[] } as Staging
  s.list = () => listStaged({ apiUrl: s.api.url, token, owner, pkg: 'relpkg', version, labels: ['main'] })
  s.capture = () => {
    wrote = watchWrites(s.sb)
    seconds = stopwatch()
    for (const stream of [process.stdout, process.stderr]) {
      vi.spyOn(stream, 'write').mockImplementation((c: unknown) => {
        s.out.push(String(c))
        return true
      })
    }
  }
  s.seconds = () => seconds()
  s.wroteOutside = () => wrote()
  s.tokenStayedHome = () => {
    expect(s.elsewhere.seen.filter((x) => x.auth !== undefined)).toEqual([])
    const text = s.out.join('')
    for (const form of tokenForms(token)) expect(text).not.toContain(form)
  }
  s.listing = (edit) => {
    s.api.rules.push(
      at('GET', `/release/${owner}/relpkg/`, async (ctx) => {
        const up = await ctx.forward()
        const body = JSON.parse(up.body.toString()) as { distributions: Array<Record<string, unknown>> }
        ctx.send(200, JSON.stringify({ ...body, distributions: edit(body.distributions) }), {
          'Content-Type': 'application/json'
        })
      })
    )
  }

  beforeAll(async () => {
    s.anaconda = await startAnacondaServer({
      tokens: { [token]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
      orgs: [owner]
    })
    s.sb = makeSandbox('dw-hostile-')
    restoreTmp = adoptTmp(s.sb)
    s.files = await makeReleaseFiles(path.join(s.sb.fixtures, 'dist'), 'relpkg', version)
    await stage(s.anaconda.url, token, owner, 'relpkg', version, s.files)
    s.api = await startHostile(s.anaconda.url)
    s.elsewhere = await startHostile()
  })
  afterEach(() => {
    for (const h of [s.api, s.elsewhere]) {
      h.rules.length = 0
      h.seen.length = 0
    }
    vi.restoreAllMocks()
    s.out.length = 0
  })
  afterAll(async () => {
    await Promise.all([s.api?.close(), s.elsewhere?.close(), s.anaconda?.close()])
    restoreTmp()
    s.sb?.close()
  })
  return s
}

/** The bytes of one of the staged files. */
export const stagedBytes = (s: Staging, basename: string): Buffer =>
  fs.readFileSync(s.files.find((f) => f.endsWith(basename))!)
