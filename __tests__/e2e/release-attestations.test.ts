/**
 * PEP 740 attestations in the release (issue 19), through the bundle: Trusted Publishing by the OIDC stub,
 * Fulcio and Rekor by @sigstore/mock on 127.0.0.1, a real pypiserver behind the stub (which records every
 * upload's form fields, and can serve PEP 740's Integrity API from them). Each attestation the upload
 * endpoint received is verified with the Python libraries PyPI verifies with (pypi-attestations and
 * sigstore, pinned in requirements/test.txt) against the mock's trusted root, for the publisher the stub's
 * OIDC token names (dipy/dipy-wheels, release.yml).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT, runAction } from '../harness/action.js'
import { exec } from '../harness/pip-venv.js'
import { startPypiServer, VENV_BIN, type PypiServer } from '../harness/pypiserver.js'
import { expectedGlobs, makeReleaseFiles, stage } from '../harness/release-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { startOidcStub, type OidcStub } from '../servers/oidc.js'
import { startSigstoreMock, type SigstoreMock } from '../servers/sigstore.js'

const STAGE_TOKEN = 'stageWrite1'
const MINTED = 'pypi-mintedShortLivedToken'
const V = '1.0.0'
const VERIFY = path.join(REPO_ROOT, '__tests__', 'harness', 'verify_attestations.py')

let anaconda: AnacondaServer
let tmp: string
let files: string[]
let pypi: PypiServer | undefined
let stub: OidcStub | undefined
let sig: SigstoreMock | undefined
let orgs = 0

beforeAll(async () => {
  anaconda = await startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } },
    orgs: Array.from({ length: 8 }, (_, i) => `att${i}`)
  })
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rel-attest-'))
  files = await makeReleaseFiles(path.join(tmp, 'dist'), 'dipy', V)
})
afterEach(async () => {
  await stub?.close()
  await pypi?.close()
  await sig?.close()
  stub = pypi = sig = undefined
})
afterAll(async () => {
  await anaconda?.close()
  fs.rmSync(tmp, { recursive: true, force: true })
})

async function setup(): Promise<string> {
  const owner = `att${orgs++}`
  await stage(anaconda.url, STAGE_TOKEN, owner, 'dipy', V, files)
  pypi = await startPypiServer({ user: '__token__', password: MINTED })
  stub = await startOidcStub({ upstream: pypi.url, mintedToken: MINTED })
  sig = await startSigstoreMock()
  return owner
}

const release = (owner: string, over: Record<string, string> = {}) =>
  runAction({
    inputs: {
      command: 'release',
      version: V,
      expected: expectedGlobs('dipy'),
      'staging-channel': owner,
      'anaconda-url': anaconda.url,
      'pypi-url': `${stub!.url}/`,
      'pypi-index-url': `${stub!.url}/simple/`,
      ...over
    },
    env: {
      DIPY_WHEELS_RETRY_BASE_MS: '5',
      PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH ?? ''}`,
      ...stub!.env,
      ...sig!.env
    }
  })

const posts = (): number => stub!.requests.filter((r) => r === 'POST /').length

/** The `attestations` field of each upload POST, by file name. */
function sentAttestations(): Map<string, string> {
  const out = new Map<string, string>()
  for (const form of stub!.forms) {
    const file = form.find(([k]) => k === 'content')?.[1]
    const att = form.find(([k]) => k === 'attestations')?.[1]
    if (file && att !== undefined) out.set(file, att)
  }
  return out
}

/** pypi-attestations' verification of each (dist, attestations) against `root`. */
async function verifyWithPython(
  root: unknown,
  pairs: Array<[string, string]>
): Promise<{ code: number | null; output: string }> {
  const dir = fs.mkdtempSync(path.join(tmp, 'verify-'))
  const rootPath = path.join(dir, 'trusted_root.json')
  fs.writeFileSync(rootPath, JSON.stringify(root))
  const args = pairs.flatMap(([dist, field], i) => {
    const p = path.join(dir, `${i}.json`)
    fs.writeFileSync(p, field)
    return [dist, p]
  })
  return exec(path.join(VENV_BIN, 'python'), [VERIFY, rootPath, 'dipy/dipy-wheels', 'release.yml', ...args])
}

/** The claims of a JWT (not verified: the stub's are unsigned). */
const claims = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>

const explain = (run: { log: string }): string => run.log.slice(-3000)

