/** Our anaconda.org client against the fake server: keep-versions after the upload, and a dry run. */
import { beforeAll, describe, expect, it } from 'vitest'
import { uploadAll } from '../../src/publish/anaconda/batch.js'
import { anacondaUploadSuite } from '../harness/anaconda-upload-suite.js'
import type { AnacondaServer } from '../servers/anaconda/index.js'

process.env.DIPY_WHEELS_RETRY_BASE_MS = '5'

const suite = anacondaUploadSuite()
const { newOrg, wheels, opts, since } = suite
let server: AnacondaServer
beforeAll(() => {
  server = suite.server
})

describe('keep-versions', () => {
  it('removes versions beyond the newest N after the upload, never the one just uploaded', async () => {
    const owner = newOrg()
    for (const v of ['1.0.dev1', '1.0.dev2', '1.0.dev3', '1.0.dev4']) {
      const r = await uploadAll(await wheels([{ name: 'dipy', version: v }]), opts(owner))
      expect(r.failures).toEqual([])
    }
    const start = server.requests.length
    const r = await uploadAll(
      await wheels([{ name: 'dipy', version: '1.0.dev5' }]),
      opts(owner, { keepVersions: 2 })
    )
    expect(r.cleanup[0].removed).toEqual(['1.0.dev1', '1.0.dev2', '1.0.dev3'])
    expect(since(start).filter((l) => l.startsWith('DELETE '))).toEqual(
      ['1.0.dev1', '1.0.dev2', '1.0.dev3'].map((v) => `DELETE /release/${owner}/dipy/${v} 201`)
    )
    expect(
      server
        .files(owner)
        .map((f) => f.version)
        .sort()
    ).toEqual(['1.0.dev4', '1.0.dev5'])
  })
})

describe('dry run', () => {
  it('reads, reports what it would upload, replace and remove, and sends no write request', async () => {
    const owner = newOrg()
    for (const v of ['3.0.dev1', '3.0.dev2', '3.0.dev3']) {
      await uploadAll(await wheels([{ name: 'dipy', version: v }]), opts(owner))
    }
    const before = server.files(owner).map((f) => `${f.basename} ${f.sha256}`)
    const files = await wheels([
      { name: 'dipy', version: '3.0.dev3', summary: 'rebuilt' },
      { name: 'dipy', version: '3.0.dev4' }
    ])
    const start = server.requests.length
    const r = await uploadAll(files, opts(owner, { dryRun: true, ifExists: 'replace', keepVersions: 2 }))
    expect(r.failures).toEqual([])
    expect(r.outcomes.map((o) => `${o.basename} ${o.status}`)).toEqual([
      'dipy-3.0.dev3-py3-none-any.whl would replace',
      'dipy-3.0.dev4-py3-none-any.whl would upload'
    ])
    expect(r.cleanup[0].plan.remove).toEqual(['3.0.dev1', '3.0.dev2'])
    expect(r.cleanup[0].removed).toEqual([])
    const sent = since(start)
    expect(sent.length).toBeGreaterThan(0)
    expect(sent.filter((l) => !/^(GET|HEAD) /.test(l))).toEqual([])
    expect(server.files(owner).map((f) => `${f.basename} ${f.sha256}`)).toEqual(before)
  })
})
