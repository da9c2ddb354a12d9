/**
 * The build's provenance through the bundle: SHA256SUMS (checked by coreutils' sha256sum) and
 * build-provenance.json beside the wheels and as the `<artifact>-manifest` artifact (local fake of the
 * artifact service), and the wheels' build-provenance attestation with @actions/attest against local
 * stand-ins: GitHub's OIDC token service and attestations API (servers/github-attest.ts) and
 * sigstore-js's mock Fulcio and Rekor (@sigstore/mock, in the action's process).
 */
import { execFileSync } from 'node:child_process'
import { createHash, verify, X509Certificate } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'
import { commitAll, git, makeBare, writeFiles } from '../harness/git-fixture.js'
import { start as startArtifactService, type ArtifactService } from '../servers/artifact.js'
import { startAttestStandIn, type AttestStandIn } from '../servers/github-attest.js'

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

let root: string
let repo: string
beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-provenance-'))
  const work = path.join(root, 'work')
  fs.mkdirSync(work)
  git(work, 'init', '-q')
  writeFiles(work, {
    'pyproject.toml':
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
      '[project]\nname = "dwprov"\nversion = "0.2.0"\n',
    'dwprov/__init__.py': 'ANSWER = 42\n'
  })
  commitAll(work, 'prov')
  repo = makeBare(work, path.join(root, 'prov.git'))
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

const buildInputs = (over: Record<string, string> = {}): Record<string, string> => ({
  repository: repo,
  'build-commit': 'master',
  'python-version': '3.12',
  'config-settings': '',
  container: 'off',
  'test-command': 'python -c "import dwprov; assert dwprov.ANSWER == 42"',
  upload: 'none',
  ...over
})

/** DSSE's pre-authentication encoding (the signed bytes). */
const pae = (type: string, body: Buffer): Buffer =>
  Buffer.concat([Buffer.from(`DSSEv1 ${type.length} ${type} ${body.length} `), body])

