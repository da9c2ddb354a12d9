import { describe, expect, it } from 'vitest'
import { gitSource } from '../../src/validate/git-source.js'

describe('gitSource', () => {
  it.each([
    'https://github.com/dipy/dipy.git',
    'https://user@example.org/r.git',
    'ssh://git@github.com/dipy/dipy.git',
    'ssh://github.com:2222/dipy/dipy.git',
    'git+ssh://git@host.example/r.git',
    'git://example.org/r.git',
    'git@github.com:dipy/dipy.git',
    'file:///srv/dipy.git',
    'http://127.0.0.1:9418/repo.git'
  ])('keeps %s as given', (url) => expect(gitSource('repository', url, '/ws')).toBe(url))

  it('makes local paths absolute against the base', () => {
    expect(gitSource('repository', '../dipy.git', '/ws/sub')).toBe('/ws/dipy.git')
    expect(gitSource('repository', '/srv/dipy', '/ws')).toBe('/srv/dipy')
    // Without a user, host:path is a local path here (it cannot become an ssh host by accident).
    expect(gitSource('repository', 'odd:name', '/ws')).toBe('/ws/odd:name')
  })

  it.each([
    ['ext::sh -c touch% /tmp/pwned', 'remote helper'],
    ['fd::3', 'remote helper'],
    ['fd::17/foo', 'remote helper'],
    ['helper::https://x', 'remote helper'],
    ['ssh://-oProxyCommand=touch%20/tmp/x/r', 'not an ordinary host'],
    ['ssh://-oProxyCommand=x@host/r', 'user name'],
    ['-oProxyCommand=x@host:r', "begins with '-'"],
    ['git@-oProxyCommand=x:r', 'not an ordinary host'],
    ['git@host:-u', "path begins with '-'"],
    ['--upload-pack=touch /tmp/x', "begins with '-'"],
    ['https://example.org/r.git\nprotocol.ext.allow=always', 'control character'],
    ['ftp://example.org/r.git', 'scheme ftp://'],
    ['http://example.org/r.git', 'plain http://'],
    ['https://u:pw@example.org/r.git', 'password'],
    ['file://host/srv/r.git', 'no host'],
    ['', 'empty']
  ])('refuses %j (%s), naming the input', (url, why) => {
    let msg = ''
    try {
      gitSource('repository', url, '/ws')
    } catch (err) {
      msg = (err as Error).message
    }
    expect(msg).toMatch(/^Input 'repository': /)
    expect(msg).toContain(why)
  })
})