describe('PEP 740 attestations with Trusted Publishing (the default)', () => {
  it('one per file, sent as the attestations field, verified by pypi-attestations against the trust root', async () => {
    const owner = await setup()
    stub!.serveProvenance('as-sent')
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode, explain(run)).toBe(0)
    expect(pypi!.files()).toEqual(files.map((f) => path.basename(f)).sort())

    // Every upload POST carried one attestation of its own file.
    const sent = sentAttestations()
    expect([...sent.keys()].sort()).toEqual(files.map((f) => path.basename(f)).sort())
    for (const f of files) {
      const list = JSON.parse(sent.get(path.basename(f))!) as Array<Record<string, unknown>>
      expect(list).toHaveLength(1)
      expect(Object.keys(list[0]).sort()).toEqual(['envelope', 'verification_material', 'version'])
      expect(list[0].version).toBe(1)
    }

    // Verified as PyPI verifies them: the publisher identity, the file's name and sha256, the predicate type.
    const verified = await verifyWithPython(
      sig!.trustedRoot,
      files.map((f) => [f, sent.get(path.basename(f))!])
    )
    expect(verified.code, verified.output).toBe(0)
    // The predicate type is publish/v1 as pypi-attestations names it.
    const publishV1 = /^PUBLISH_V1 (\S+)$/m.exec(verified.output)?.[1]
    expect(publishV1).toMatch(/^https:\/\/\S+\/attestations\/publish\/v1$/)
    for (const f of files) expect(verified.output).toContain(`OK ${path.basename(f)} ${publishV1}`)

    // Fulcio got the sigstore-audience token only, Rekor no credential, and neither the index's token.
    const fulcio = sig!.requests.filter((r) => r.path.startsWith('/fulcio/'))
    const rekor = sig!.requests.filter((r) => r.path.startsWith('/rekor/'))
    expect(fulcio).toHaveLength(files.length)
    expect(rekor).toHaveLength(files.length)
    for (const r of fulcio) {
      const body = JSON.parse(r.body) as { credentials: { oidcIdentityToken: string } }
      expect(claims(body.credentials.oidcIdentityToken).aud).toBe('sigstore')
    }
    for (const r of sig!.requests) {
      expect(r.authorization ?? '').not.toContain(MINTED)
      expect(r.body).not.toContain(MINTED)
      expect(rekor.includes(r) ? r.authorization : undefined).toBeUndefined()
    }
    // The index's provenance read back through the Integrity API.
    expect(run.log).toContain(`Provenance on the index: ${files.length} file(s) attested as sent.`)
  })

  it('another trust root, or another file under the name: pypi-attestations refuses them', async () => {
    const owner = await setup()
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode, explain(run)).toBe(0)
    const sent = sentAttestations()
    const wheel = files.find((f) => f.endsWith('.whl'))!
    const field = sent.get(path.basename(wheel))!
    // The same attestation against a root that is not the one that issued it.
    const other = await startSigstoreMock()
    const foreign = await verifyWithPython(other.trustedRoot, [[wheel, field]]).finally(() => other.close())
    expect(foreign.code).toBe(1)
    expect(foreign.output).toMatch(/FAIL .*: VerificationError/)
    // Other bytes under the file's name: the subject's sha256 does not match.
    const forged = path.join(fs.mkdtempSync(path.join(tmp, 'forged-')), path.basename(wheel))
    fs.writeFileSync(forged, Buffer.concat([fs.readFileSync(wheel), Buffer.from('x')]))
    const digest = await verifyWithPython(sig!.trustedRoot, [[forged, field]])
    expect(digest.code).toBe(1)
    expect(digest.output).toContain('subject does not match distribution digest')
    // pypiserver has no Integrity API: said as a notice, not an error.
    expect(run.log).toMatch(/::notice::Provenance not checked: .* has no Integrity API \(404/)
  })

  it("a provenance on the index that attests other bytes stops the release's check", async () => {
    const owner = await setup()
    stub!.serveProvenance('other-digest')
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toContain("The index's provenance does not match the attestations sent")
    expect(run.log).toMatch(/no attestation of dipy-1\.0\.0-cp311-cp311-win_amd64\.whl sha256 [0-9a-f]{64}/)
  })

  it('signing that fails on the third file: nothing is uploaded, the file named', async () => {
    const owner = await setup()
    sig!.failFulcioAfter(2)
    const run = await release(owner, { 'pypi-token': '' })
    expect(run.exitCode).not.toBe(0)
    // In upload order the third file is the cp312 wheel; Fulcio issued the first two certificates.
    expect(run.log).toMatch(
      /Attestations: signing dipy-1\.0\.0-cp312-cp312-manylinux_2_28_x86_64\.whl failed .*Nothing was uploaded\./
    )
    expect(run.log).toContain('Attested dipy-1.0.0-cp311-cp311-win_amd64.whl')
    expect(posts()).toBe(0)
    expect(pypi!.files()).toEqual([])
    // The OIDC token for Sigstore never shows in the log.
    expect(run.log.replace(/^::add-mask::.*$/gm, '')).not.toMatch(/eyJ[\w-]+\.eyJ/)
  })

  it('attestations: false sends none and asks Sigstore nothing', async () => {
    const owner = await setup()
    const run = await release(owner, { 'pypi-token': '', attestations: 'false' })
    expect(run.exitCode, explain(run)).toBe(0)
    expect(posts()).toBe(files.length)
    expect(sentAttestations().size).toBe(0)
    expect(sig!.requests).toEqual([])
  })
})

describe('with an API token', () => {
  it('auto is off: no attestations field, no Sigstore request', async () => {
    const owner = await setup()
    await pypi!.close()
    pypi = await startPypiServer({ user: '__token__', password: 'pypi-AgEtestonlytoken' })
    await stub!.close()
    stub = await startOidcStub({ upstream: pypi.url, mintedToken: MINTED })
    const run = await release(owner, { 'pypi-token': 'pypi-AgEtestonlytoken' })
    expect(run.exitCode, explain(run)).toBe(0)
    expect(posts()).toBe(files.length)
    expect(sentAttestations().size).toBe(0)
    expect(sig!.requests).toEqual([])
  })

  it('true is an input error naming attestations and the fix, before any request', async () => {
    const owner = await setup()
    const before = anaconda.requests.length
    const run = await release(owner, { 'pypi-token': 'pypi-AgEtestonlytoken', attestations: 'true' })
    expect(run.exitCode).not.toBe(0)
    expect(run.log).toMatch(/Input 'attestations'.*only from an upload authenticated with Trusted Publishing/)
    expect(run.log).toContain('Remove pypi-token')
    expect(anaconda.requests.length).toBe(before)
    expect(stub!.requests).toEqual([])
    expect(sig!.requests).toEqual([])
  })
})
