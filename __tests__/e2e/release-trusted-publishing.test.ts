/** `command: release` through the bundle with Trusted Publishing: the OIDC exchange, a new mint, and its errors. */
import { beforeAll, describe, expect, it } from 'vitest'
import { explain, MINTED, releaseSuite, unmasked } from '../harness/release-suite.js'
import type { OidcStub } from '../servers/oidc.js'

const s = releaseSuite({ prefix: 'tp', orgs: 14 })
const { release, posts, expectOnIndex } = s
let files: string[]
let stub: OidcStub | undefined
beforeAll(() => {
  files = s.files
})

/** A fresh channel holding `which` of the files, and a fresh pypiserver behind the stub. */
async function setup(which = files, password?: string): Promise<string> {
  const owner = await s.setup(which, password)
  stub = s.stub
  return owner
}

describe('Trusted Publishing', () => {
  // Attestations (on by default with Trusted Publishing) are release-attestations.test.ts's.
  it('exchanges the runner OIDC token and uploads with the minted token', async () => {
    const owner = await setup(files, MINTED)
    const run = await release(owner, { 'pypi-token': '', attestations: 'false' }, stub!.env)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(stub!.requests.filter((r) => /oidc/.test(r))).toEqual([
      'GET /_/oidc/audience',
      'GET /oidc/token',
      'POST /_/oidc/mint-token'
    ])
    expectOnIndex(files)
    expect(unmasked(run.log)).not.toContain(MINTED)
  })

  it('mints again, with a fresh OIDC token, when the token runs low', async () => {
    const owner = await setup(files, MINTED)
    stub!.setLifetime(60) // under the five-minute margin: every upload mints first
    const run = await release(owner, { 'pypi-token': '', attestations: 'false' }, stub!.env)
    expect(run.exitCode, explain(run)).toBe(0)
    expect(stub!.requests.filter((r) => r === 'POST /_/oidc/mint-token').length).toBe(files.length + 1)
  })

  it.each([
    ['audience 403', (s: OidcStub) => s.setAudienceStatus(403), /Trusted Publishing disabled \(403/],
    ['audience 404', (s: OidcStub) => s.setAudienceStatus(404), /does not offer it \(404/],
    [
      'no publisher',
      (s: OidcStub) => s.setMintMode('invalid-publisher'),
      /invalid-publisher: valid token, but no corresponding publisher[\s\S]*job_workflow_ref: dipy\/dipy-wheels/
    ],
    ['not JSON', (s: OidcStub) => s.setMintMode('not-json'), /502 Bad Gateway with no JSON/]
  ])('%s: a clear error, no POST', async (_, arrange, message) => {
    const owner = await setup(files, MINTED)
    arrange(stub!)
    const run = await release(owner, { 'pypi-token': '' }, stub!.env)
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(message)
    expect(posts()).toBe(0)
  })

  it.each([
    [
      'a mint endpoint that never answers',
      'silent' as const,
      /mint-token could not be reached: .*(nothing arrived|time ran out)/
    ],
    [
      'a mint answer that never ends',
      'endless' as const,
      /mint-token could not be reached: .*(larger than expected|time ran out)/
    ],
    [
      'errors that are not a list',
      'errors-object' as const,
      /the index refused the token request \(422: Token request failed\)/
    ]
  ])('%s: a clear error within its bound, no POST', async (_, mode, message) => {
    const owner = await setup(files, MINTED)
    stub!.setMintMode(mode)
    const started = performance.now()
    // The bounds scaled by 0.05: 1.5 s for the headers and between chunks, 6 s for the exchange.
    const run = await release(owner, { 'pypi-token': '' }, { ...stub!.env, DIPY_WHEELS_TIME_SCALE: '0.05' })
    const seconds = (performance.now() - started) / 1000
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(message)
    expect(posts()).toBe(0)
    expect(seconds).toBeLessThan(30)
  })

  it('without id-token: write, says so', async () => {
    const owner = await setup(files, MINTED)
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain('id-token: write')
    expect(posts()).toBe(0)
  })
})