describe('build provenance through the bundle', () => {
  let artifacts: ArtifactService
  let gh: AttestStandIn
  beforeAll(async () => {
    artifacts = await startArtifactService()
    gh = await startAttestStandIn()
  })
  afterAll(async () => {
    await artifacts.close()
    await gh.close()
  })

  it(
    'writes SHA256SUMS and build-provenance.json, uploads them as <artifact>-manifest, and attests each wheel',
    { timeout: 900_000 },
    async () => {
      const r = await runAction({
        inputs: buildInputs({ 'github-token': 'ghs_standInToken1' }),
        env: { ...artifacts.env, ...gh.env },
        eventPayload: { repository: { visibility: 'public' } },
        timeoutMs: 880_000
      })
      expect(r.exitCode, r.log.slice(-5000)).toBe(0)
      const wheels = JSON.parse(r.outputs.wheels) as string[]
      expect(wheels.map((w) => path.basename(w))).toEqual(['dwprov-0.2.0-py3-none-any.whl'])
      const wheelhouse = path.dirname(wheels[0])

      // SHA256SUMS next to the wheelhouse (which holds the wheels only), in sha256sum's format.
      const manifestDir = `${wheelhouse}-manifest`
      expect(fs.readdirSync(wheelhouse)).toEqual(['dwprov-0.2.0-py3-none-any.whl'])
      expect(r.outputs.sha256sums).toBe(path.join(manifestDir, 'SHA256SUMS'))
      expect(
        execFileSync('sha256sum', ['--check', '--strict', path.join(manifestDir, 'SHA256SUMS')], {
          cwd: wheelhouse,
          encoding: 'utf8'
        })
      ).toBe('dwprov-0.2.0-py3-none-any.whl: OK\n')
      const prov = JSON.parse(
        fs.readFileSync(path.join(manifestDir, 'build-provenance.json'), 'utf8')
      ) as Record<string, unknown>
      const wheelBytes = fs.readFileSync(wheels[0])
      expect(prov).toMatchObject({
        schema: 'dipy-wheels-build-provenance/1',
        run: {
          repository: 'dipy/dipy-wheels',
          runId: '1',
          runAttempt: '1',
          workflowRef: 'dipy/dipy-wheels/.github/workflows/build-wheels.yml@refs/heads/master',
          sha: '0'.repeat(40),
          job: 'build'
        },
        source: { repository: repo, commit: r.outputs.commit },
        artifact: 'wheels-cp312-linux-x86_64',
        wheels: [
          { name: 'dwprov-0.2.0-py3-none-any.whl', sha256: sha256(wheelBytes), size: wheelBytes.length }
        ]
      })
      expect(prov.sourceDateEpoch).toBe(
        Number(git(path.join(root, 'work'), 'log', '-1', '--format=%ct').trim())
      )

      // The manifest artifact holds exactly the two files; the wheels artifact still exactly the wheels.
      const manifest = artifacts.artifacts.get('wheels-cp312-linux-x86_64-manifest')
      expect(manifest?.finalized, artifacts.calls.join('\n')).toBe(true)
      const m = unzipSync(new Uint8Array(manifest!.zip))
      expect(Object.keys(m).sort()).toEqual(['SHA256SUMS', 'build-provenance.json'])
      expect(Buffer.from(m.SHA256SUMS).equals(fs.readFileSync(r.outputs.sha256sums))).toBe(true)
      const w = unzipSync(new Uint8Array(artifacts.artifacts.get('wheels-cp312-linux-x86_64')!.zip))
      expect(Object.keys(w)).toEqual(['dwprov-0.2.0-py3-none-any.whl'])

      // One attestation stored in the repository's store, with the token given.
      expect(gh.stored.map((s) => s.path)).toEqual(['/repos/dipy/dipy-wheels/attestations'])
      expect(gh.stored[0].authorization).toMatch(/ghs_standInToken1$/)
      expect(r.outputs['attestation-id']).toBe('4242')
      expect(gh.audiences).toEqual(expect.arrayContaining(['nobody', 'sigstore']))
      const bundle = gh.stored[0].bundle as {
        mediaType: string
        dsseEnvelope: { payload: string; payloadType: string; signatures: Array<{ sig: string }> }
        verificationMaterial: { certificate: { rawBytes: string }; tlogEntries: unknown[] }
      }
      expect(bundle.mediaType).toMatch(/^application\/vnd\.dev\.sigstore\.bundle/)
      const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
      const statement = JSON.parse(payload.toString('utf8')) as Record<string, unknown>
      expect(statement._type).toBe('https://in-toto.io/Statement/v1')
      expect(statement.subject).toEqual([
        { name: 'dwprov-0.2.0-py3-none-any.whl', digest: { sha256: sha256(wheelBytes) } }
      ])
      expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1')
      expect(statement.predicate).toMatchObject({
        buildDefinition: {
          buildType: 'https://actions.github.io/buildtypes/workflow/v1',
          externalParameters: {
            workflow: {
              ref: 'refs/heads/master',
              repository: 'https://github.com/dipy/dipy-wheels',
              path: '.github/workflows/build-wheels.yml'
            }
          }
        },
        runDetails: {
          metadata: { invocationId: 'https://github.com/dipy/dipy-wheels/actions/runs/777/attempts/3' }
        }
      })
      // Signed by the key of the (mock) Fulcio certificate, over DSSE's encoding; logged once in (mock) Rekor.
      const cert = new X509Certificate(
        Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64')
      )
      const sig = Buffer.from(bundle.dsseEnvelope.signatures[0].sig, 'base64')
      expect(verify('sha256', pae(bundle.dsseEnvelope.payloadType, payload), cert.publicKey, sig)).toBe(true)
      expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1)
      // The token is masked first, and shown nowhere else.
      expect(r.log).toContain('::add-mask::ghs_standInToken1\n')
      expect(r.log.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_standInToken1')
    }
  )

  it(
    'attest auto without an OIDC token: built and listed, no attestation, a notice saying why',
    { timeout: 900_000 },
    async () => {
      const before = gh.stored.length
      const r = await runAction({ inputs: buildInputs(), timeoutMs: 880_000 })
      expect(r.exitCode, r.log.slice(-5000)).toBe(0)
      expect(r.log).toMatch(
        /::notice::Build provenance: the wheels are not attested: the runner gives no OIDC token \(ACTIONS_ID_TOKEN_REQUEST_URL is not set/
      )
      const wheelhouse = path.dirname((JSON.parse(r.outputs.wheels) as string[])[0])
      expect(
        execFileSync('sha256sum', ['--check', `${wheelhouse}-manifest/SHA256SUMS`], {
          cwd: wheelhouse,
          encoding: 'utf8'
        })
      ).toBe('dwprov-0.2.0-py3-none-any.whl: OK\n')
      expect(r.outputs['attestation-id']).toBeUndefined()
      expect(gh.stored.length).toBe(before)
    }
  )

  it('attest true without an OIDC token fails before any git call, naming the input', async () => {
    const r = await runAction({
      inputs: { repository: '/nonexistent', 'build-commit': 'master', upload: 'none', attest: 'true' },
      traceGit: true
    })
    expect(r.exitCode).toBe(1)
    expect(r.log).toMatch(/::error::Input 'attest': it is true but the runner gives no OIDC token/)
    expect(r.gitCalls).toEqual([])
  })
})
