/**
 * The artifact upload against a local fake of the artifact service: in-process through
 * uploadArtifact, and through the bundle as the runner runs it.
 */
import { createHash, randomBytes } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { unzipSync } from 'fflate'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { makePlan } from '../../src/plan/make-plan.js'
import { uploadArtifact, type ArtifactOutcome } from '../../src/publish/artifact.js'
import { artifactDecision, artifactName } from '../../src/publish/artifact-name.js'
import type { ArtifactMode } from '../../src/inputs.js'
import { report } from '../../src/report.js'
import type { WheelRecord } from '../../src/stages/results.js'
import { runAction } from '../harness/action.js'
import { defaultInputs, runnerHost } from '../harness/plan-fixtures.js'
import { commitAll, git, makeBare, writeFiles } from '../harness/git-fixture.js'
import { start, type ArtifactService } from '../servers/artifact.js'

/** Compression method of each entry, from the zip's central directory (0 = stored). */
function zipMethods(zip: Buffer): Record<string, number> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = zip.readUInt16LE(eocd + 10)
  let at = zip.readUInt32LE(eocd + 16)
  const methods: Record<string, number> = {}
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50)
    const nameLen = zip.readUInt16LE(at + 28)
    const extra = zip.readUInt16LE(at + 30)
    const comment = zip.readUInt16LE(at + 32)
    methods[zip.toString('utf8', at + 46, at + 46 + nameLen)] = zip.readUInt16LE(at + 10)
    at += 46 + nameLen + extra + comment
  }
  return methods
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex')

function wheel(dir: string, name: string, content: Buffer): WheelRecord {
  const p = path.join(dir, name)
  fs.writeFileSync(p, content)
  return {
    python: '3.11',
    path: p,
    name,
    tags: name
      .split('-')
      .slice(2)
      .join('-')
      .replace(/\.whl$/, ''),
    size: content.length,
    sha256: sha256(content),
    grafted: [],
    tested: true
  }
}

/** The plan's artifact decision for these inputs and this runner environment. */
function decision(over: { artifact?: ArtifactMode; artifactName?: string }, env: Record<string, string>) {
  return {
    ...artifactDecision(over.artifact ?? 'auto', env),
    name: artifactName({
      pythonVersions: ['3.11'],
      platform: 'linux',
      arch: 'x86_64',
      override: over.artifactName
    })
  }
}

/** What the report makes of an outcome: the summary's HTML and the outputs' file, as the runner reads them. */
async function reported(
  outcome: ArtifactOutcome,
  wheels: WheelRecord[],
  dir: string
): Promise<{ summary: string; output: string }> {
  const summary = path.join(dir, 'summary.html')
  const output = path.join(dir, 'output.txt')
  fs.writeFileSync(summary, '')
  fs.writeFileSync(output, '')
  process.env.GITHUB_STEP_SUMMARY = summary
  process.env.GITHUB_OUTPUT = output
  const plan = makePlan(defaultInputs('linux', { pythonVersions: ['3.11'] }), runnerHost('linux', 'x86_64'))
  await report({ plan, wheels, failures: [], timings: [], artifact: outcome })
  return { summary: fs.readFileSync(summary, 'utf8'), output: fs.readFileSync(output, 'utf8') }
}

