/** The compiler cache's plans (keys, ccache settings, apt-get argv, stats) and its setup and save. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { planDocker } from '../../src/container/docker.js'
import { renderContainerScript } from '../../src/container/script.js'
import {
  ccacheEnv,
  commonAncestor,
  compilerCacheBuildEnv,
  compilerCacheKeys,
  parsePrintStats,
  planCcacheInstall
} from '../../src/stages/compiler-cache.js'
import {
  recordStats,
  saveCompilerCache,
  setupCompilerCache,
  type CompilerCacheOptions,
  type KeyedCache
} from '../../src/stages/compiler-cache-run.js'
import { FakeRunner } from './recording-runner.js'

const PRINT_STATS = [
  'stats_updated_timestamp\t1700000000',
  'direct_cache_hit\t40',
  'preprocessed_cache_hit\t2',
  'cache_miss\t5',
  'called_for_link\t7',
  'no_input_file\t1',
  'files_in_cache\t90'
].join('\n')

const key = {
  platform: 'linux',
  arch: 'x86_64',
  pythons: ['3.11', '3.12'],
  compiler: 'gcc (Debian 12.2.0-14) 12.2.0'
}

describe('compiler cache plans', () => {
  it('keys by OS, arch, Pythons and compiler, the commit last; the prefix restores an older commit', () => {
    const k = compilerCacheKeys({ ...key, commit: 'abc123' })
    expect(k.key).toMatch(/^dipy-wheels-ccache-v1-linux-x86_64-py3\.11_3\.12-[0-9a-f]{16}-abc123$/)
    expect(k.restoreKeys).toEqual([k.key.slice(0, -'abc123'.length)])
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

  it('puts the compiler symlinks first on PATH', () => {
    const cc = { env: { CCACHE_DIR: '/c' }, binDir: '/tc/bin' } as never
    expect(compilerCacheBuildEnv(cc, { PATH: '/venv/bin:/usr/bin' })).toEqual({
      CCACHE_DIR: '/c',
      PATH: `/tc/bin${path.delimiter}/venv/bin:/usr/bin`
    })
  })

  it('installs ccache with apt-get as argv: directly as root, else through sudo -n', () => {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    expect(planCcacheInstall(true)).toEqual([
      { command: 'apt-get', args: ['update', '-q'], env },
      { command: 'apt-get', args: ['install', '-y', '-q', '--no-install-recommends', 'ccache'], env }
    ])
    expect(planCcacheInstall(false).map((c) => [c.command, ...c.args].join(' '))).toEqual([
      'sudo -n apt-get update -q',
      'sudo -n apt-get install -y -q --no-install-recommends ccache'
    ])
  })

  it('reads hits (direct and preprocessed), misses and uncacheable calls from --print-stats', () => {
    expect(parsePrintStats(PRINT_STATS)).toEqual({ hits: 42, misses: 5, uncacheable: 8 })
    expect(parsePrintStats('')).toEqual({ hits: 0, misses: 0, uncacheable: 0 })
  })
})

/** A PATH directory with fake executables. */
function bin(names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cc-bin-'))
  for (const n of names) fs.writeFileSync(path.join(dir, n), '#!/bin/sh\n', { mode: 0o755 })
  return dir
}

function fakeCache(hit?: string, fail?: 'restore' | 'save') {
  const calls: string[] = []
  const cache: KeyedCache = {
    available: () => true,
    async restore(dir, k, restoreKeys) {
      calls.push(`restore ${k} ${restoreKeys.join(',')}`)
      if (fail === 'restore') throw new Error('cache service down')
      return hit
    },
    async save(dir, k) {
      calls.push(`save ${k}`)
      if (fail === 'save') throw new Error('cache service down')
    }
  }
  return { cache, calls }
}

function options(pathVar: string, extra: Partial<CompilerCacheOptions> = {}): CompilerCacheOptions {
  return {
    enabled: true,
    platform: 'linux',
    arch: 'x86_64',
    toolCache: fs.mkdtempSync(path.join(os.tmpdir(), 'dw-cc-tc-')),
    env: { PATH: pathVar },
    pythons: ['3.11'],
    compiler: 'gcc 12',
    commit: 'c0ffee',
    basedir: '/work',
    root: true,
    cache: { available: () => false, restore: async () => undefined, save: async () => {} },
    ...extra
  }
}

