import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import { artifactDecision, artifactName } from '../../src/publish/artifact-name.js'

describe('artifactName', () => {
  it('defaults to wheels-<python>-<os>-<arch>', () => {
    expect(artifactName({ pythonVersions: ['3.11'], platform: 'linux', arch: 'x86_64' })).toBe(
      'wheels-cp311-linux-x86_64'
    )
    expect(artifactName({ pythonVersions: ['3.13'], platform: 'macos', arch: 'arm64' })).toBe(
      'wheels-cp313-macos-arm64'
    )
    expect(artifactName({ pythonVersions: ['3.10'], platform: 'windows', arch: 'AMD64' })).toBe(
      'wheels-cp310-windows-AMD64'
    )
  })

  it('joins several Pythons of one job in the order given', () => {
    expect(
      artifactName({ pythonVersions: ['3.11', '3.12'], platform: 'linux', arch: 'x86_64', override: '' })
    ).toBe('wheels-cp311-cp312-linux-x86_64')
    expect(artifactName({ pythonVersions: ['3.12', '3.10'], platform: 'linux', arch: 'aarch64' })).toBe(
      'wheels-cp312-cp310-linux-aarch64'
    )
  })

  it('gives different names to the jobs of a python × os × arch matrix', () => {
    const names = new Set<string>()
    for (const py of ['3.10', '3.11', '3.12', '3.13'])
      for (const [platform, arch] of [
        ['linux', 'x86_64'],
        ['linux', 'aarch64'],
        ['macos', 'x86_64'],
        ['macos', 'arm64'],
        ['windows', 'AMD64']
      ] as const)
        names.add(artifactName({ pythonVersions: [py], platform, arch }))
    expect(names.size).toBe(20)
  })

  it('uses the artifact-name input when given, trimmed', () => {
    expect(
      artifactName({ pythonVersions: ['3.11'], platform: 'linux', arch: 'x86_64', override: ' my.wheels_1 ' })
    ).toBe('my.wheels_1')
  })

  it.each([
    ['"', 'a"b'],
    [':', 'a:b'],
    ['<', 'a<b'],
    ['>', 'a>b'],
    ['|', 'a|b'],
    ['*', 'wheels-*'],
    ['?', 'a?b'],
    ['\\r', 'a\rb'],
    ['\\n', 'a\nb'],
    ['\\', 'a\\b'],
    ['/', 'wheels/linux']
  ])('rejects %s with an error naming artifact-name', (shown, override) => {
    let error: unknown
    try {
      artifactName({ pythonVersions: ['3.11'], platform: 'linux', arch: 'x86_64', override })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(InputError)
    expect((error as InputError).input).toBe('artifact-name')
    expect((error as Error).message).toMatch(/^Input 'artifact-name': /)
    expect((error as Error).message).toContain(`contains ${shown}`)
  })

  it('names every rejected character found', () => {
    expect(() =>
      artifactName({ pythonVersions: ['3.11'], platform: 'linux', arch: 'x86_64', override: 'a/b:c' })
    ).toThrow(/contains :, \/ \(slash\)/)
  })
})

describe('artifactDecision', () => {
  const service = { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' }

  it('auto uploads only when both service variables are set', () => {
    expect(artifactDecision('auto', service).upload).toBe(true)
    const none = artifactDecision('auto', { ACTIONS_RUNTIME_TOKEN: 't' })
    expect(none.upload).toBe(false)
    expect(none.reason).toContain('ACTIONS_RESULTS_URL')
    expect(none.reason).not.toContain('ACTIONS_RUNTIME_TOKEN')
  })

  it('false never uploads, even with the service', () => {
    expect(artifactDecision('false', service).upload).toBe(false)
  })

  it('true without the service fails naming the input and the missing variables', () => {
    expect(artifactDecision('true', service).upload).toBe(true)
    expect(() => artifactDecision('true', {})).toThrow(InputError)
    expect(() => artifactDecision('true', {})).toThrow(
      /^Input 'artifact': .*ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL not set/
    )
  })
})
