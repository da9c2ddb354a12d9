import { describe, expect, it } from 'vitest'
import { planCleanup } from '../../src/publish/anaconda/cleanup.js'
import type { PackageInfo } from '../../src/publish/anaconda/client.js'
import { installLine } from '../../src/report.js'
import type { UploadDecision } from '../../src/publish/target.js'

const T = '2024-05-01 02:03:04.123456+00:00'
function listing(versions: string[], time: (v: string) => unknown = () => T): PackageInfo {
  return {
    releases: versions.map((version) => ({ version })),
    files: versions.map((version) => ({
      version,
      basename: `dipy-${version}-py3-none-any.whl`,
      upload_time: time(version)
    }))
  }
}
const V = ['1.0.dev1', '1.0.dev2', '1.0.dev3', '1.0.dev4', '1.0.dev5']

describe('planCleanup', () => {
  it('removes all but the newest N (listing is oldest first)', () => {
    expect(planCleanup(listing(V), 2, ['1.0.dev5'])).toEqual({
      remove: ['1.0.dev1', '1.0.dev2', '1.0.dev3'],
      keep: ['1.0.dev4', '1.0.dev5']
    })
    expect(planCleanup(listing(V), 5, ['1.0.dev5']).remove).toEqual([])
    expect(planCleanup(listing(V), 9, ['1.0.dev5']).remove).toEqual([])
  })

  it('never removes the versions just uploaded, even when they are not among the newest', () => {
    expect(planCleanup(listing(V), 1, ['1.0.dev2']).remove).toEqual(['1.0.dev1', '1.0.dev3', '1.0.dev4'])
  })

  it.each<[string, PackageInfo | undefined, RegExp]>([
    ['no package', undefined, /no releases or files/],
    ['an empty listing', listing([]), /no releases/],
    [
      'an unparseable upload date',
      listing(V, (v) => (v === '1.0.dev2' ? 'yesterday' : T)),
      /readable upload date/
    ],
    ['a missing upload date', listing(V, (v) => (v === '1.0.dev1' ? null : T)), /readable upload date/],
    ['a release without a version', { releases: [{}], files: [] }, /no version/],
    [
      'a listing without the uploaded version',
      listing(['0.9']),
      /just uploaded \(1\.0\.dev5\) is not in the listing/
    ]
  ])('refuses (removes nothing) on %s', (_, pkg, why) => {
    const plan = planCleanup(pkg, 2, ['1.0.dev5'])
    expect(plan.remove).toEqual([])
    expect(plan.refused).toMatch(why)
  })

  it('skips a release without files (a failed upload left it) instead of refusing, and does not count it', () => {
    const pkg = listing(V)
    pkg.releases!.splice(3, 0, { version: '1.0.dev3.5' })
    expect(planCleanup(pkg, 2, ['1.0.dev5'])).toEqual({
      remove: ['1.0.dev1', '1.0.dev2', '1.0.dev3'],
      keep: ['1.0.dev4', '1.0.dev5'],
      skipped: ['1.0.dev3.5']
    })
  })

  it('still refuses when the version just uploaded is the one without files', () => {
    const pkg = listing(['1.0.dev1'])
    pkg.releases!.push({ version: '1.0.dev5' })
    expect(planCleanup(pkg, 1, ['1.0.dev5']).refused).toMatch(
      /just uploaded \(1\.0\.dev5\) is not in the listing/
    )
  })

  it('refuses keep < 1', () => {
    expect(planCleanup(listing(V), 0, []).refused).toMatch(/at least 1/)
  })
})

describe('installLine', () => {
  const d = (labels: string[]): UploadDecision =>
    ({ channel: 'scipy-wheels-nightly', labels }) as UploadDecision
  it('main is the plain index; another label gets /label/<label>', () => {
    expect(installLine(d(['main']), ['dipy'])).toBe(
      'pip install --pre --index-url https://pypi.anaconda.org/scipy-wheels-nightly/simple dipy'
    )
    expect(installLine(d(['dev', 'main']), ['dipy'])).toContain('/scipy-wheels-nightly/simple dipy')
    expect(installLine(d(['dev']), ['dipy'])).toBe(
      'pip install --pre --index-url https://pypi.anaconda.org/scipy-wheels-nightly/label/dev/simple dipy'
    )
  })
})