describe('compiler cache setup and save', () => {
  it('locally: the tool cache directory, compiler symlinks to ccache, no GitHub key', async () => {
    const dir = bin(['ccache', 'gcc', 'cc', 'g++'])
    const o = options(dir)
    const cc = (await setupCompilerCache(new FakeRunner(), o))!
    expect(cc.dir).toBe(path.join(o.toolCache, 'dipy-wheels-ccache'))
    expect(cc.key).toBe('')
    expect(cc.restoredFrom).toContain('the tool cache')
    expect(fs.readdirSync(cc.binDir).sort()).toEqual(['cc', 'g++', 'gcc'])
    expect(fs.readlinkSync(path.join(cc.binDir, 'gcc'))).toBe(path.join(dir, 'ccache'))
    expect(cc.env).toMatchObject({ CCACHE_DIR: cc.dir, CCACHE_BASEDIR: '/work' })
  })

  it('on GitHub: restores by key and prefix; a failing service is a warning, the build goes on', async () => {
    const dir = bin(['ccache', 'gcc'])
    const { cache, calls } = fakeCache('dipy-wheels-ccache-v1-old')
    const cc = (await setupCompilerCache(new FakeRunner(), options(dir, { cache })))!
    expect(calls[0]).toMatch(
      /^restore dipy-wheels-ccache-v1-linux-x86_64-py3\.11-[0-9a-f]{16}-c0ffee dipy-wheels/
    )
    expect(cc.restoredFrom).toBe('GitHub cache dipy-wheels-ccache-v1-old')
    const down = fakeCache(undefined, 'restore')
    const cc2 = (await setupCompilerCache(new FakeRunner(), options(dir, { cache: down.cache })))!
    expect(cc2.restoredFrom).toBe('nothing (the GitHub cache failed)')
  })

  it('off, or on Windows: no ccache; missing ccache is installed with apt-get as root', async () => {
    const runner = new FakeRunner()
    expect(await setupCompilerCache(runner, options(bin(['ccache']), { enabled: false }))).toBeUndefined()
    expect(
      await setupCompilerCache(runner, options(bin(['ccache']), { platform: 'windows' }))
    ).toBeUndefined()
    expect(runner.calls).toEqual([])
    // apt-get "installs" ccache into the PATH directory.
    const dir = bin(['apt-get', 'gcc'])
    const apt = new FakeRunner((cmd) => {
      if (cmd.args.includes('install')) fs.writeFileSync(path.join(dir, 'ccache'), '', { mode: 0o755 })
    })
    const cc = await setupCompilerCache(apt, options(dir))
    expect(apt.lines()).toEqual(['apt-get update -q', 'apt-get install -y -q --no-install-recommends ccache'])
    expect(cc?.ccache).toBe(path.join(dir, 'ccache'))
  })

  it('without root and without passwordless sudo: warns and builds without ccache', async () => {
    const runner = new FakeRunner((cmd) => (cmd.command === 'sudo' ? { exitCode: 1 } : undefined))
    const cc = await setupCompilerCache(runner, options(bin(['apt-get', 'gcc']), { root: false }))
    expect(cc).toBeUndefined()
    expect(runner.lines()).toEqual(['sudo -n true'])
  })

  it('records each build’s hits and misses; saves only new work under a new key', async () => {
    const dir = bin(['ccache', 'gcc'])
    const { cache, calls } = fakeCache(undefined)
    const cc = (await setupCompilerCache(new FakeRunner(), options(dir, { cache })))!
    const after = new FakeRunner((cmd) =>
      cmd.args[0] === '--print-stats' ? { stdout: PRINT_STATS } : undefined
    )
    await recordStats(after, cc, '3.11', { hits: 2, misses: 1, uncacheable: 0 })
    expect(cc.stats).toEqual([{ python: '3.11', hits: 40, misses: 4, uncacheable: 8 }])
    await saveCompilerCache(new FakeRunner(), cc, cache)
    expect(calls.at(-1)).toBe(`save ${cc.key}`)
    expect(cc.saved).toBe(`saved as ${cc.key}`)

    const exact = { ...cc, restoredFrom: `GitHub cache ${cc.key}`, saved: undefined }
    await saveCompilerCache(new FakeRunner(), exact, cache)
    expect(exact.saved).toMatch(/restored as is/)
    const noWork = {
      ...cc,
      stats: [{ python: '3.11', hits: 9, misses: 0, uncacheable: 0 }],
      saved: undefined
    }
    await saveCompilerCache(new FakeRunner(), noWork, cache)
    expect(noWork.saved).toMatch(/nothing new/)
    const failing = fakeCache(undefined, 'save')
    await saveCompilerCache(new FakeRunner(), { ...cc }, failing.cache)
    expect(calls.filter((c) => c.startsWith('save'))).toHaveLength(1)
  })
})

