import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import type { ActionInputs } from '../../src/inputs.js'
import { decideUpload, describeDecision, requireToken } from '../../src/publish/target.js'

const inputs = (over: Partial<ActionInputs> = {}): ActionInputs =>
  ({
    upload: 'auto',
    dryRun: false,
    nightlyChannel: 'scipy-wheels-nightly',
    stagingChannel: 'multibuild-wheels-staging',
    nightlyToken: 'nightly-secret-value',
    stagingToken: 'staging-secret-value',
    labels: ['main'],
    anacondaUrl: 'https://api.anaconda.org',
    ifExists: undefined,
    keepVersions: 0,
    ...over
  }) as ActionInputs

describe('decideUpload', () => {
  // event, ref, nightly-ref, upload input → target, channel, if-exists default, token input, reason
  const table: Array<
    [string, string, string, ActionInputs['upload'], string, string, string, string, string]
  > = [
    [
      'schedule',
      'master',
      'master',
      'auto',
      'nightly',
      'scipy-wheels-nightly',
      'replace',
      'nightly-token',
      'schedule event → nightly'
    ],
    [
      'push',
      'master',
      'master',
      'auto',
      'nightly',
      'scipy-wheels-nightly',
      'replace',
      'nightly-token',
      'push building master → nightly'
    ],
    [
      'push',
      'main',
      'main',
      'auto',
      'nightly',
      'scipy-wheels-nightly',
      'replace',
      'nightly-token',
      'push building main → nightly'
    ],
    [
      'push',
      'main',
      'master',
      'auto',
      'staging',
      'multibuild-wheels-staging',
      'fail',
      'staging-token',
      'push building main → staging'
    ],
    [
      'push',
      '1.9.0',
      'master',
      'auto',
      'staging',
      'multibuild-wheels-staging',
      'fail',
      'staging-token',
      'push building 1.9.0 → staging'
    ],
    [
      'push',
      'a1b2c3d',
      'master',
      'auto',
      'staging',
      'multibuild-wheels-staging',
      'fail',
      'staging-token',
      'push building a1b2c3d → staging'
    ],
    [
      'pull_request',
      'master',
      'master',
      'auto',
      'none',
      '',
      'fail',
      '',
      'pull_request event → no upload (set upload: nightly or staging to upload)'
    ],
    [
      'workflow_dispatch',
      'master',
      'master',
      'auto',
      'none',
      '',
      'fail',
      '',
      'workflow_dispatch event → no upload (set upload: nightly or staging to upload)'
    ],
    [
      'release',
      '1.9.0',
      'master',
      'auto',
      'none',
      '',
      'fail',
      '',
      'release event → no upload (set upload: nightly or staging to upload)'
    ],
    [
      'pull_request',
      '1.9.0',
      'master',
      'staging',
      'staging',
      'multibuild-wheels-staging',
      'fail',
      'staging-token',
      'upload: staging (pull_request event)'
    ],
    [
      'workflow_dispatch',
      'master',
      'master',
      'nightly',
      'nightly',
      'scipy-wheels-nightly',
      'replace',
      'nightly-token',
      'upload: nightly (workflow_dispatch event)'
    ],
    ['schedule', 'master', 'master', 'none', 'none', '', 'fail', '', 'upload: none (schedule event)'],
    [
      'push',
      '1.9.0',
      'master',
      'nightly',
      'nightly',
      'scipy-wheels-nightly',
      'replace',
      'nightly-token',
      'upload: nightly (push event)'
    ]
  ]
  it.each(table)(
    '%s of %s (nightly-ref %s, upload %s) → %s',
    (eventName, ref, nightlyRef, upload, target, channel, ifExists, tokenInput, reason) => {
      const d = decideUpload(inputs({ upload }), { eventName, ref, nightlyRef })
      expect([d.target, d.channel, d.ifExists, d.tokenInput, d.reason]).toEqual([
        target,
        channel,
        ifExists,
        tokenInput,
        reason
      ])
    }
  )

  it('takes labels, if-exists and the channels from the inputs; keep-versions only for nightly', () => {
    const over = {
      labels: ['dev', 'main'],
      ifExists: 'skip' as const,
      keepVersions: 5,
      nightlyChannel: 'my-nightly'
    }
    const n = decideUpload(inputs(over), { eventName: 'schedule', ref: 'master', nightlyRef: 'master' })
    expect(n).toMatchObject({
      channel: 'my-nightly',
      labels: ['dev', 'main'],
      ifExists: 'skip',
      keepVersions: 5
    })
    const s = decideUpload(inputs(over), { eventName: 'push', ref: '1.9.0', nightlyRef: 'master' })
    expect(s).toMatchObject({ target: 'staging', ifExists: 'skip', keepVersions: 0 })
  })

  it('the decision (the upload-target output) holds no token', () => {
    const d = decideUpload(inputs(), { eventName: 'schedule', ref: 'master', nightlyRef: 'master' })
    const text = JSON.stringify(d) + describeDecision(d)
    expect(text).not.toContain('secret-value')
  })
})

describe('requireToken', () => {
  const ctx = { eventName: 'push', ref: '1.9.0', nightlyRef: 'master' }
  it('refuses a required upload without its token, naming the input and how to pass the secret', () => {
    const d = decideUpload(inputs({ stagingToken: '' }), ctx)
    let err: unknown
    try {
      requireToken(d, inputs({ stagingToken: '' }))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(InputError)
    expect((err as InputError).input).toBe('staging-token')
    expect((err as Error).message).toMatch(
      /staging-token: \$\{\{ secrets\.MULTIBUILD_WHEELS_STAGING_ACCESS \}\}/
    )
    expect((err as Error).message).toContain('multibuild-wheels-staging')
  })
  it('names nightly-token for nightly; the other token does not count', () => {
    const i = inputs({ nightlyToken: '' })
    const d = decideUpload(i, { eventName: 'schedule', ref: 'master', nightlyRef: 'master' })
    expect(() => requireToken(d, i)).toThrow(/Input 'nightly-token'.*SCIPY_WHEELS_NIGHTLY_ACCESS/)
  })
  it('accepts no token for none and for a dry run, and a present token', () => {
    const i = inputs({ nightlyToken: '', stagingToken: '' })
    expect(() => requireToken(decideUpload(i, { ...ctx, eventName: 'pull_request' }), i)).not.toThrow()
    const dry = inputs({ nightlyToken: '', stagingToken: '', dryRun: true })
    expect(() => requireToken(decideUpload(dry, ctx), dry)).not.toThrow()
    expect(() => requireToken(decideUpload(inputs(), ctx), inputs())).not.toThrow()
  })
})
