/**
 * SHA256SUMS as coreutils' sha256sum writes and checks it, the build-provenance.json beside it, and the
 * release's check of staged files against them. Expected hashes come from node:crypto and `sha256sum`.
 */
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { attestDecision } from '../../src/publish/attest.js'
import { checkAgainstManifests, readBuildManifests } from '../../src/release/build-manifests.js'
import { formatSha256Sums, parseSha256Sums } from '../../src/util/sha256sums.js'

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bm-unit-'))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
const hex = (s: string): string => createHash('sha256').update(s).digest('hex')

function dirWith(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(tmp, 'd-'))
  for (const [n, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, n)), { recursive: true })
    fs.writeFileSync(path.join(d, n), c)
  }
  return d
}

const provenance = (runId: string): string =>
  JSON.stringify({
    schema: 'dipy-wheels-build-provenance/1',
    run: {
      serverUrl: 'https://github.com',
      repository: 'o/r',
      runId,
      runAttempt: '1',
      workflowRef: 'w',
      sha: 's',
      job: 'j'
    }
  })

describe('SHA256SUMS', () => {
  it('writes sha256sum lines sorted by name; reads both of its mode marks (coreutils checks them in the e2e tests)', () => {
    const text = formatSha256Sums([
      { name: 'b-1.whl', sha256: hex('bee') },
      { name: 'a-1.whl', sha256: hex('ay') },
      { name: 'with space.whl', sha256: hex('sp') }
    ])
    expect(text).toBe(`${hex('ay')}  a-1.whl\n${hex('bee')}  b-1.whl\n${hex('sp')}  with space.whl\n`)
    expect(parseSha256Sums(`${hex('ay')} *a-1.whl\n\n${hex('bee').toUpperCase()}  b-1.whl\r\n`, 'x')).toEqual(
      [
        { name: 'a-1.whl', sha256: hex('ay') },
        { name: 'b-1.whl', sha256: hex('bee') }
      ]
    )
  })

  it('refuses a line that is not hash and file name, a path, and one name with two hashes', () => {
    expect(() => parseSha256Sums('nothex  a.whl\n', 'M')).toThrow('M line 1 is not "<sha256>  <file name>"')
    expect(() => parseSha256Sums(`${hex('a')}  ../a.whl\n`, 'M')).toThrow(/^M line 1 is not/)
    expect(() => parseSha256Sums(`${hex('a')}  a.whl\n${hex('b')}  a.whl\n`, 'M')).toThrow(
      `M lists a.whl twice with different sha256 (${hex('a')}, ${hex('b')})`
    )
  })
})

describe('the release against the build manifests', () => {
  it('names the run that built each staged file, from any manifest directory', () => {
    const d = dirWith({
      'one-manifest/SHA256SUMS': `${hex('A')}  a.whl\n`,
      'one-manifest/build-provenance.json': provenance('11'),
      'two-manifest/SHA256SUMS': `${hex('B')}  b.whl\n`
    })
    const m = readBuildManifests(path.basename(d), tmp)
    expect(m.count).toBe(2)
    const by = checkAgainstManifests(
      [
        { basename: 'a.whl', sha256: hex('A') },
        { basename: 'b.whl', sha256: hex('B') }
      ],
      m
    )
    expect(by.get('a.whl')).toBe(
      'o/r run 11 attempt 1 (w, job j, commit s) https://github.com/o/r/actions/runs/11'
    )
    expect(by.get('b.whl')).toBe('an unknown run (no build-provenance.json beside it)')
  })

  it('refuses other bytes (both hashes and the run named) and a file no manifest lists', () => {
    const d = dirWith({ 'm/SHA256SUMS': `${hex('A')}  a.whl\n`, 'm/build-provenance.json': provenance('7') })
    const m = readBuildManifests(d, '/')
    const stop = (): Map<string, string> =>
      checkAgainstManifests(
        [
          { basename: 'a.whl', sha256: hex('other') },
          { basename: 'c.whl', sha256: hex('C') }
        ],
        m
      )
    expect(stop).toThrow(`a.whl: staged sha256 ${hex('other')}, but o/r run 7 attempt 1 (w, job j, commit s)`)
    expect(stop).toThrow(`built sha256 ${hex('A')} (${path.join(d, 'm', 'SHA256SUMS')})`)
    expect(stop).toThrow(`c.whl: no build manifest lists it (staged sha256 ${hex('C')})`)
  })

  it('an input that is no directory, or holds no SHA256SUMS, or a provenance of another schema: errors', () => {
    expect(() => readBuildManifests('missing', tmp)).toThrow(
      /^Input 'build-manifests': "missing" is not a directory/
    )
    const empty = dirWith({ 'x/readme': 'no sums' })
    expect(() => readBuildManifests(empty, '/')).toThrow(/^Input 'build-manifests': .* holds no SHA256SUMS/)
    const foreign = dirWith({
      'm/SHA256SUMS': `${hex('A')}  a.whl\n`,
      'm/build-provenance.json': '{"schema":"x"}'
    })
    expect(() => readBuildManifests(foreign, '/')).toThrow(/is not a dipy-wheels-build-provenance\/1 file/)
  })
})

describe('the attest decision', () => {
  const gh = { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/t', GITHUB_REPOSITORY: 'o/r' }
  it('auto attests with an OIDC token and a github-token, and says what is missing otherwise', () => {
    expect(attestDecision('auto', 'ghs_x', gh).attest).toBe(true)
    const no = attestDecision('auto', 'ghs_x', { GITHUB_REPOSITORY: 'o/r' })
    expect(no.attest).toBe(false)
    expect(no.reason).toMatch(
      /ACTIONS_ID_TOKEN_REQUEST_URL is not set: the job needs `permissions: id-token: write`/
    )
    expect(attestDecision('auto', '', gh).reason).toMatch(/the github-token input is empty/)
    expect(attestDecision('false', 'ghs_x', gh)).toEqual({
      mode: 'false',
      attest: false,
      reason: 'the attest input is false'
    })
  })
  it('true without them is an input error naming attest', () => {
    expect(() => attestDecision('true', '', {})).toThrow(
      /^Input 'attest': it is true but the runner gives no OIDC token/
    )
    expect(attestDecision('true', 'ghs_x', gh).attest).toBe(true)
  })
})