describe('the compiler cache in the container', () => {
  const base = {
    pythonVersions: ['3.11'],
    checkoutDir: '/ws/dipy',
    workDir: '/tmp/_temp/dipy-wheels-container',
    constraintsFile: '/tmp/_temp/dipy-wheels-container/constraints.txt',
    recipes: [],
    configSettings: ['compile-args=-v'],
    policy: 'manylinux_2_28_x86_64',
    testRequires: [],
    testCommand: '',
    test: true,
    failFast: true,
    jobs: 2
  }
  const compilerCache = {
    env: { ...ccacheEnv('/tc/dipy-wheels-ccache', '/tmp', {}), PIP_CACHE_DIR: '/tc/dipy-wheels-pip' },
    requires: ['meson-python>=0.13.1', 'numpy>=2.0.0rc1'],
    mesonpy: true
  }

  it('exports ccache’s settings, installs ccache if the image lacks it, and builds without isolation', () => {
    const s = renderContainerScript({ ...base, compilerCache })
    expect(s).toContain('export CCACHE_DIR=/tc/dipy-wheels-ccache')
    expect(s).toContain('export CCACHE_BASEDIR=/tmp')
    expect(s).toContain('export PIP_CACHE_DIR=/tc/dipy-wheels-pip')
    expect(s).toContain('dnf install -y -q ccache')
    expect(s).toContain(`for c in cc gcc c++ g++ clang clang++; do`)
    const venv = '/tmp/_temp/dipy-wheels-container/py3.11/build-venv'
    expect(s).toContain(
      `${venv}/bin/python -m pip install --no-input --upgrade 'meson-python>=0.13.1' 'numpy>=2.0.0rc1'`
    )
    expect(s).toContain(
      `${venv}/bin/python -m build --wheel --no-isolation --outdir /tmp/_temp/dipy-wheels-container/py3.11/dist -Ccompile-args=-v -Cbuild-dir=/tmp/_temp/dipy-wheels-container/py3.11/meson-build /ws/dipy`
    )
    expect(s).toContain('ccache --print-stats > /tmp/_temp/dipy-wheels-container/py3.11/ccache-before')
    expect(s).toContain('ccache --print-stats > /tmp/_temp/dipy-wheels-container/py3.11/ccache-after')
  })

  it('leaves the script as it was with compiler-cache off; docker mounts the cache directories', () => {
    const s = renderContainerScript(base)
    expect(s).not.toMatch(/ccache|--no-isolation/)
    const cmd = planDocker({
      image: 'quay.io/pypa/manylinux_2_28_x86_64',
      workspace: '/ws',
      temp: '/tmp/_temp',
      cwd: '/ws/dipy',
      scriptPath: '/tmp/_temp/s.sh',
      env: {},
      mounts: ['/tc/dipy-wheels-ccache', '/tc/dipy-wheels-pip']
    })
    expect(cmd.args.join(' ')).toContain(
      '-v /tmp/_temp:/tmp/_temp -v /tc/dipy-wheels-ccache:/tc/dipy-wheels-ccache -v /tc/dipy-wheels-pip:/tc/dipy-wheels-pip -w'
    )
  })
})
