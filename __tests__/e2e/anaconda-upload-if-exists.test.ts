/**
 * Our anaconda.org client's if-exists modes against the fake server: fail, skip, replace, and a replace
 * whose upload fails: the previous file put back, with its own labels.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { uploadAll } from '../../src/publish/anaconda/batch.js'
import { anacondaUploadSuite, sha256, W } from '../harness/anaconda-upload-suite.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const suite = anacondaUploadSuite()
const { newOrg, wheels, opts, onServer, expectExact, since } = suite
let server: AnacondaServer
beforeAll(() => {
  server = suite.server
})

describe('if-exists', () => {
  const spec = { name: 'dipy', version: '1.9.0', tag: 'cp312-cp312-manylinux_2_28_x86_64' }
  async function published(owner: string): Promise<{ old: string; next: string }> {
    const [old] = await wheels([{ ...spec, summary: 'old build' }])
    const [next] = await wheels([{ ...spec, summary: 'new build' }])
    expect(sha256(fs.readFileSync(old))).not.toBe(sha256(fs.readFileSync(next)))
    expect((await uploadAll([old], opts(owner))).failures).toEqual([])
    return { old, next }
  }

  it('fail: refuses, names the file and the fix, changes nothing', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    const start = server.requests.length
    const r = await uploadAll([next], opts(owner, { ifExists: 'fail' }))
    expect(r.failures).toHaveLength(1)
    expect(r.failures[0].message).toMatch(/already exists on org\d+ .*Set if-exists: replace .* or skip/)
    expect(since(start).filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
    expectExact(owner, [old])
  })

  it('skip: keeps the published file', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    const r = await uploadAll([next], opts(owner, { ifExists: 'skip' }))
    expect(r.outcomes.map((o) => o.status)).toEqual(['skipped'])
    expectExact(owner, [old])
  })

  it('replace: the new file replaces the old; the same file again is left alone', async () => {
    const owner = newOrg()
    const { next } = await published(owner)
    const r = await uploadAll([next], opts(owner, { ifExists: 'replace' }))
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => o.status)).toEqual(['replaced'])
    expectExact(owner, [next])
    const start = server.requests.length
    const again = await uploadAll([next], opts(owner, { ifExists: 'replace' }))
    expect(again.outcomes.map((o) => o.status)).toEqual(['unchanged'])
    expect(since(start).filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
  })

  it('replace whose upload fails on S3 puts the old wheel back, downloadable with its old sha256', async () => {
    const owner = newOrg()
    const { old, next } = await published(owner)
    // Every S3 POST of the new file fails (2 attempts × 2 rounds); the restore's go through.
    let s3Posts = 0
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (m, p) => p.startsWith('/s3/') && ++s3Posts <= 4 })
    const start = server.requests.length
    try {
      const r = await uploadAll(
        [next],
        opts(owner, { ifExists: 'replace', rounds: 2, http: { attempts: 2 } })
      )
      expect(r.failures).toHaveLength(1)
      expect(r.failures[0].message).toMatch(
        /^Replacing .* failed: POST \/s3\/upload\/\S+ → 503: SlowDown: .*The previous file \(sha256 [0-9a-f]{64}\) was put back\.$/
      )
    } finally {
      server.setFaults(undefined)
    }
    const seq = since(start)
    expect(seq.filter((l) => l.startsWith('DELETE /dist/'))).toHaveLength(1)
    expect(seq.filter((l) => /^POST \/s3\/\S+ 503$/.test(l))).toHaveLength(4)
    expectExact(owner, [old])
    const stored = server.files(owner)[0]
    const url = `${server.url}/download/${owner}/dipy/1.9.0/${stored.basename}`
    const got = Buffer.from(await (await fetch(url)).arrayBuffer())
    expect(sha256(got)).toBe(sha256(fs.readFileSync(old)))
  })

  it("a failed replace puts the previous file back under its own labels and attributes, not the new run's", async () => {
    const owner = newOrg()
    // The published file: labels of its own, and dependencies (part of its attributes) the new one lacks.
    const [old] = await wheels([{ ...spec, summary: 'old build', requires: ['numpy>=1.22'] }])
    const [next] = await wheels([{ ...spec, summary: 'new build', requires: ['numpy>=2', 'scipy'] }])
    expect((await uploadAll([old], opts(owner, { labels: ['main', 'lts'] }))).failures).toEqual([])
    const dist = async (): Promise<Record<string, unknown>> => {
      const res = await fetch(`${server.url}/dist/${owner}/dipy/1.9.0/${path.basename(old)}`, {
        headers: { Authorization: `token ${W}` }
      })
      expect(res.status).toBe(200)
      return (await res.json()) as Record<string, unknown>
    }
    const before = await dist()
    expect(before.labels).toEqual(['main', 'lts'])
    expect(JSON.stringify(before.dependencies)).toContain('numpy')
    // Every S3 POST of the new file fails (2 attempts × 2 rounds); the restore's go through.
    let s3Posts = 0
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (m, p) => p.startsWith('/s3/') && ++s3Posts <= 4 })
    try {
      const r = await uploadAll(
        [next],
        opts(owner, { labels: ['dev'], ifExists: 'replace', rounds: 2, http: { attempts: 2 } })
      )
      expect(r.failures).toHaveLength(1)
      expect(r.failures[0].message).toMatch(/The previous file \(sha256 [0-9a-f]{64}\) was put back\.$/)
    } finally {
      server.setFaults(undefined)
    }
    expectExact(owner, [old])
    expect(onServer(owner).get(path.basename(old))!.labels).toEqual(['main', 'lts'])
    const after = await dist()
    expect(after.labels).toEqual(['main', 'lts'])
    expect(after.dependencies).toEqual(before.dependencies)
    expect(after.attrs).toEqual(before.attrs)
    expect(after.sha256).toBe(before.sha256)
  })
})