describe('uploadArtifact against the fake artifact service', () => {
  let service: ArtifactService
  let dir: string
  let wheels: WheelRecord[]
  const saved = { ...process.env }

  beforeAll(async () => {
    service = await start()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-artifact-'))
    wheels = [
      wheel(dir, 'dipy-1.11.0-cp311-cp311-manylinux_2_28_x86_64.whl', randomBytes(12 * 1024 * 1024)),
      wheel(dir, 'dipy-1.11.0-cp312-cp312-manylinux_2_28_x86_64.whl', randomBytes(300 * 1024)),
      wheel(dir, 'tiny-0.1-py3-none-any.whl', Buffer.from('PK not really a zip, but bytes are bytes\n'))
    ]
    // Not a wheel of the state: it must not end up in the artifact.
    fs.writeFileSync(path.join(dir, 'build.log'), 'noise')
  })
  afterAll(async () => {
    await service.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  beforeEach(() => {
    // @actions/artifact reads these at call time; GITHUB_SERVER_URL unset = github.com (not GHES).
    Object.assign(process.env, service.env)
    delete process.env.GITHUB_SERVER_URL
  })
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
    Object.assign(process.env, saved)
  })

  it('uploads exactly the wheels, stored, in several blocks, finalized with the right size and hash', async () => {
    const upload = await uploadArtifact(
      decision({}, service.env),
      wheels.map((w) => w.path)
    )
    const artifact = service.artifacts.get('wheels-cp311-linux-x86_64')
    expect(artifact?.finalized).toBe(true)
    const zip = artifact!.zip

    const entries = unzipSync(new Uint8Array(zip))
    expect(Object.keys(entries).sort()).toEqual(wheels.map((w) => w.name).sort())
    for (const w of wheels) expect(sha256(entries[w.name])).toBe(w.sha256)
    expect(Object.values(zipMethods(zip))).toEqual([0, 0, 0])

    expect(artifact!.size).toBe(zip.length)
    expect(artifact!.hash).toBe(`sha256:${sha256(zip)}`)
    const blocks = service.calls.filter((c) => c === 'PutBlock').length
    expect(blocks).toBeGreaterThanOrEqual(2)
    expect(service.calls).toEqual([
      'CreateArtifact wheels-cp311-linux-x86_64',
      ...Array<string>(blocks).fill('PutBlock'),
      'PutBlockList',
      'FinalizeArtifact wheels-cp311-linux-x86_64'
    ])

    expect(upload).toEqual({
      name: 'wheels-cp311-linux-x86_64',
      id: artifact!.id,
      size: zip.length,
      digest: sha256(zip),
      wheels: 3
    })
    const { summary, output } = await reported(upload, wheels, dir)
    expect(output).toMatch(new RegExp(`^artifact-id<<(\\S+)\\n${artifact!.id}\\n\\1$`, 'm'))
    expect(summary).toContain(
      `<p>Artifact <code>wheels-cp311-linux-x86_64</code>: id ${artifact!.id}, 3 wheel(s), `
    )
    expect(summary).toContain(`(${zip.length} bytes), digest <code>sha256:${sha256(zip)}</code></p>`)
  })

  it('uses the artifact-name input, and a second upload under a taken name fails with a hint', async () => {
    const mine = decision({ artifactName: 'my-wheels' }, service.env)
    await uploadArtifact(mine, [wheels[2].path])
    expect(Object.keys(unzipSync(new Uint8Array(service.artifacts.get('my-wheels')!.zip)))).toEqual([
      'tiny-0.1-py3-none-any.whl'
    ])
    await expect(uploadArtifact(mine, [wheels[2].path])).rejects.toThrow(
      /Uploading the artifact 'my-wheels' failed: .*409.*unique within a workflow run: give each job its own artifact-name/s
    )
  })

  it('uploads nothing without wheels, with artifact false, or under auto without the service', async () => {
    const before = service.calls.length
    const noWheels = await uploadArtifact(decision({ artifactName: 'none-1' }, service.env), [])
    expect(noWheels).toEqual({ skipped: 'there are no wheels to upload' })
    const { summary, output } = await reported(noWheels, [], dir)
    expect(summary).toContain('<p>Artifact: not uploaded, there are no wheels to upload.</p>')
    expect(output).not.toContain('artifact-id')
    const paths = wheels.map((w) => w.path)
    expect(
      await uploadArtifact(decision({ artifact: 'false', artifactName: 'none-2' }, service.env), paths)
    ).toEqual({ skipped: 'the artifact input is false' })
    expect(await uploadArtifact(decision({ artifactName: 'none-3' }, {}), paths)).toEqual({
      skipped:
        'the runner provides no artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL not set)'
    })
    expect(service.calls.length).toBe(before)
  })

  it('refuses artifact true without the service, naming the input, before uploading', async () => {
    const before = service.calls.length
    expect(() => decision({ artifact: 'true' }, {})).toThrow(
      /^Input 'artifact': it is true but the runner provides no artifact service/
    )
    expect(service.calls.length).toBe(before)
  })
})

/** A pure-Python package in a local git repository, for a whole build → test → publish run. */
function purePythonRepo(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pure-'))
  const work = path.join(root, 'work')
  fs.mkdirSync(work)
  git(work, 'init', '-q')
  writeFiles(work, {
    'pyproject.toml':
      '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
      '[project]\nname = "dwpure"\nversion = "0.3.0"\n',
    'dwpure/__init__.py': 'ANSWER = 42\n'
  })
  commitAll(work, 'pure')
  return makeBare(work, path.join(root, 'pure.git'))
}

describe('the artifact through the bundle, as the runner runs it', () => {
  let service: ArtifactService
  beforeAll(async () => {
    service = await start()
  })
  afterAll(() => service.close())

  it('fails before any git call when artifact is true and the runner has no artifact service', async () => {
    const r = await runAction({
      inputs: { repository: '/nonexistent', 'build-commit': 'master', upload: 'none', artifact: 'true' },
      traceGit: true
    })
    expect(r.exitCode).toBe(1)
    expect(r.log).toMatch(/::error::Input 'artifact': it is true but the runner provides no artifact service/)
    expect(r.gitCalls).toEqual([])
  })

  it('fails before any git call on an artifact-name the service would reject', async () => {
    const r = await runAction({
      inputs: {
        repository: '/nonexistent',
        'build-commit': 'master',
        upload: 'none',
        'artifact-name': 'wheels/linux'
      },
      env: service.env,
      traceGit: true
    })
    expect(r.exitCode).toBe(1)
    expect(r.log).toMatch(/::error::Input 'artifact-name': "wheels\/linux" contains \/ \(slash\)/)
    expect(r.gitCalls).toEqual([])
    expect(service.calls).toEqual([])
  })

  it(
    'uploads exactly the wheels of the wheels output, and reports the artifact id',
    { timeout: 900_000 },
    async () => {
      const r = await runAction({
        inputs: {
          repository: purePythonRepo(),
          'build-commit': 'master',
          'python-version': '3.12',
          'config-settings': '',
          container: 'off',
          'test-command': 'python -c "import dwpure; assert dwpure.ANSWER == 42"',
          upload: 'none'
        },
        env: service.env,
        timeoutMs: 880_000
      })
      expect(r.exitCode, r.log).toBe(0)
      const wheels = JSON.parse(r.outputs.wheels) as string[]
      expect(wheels.map((w) => path.basename(w))).toEqual(['dwpure-0.3.0-py3-none-any.whl'])
      const artifact = service.artifacts.get('wheels-cp312-linux-x86_64')
      expect(artifact?.finalized, service.calls.join('\n')).toBe(true)
      const entries = unzipSync(new Uint8Array(artifact!.zip))
      expect(Object.keys(entries).sort()).toEqual(wheels.map((w) => path.basename(w)).sort())
      for (const w of wheels) {
        expect(Buffer.from(entries[path.basename(w)]).equals(fs.readFileSync(w))).toBe(true)
      }
      expect(r.outputs['artifact-id']).toBe(String(artifact!.id))
      expect(r.summary).toContain('wheels-cp312-linux-x86_64')
      expect(r.summary).toContain(`sha256:${sha256(artifact!.zip)}`)
    }
  )
})
