import { describe, expect, it } from 'vitest'
import { CommandError } from '../../src/errors.js'
import { isNetworkFailure } from '../../src/util/git.js'
import {
  nearestTags,
  planCheckout,
  planFetch,
  projectVersion,
  refCandidates
} from '../../src/stages/checkout.js'

/** Written out from git-config(1): the transports that run commands, switched off on every call. */
const SAFE = ['-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never']

const remote = { repository: 'https://github.com/dipy/dipy.git', dir: '/ws/dipy', ref: '1.12.1' }

describe('checkout plans', () => {
  it('clones with full history, putting -- before the user-supplied URL and path', () => {
    expect(planFetch(remote, false)).toEqual([
      {
        command: 'git',
        args: [...SAFE, 'clone', '--no-checkout', '--origin', 'origin', '--', remote.repository, '/ws/dipy'],
        env: { GIT_PROTOCOL_FROM_USER: '0' }
      }
    ])
  })

  it('refreshes an existing checkout with tags and branches', () => {
    const [setUrl, fetch] = planFetch(remote, true)
    expect(setUrl.args).toEqual([...SAFE, '-C', '/ws/dipy', 'remote', 'set-url', 'origin', remote.repository])
    expect(fetch.args.slice(0, 4)).toEqual(SAFE)
    expect(fetch.env).toEqual({ GIT_PROTOCOL_FROM_USER: '0' })
    expect(fetch.args).toContain('--tags')
    expect(fetch.args).toContain('+refs/heads/*:refs/remotes/origin/*')
  })

  it('allows file:// submodules for local repositories only', () => {
    expect(planFetch({ ...remote, repository: '/srv/dipy.git' }, false)[0].args.slice(4, 6)).toEqual([
      '-c',
      'protocol.file.allow=always'
    ])
    expect(planFetch(remote, false)[0].args).not.toContain('protocol.file.allow=always')
  })

  it('checks out detached, cleans, resets and updates submodules', () => {
    const sha = 'a'.repeat(40)
    expect(planCheckout(remote, sha).map((c) => c.args.slice(6).join(' '))).toEqual([
      `-c core.autocrlf=false checkout --force --detach ${sha} --`,
      '-c core.autocrlf=false clean -ffdx',
      `-c core.autocrlf=false reset --hard ${sha} --`,
      '-c core.autocrlf=false submodule sync --recursive',
      '-c core.autocrlf=false submodule update --init --recursive --force'
    ])
  })

  it('looks for a tag, then a branch, then anything git knows', () => {
    expect(refCandidates('1.0')).toEqual(['refs/tags/1.0', 'refs/remotes/origin/1.0', '1.0'])
    expect(refCandidates('f'.repeat(40))).toEqual(['f'.repeat(40)])
  })
})

describe('checkout helpers', () => {
  it('lists the nearest tags first', () => {
    expect(nearestTags('1.12.2', ['0.16.0', '1.12.1', '1.11.0', '1.12.0', '1.2.0'], 3)).toEqual([
      '1.12.1',
      '1.12.0',
      '1.11.0'
    ])
  })

  it('retries network failures only', () => {
    expect(
      isNetworkFailure(new CommandError('git', 128, 'fatal: unable to access ...: Could not resolve host'))
    ).toBe(true)
    expect(isNetworkFailure(new CommandError('git', 128, "fatal: repository '/x' does not exist"))).toBe(
      false
    )
    expect(isNetworkFailure(new Error('Could not resolve host'))).toBe(false)
  })

  it('reads the static project version', () => {
    expect(projectVersion('[project]\nname = "dipy"\nversion = "1.12.1"\n')).toBe('1.12.1')
    expect(projectVersion('[project]\nname = "dipy"\ndynamic = ["version"]\n')).toBeUndefined()
  })
})
