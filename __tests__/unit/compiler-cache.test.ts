/** The compiler cache's plans (src/cache/ccache.ts): keys, ccache settings, install argv, stats. */
import { describe, expect, it } from 'vitest'
import {
  ccacheEnv,
  compilerCacheBuildEnv,
  compilerCacheKeys,
  parsePrintStats,
  planCcacheInstall
} from '../../src/cache/ccache.js'
import { commonAncestor } from '../../src/util/paths.js'
import { PRINT_STATS } from './ccache-fixture.js'

const key = {
  platform: 'linux',
  arch: 'x86_64',
  pythons: ['3.11', '3.12'],
  compiler: 'gcc (Debian 12.2.0-14) 12.2.0'
}

describe('compiler cache plans', () => {
  it('keys by OS, arch, Pythons and compiler, the commit last; the prefix restores an older commit', () => {
    const k = compilerCacheKeys({ ...key, commit: 'abc123' })
    // 8f39d480f2b82455: the first 16 hex digits of sha256("gcc (Debian 12.2.0-14) 12.2.0\0") (sha256sum).
    expect(k).toEqual({
      key: 'dipy-wheels-ccache-v2-linux-x86_64-py3.11_3.12-8f39d480f2b82455-abc123',
      restoreKeys: ['dipy-wheels-ccache-v2-linux-x86_64-py3.11_3.12-8f39d480f2b82455-']
    })
    const other = compilerCacheKeys({ ...key, commit: 'def456' })
    expect(other.restoreKeys).toEqual(k.restoreKeys)
    expect(compilerCacheKeys({ ...key, compiler: 'clang 17', commit: 'abc123' }).restoreKeys).not.toEqual(
      k.restoreKeys
    )
    expect(compilerCacheKeys({ ...key, pythons: ['3.11'], commit: 'abc123' }).key).not.toBe(k.key)
  })

  it('sets the ccache directory, base dir, no cwd hashing and depend mode; the user’s values win', () => {
    expect(ccacheEnv('/tc/dipy-wheels-ccache', '/home/runner/work', {})).toEqual({
      CCACHE_DIR: '/tc/dipy-wheels-ccache',
      CCACHE_BASEDIR: '/home/runner/work',
      CCACHE_NOHASHDIR: 'true',
      CCACHE_DEPEND: 'true',
      CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
      CCACHE_MAXSIZE: '1G'
    })
    const env = ccacheEnv('/c', '', { CCACHE_MAXSIZE: '5G', CCACHE_DEPEND: 'false', CCACHE_DIR: '/ignored' })
    expect(env).not.toHaveProperty('CCACHE_BASEDIR')
    expect(env).toMatchObject({ CCACHE_DIR: '/c', CCACHE_MAXSIZE: '5G', CCACHE_DEPEND: 'false' })
  })

  it('takes the common parent of the checkout and the build directory as the base dir, never /', () => {
    expect(commonAncestor('/home/runner/work/dw/dw/dipy', '/home/runner/work/_temp/dipy-wheels')).toBe(
      '/home/runner/work'
    )
    expect(commonAncestor('/a/b', '/a/b/c')).toBe('/a/b')
    expect(commonAncestor('/x/src', '/y/tmp')).toBe('')
  })

  it('puts the compiler symlinks first on PATH and sets the CCACHE_* variables', () => {
    const cc = { env: { CCACHE_DIR: '/c' }, binDir: '/tc/bin' } as never
    expect(compilerCacheBuildEnv(cc)).toEqual({ set: { CCACHE_DIR: '/c' }, prepend: { PATH: ['/tc/bin'] } })
  })

  it('installs ccache as argv: directly as root, else through sudo -n; dnf, yum and apk too', () => {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    expect(planCcacheInstall('apt-get', true)).toEqual([
      { command: 'apt-get', args: ['update', '-q'], env },
      { command: 'apt-get', args: ['install', '-y', '-q', '--no-install-recommends', 'ccache'], env }
    ])
    expect(planCcacheInstall('apt-get', false).map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'sudo -n apt-get update -q',
      'sudo -n apt-get install -y -q --no-install-recommends ccache'
    ])
    expect(planCcacheInstall('dnf', true)).toEqual([
      { command: 'dnf', args: ['install', '-y', '-q', 'ccache'], env }
    ])
    expect(planCcacheInstall('yum', false)).toEqual([
      { command: 'sudo', args: ['-n', 'yum', 'install', '-y', '-q', 'ccache'], env }
    ])
    expect(planCcacheInstall('apk', true)).toEqual([
      { command: 'apk', args: ['add', '--no-cache', 'ccache'], env }
    ])
  })

  it('reads hits (direct and preprocessed), misses and uncacheable calls from --print-stats', () => {
    expect(parsePrintStats(PRINT_STATS)).toEqual({ hits: 42, misses: 5, uncacheable: 8 })
    expect(parsePrintStats('')).toEqual({ hits: 0, misses: 0, uncacheable: 0 })
  })
})
