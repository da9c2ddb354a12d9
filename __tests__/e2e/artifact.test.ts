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
import type { HostFacts } from '../../src/host.js'
import type { ActionInputs } from '../../src/inputs.js'
import { artifactSummaryLine, uploadArtifact } from '../../src/publish/artifact.js'
import type { PipelineState, WheelRecord } from '../../src/state.js'
import { Timings } from '../../src/util/timings.js'
import { runAction } from '../harness/action.js'
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

function makeState(
  wheels: WheelRecord[],
  over: Partial<ActionInputs>,
  env: Record<string, string>
): PipelineState {
  const host = { platform: 'linux', arch: 'x86_64', env } as unknown as HostFacts
  const inputs = { pythonVersions: ['3.11'], artifact: 'auto', artifactName: '', ...over } as ActionInputs
  return {
    inputs,
    host,
    runner: undefined as never,
    timings: new Timings(),
    wheels,
    failures: [],
    uploaded: []
  }
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
    const state = makeState(wheels, {}, service.env)
    const upload = await uploadArtifact(state)
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
    expect(state.artifactId).toBe(String(artifact!.id))
    const line = artifactSummaryLine(state)!
    for (const part of [
      'wheels-cp311-linux-x86_64',
      `id ${artifact!.id}`,
      `${zip.length} bytes`,
      sha256(zip)
    ])
      expect(line).toContain(part)
  })

  it('uses the artifact-name input, and a second upload under a taken name fails with a hint', async () => {
    const state = makeState(wheels.slice(2), { artifactName: 'my-wheels' }, service.env)
    await uploadArtifact(state)
    expect(Object.keys(unzipSync(new Uint8Array(service.artifacts.get('my-wheels')!.zip)))).toEqual([
      'tiny-0.1-py3-none-any.whl'
    ])
    await expect(
      uploadArtifact(makeState(wheels.slice(2), { artifactName: 'my-wheels' }, service.env))
    ).rejects.toThrow(
      /Uploading the artifact 'my-wheels' failed: .*409.*unique within a workflow run: give each job its own artifact-name/s
    )
  })

  it('uploads nothing without wheels, with artifact false, or under auto without the service', async () => {
    const before = service.calls.length
    const noWheels = makeState([], { artifactName: 'none-1' }, service.env)
    expect(await uploadArtifact(noWheels)).toBeUndefined()
    expect(artifactSummaryLine(noWheels)).toContain('no wheels')
    const off = makeState(wheels, { artifact: 'false', artifactName: 'none-2' }, service.env)
    expect(await uploadArtifact(off)).toBeUndefined()
    expect(off.artifactId).toBeUndefined()
    expect(await uploadArtifact(makeState(wheels, { artifactName: 'none-3' }, {}))).toBeUndefined()
    expect(service.calls.length).toBe(before)
  })

  it('fails under artifact true without the service, naming the input, before uploading', async () => {
    const before = service.calls.length
    await expect(uploadArtifact(makeState(wheels, { artifact: 'true' }, {}))).rejects.toThrow(
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
