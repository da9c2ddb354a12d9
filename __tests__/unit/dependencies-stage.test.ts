import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Recipe } from '../../src/dependencies/recipes.js'
import { DependencyError } from '../../src/errors.js'
import type { Command } from '../../src/exec.js'
import type { SharedCache } from '../../src/cache/github.js'
import { buildDependencies, compilerId } from '../../src/stages/dependencies.js'
import { FakeRunner } from './recording-runner.js'

const V1 = 'a'.repeat(40)

/**
 * The shared recording runner: `git ls-remote` lists `remoteRefs`; a `git clone` makes its destination;
 * `fail` makes matching commands fail (exit code 2, its text as the output).
 */
class DepsRunner extends FakeRunner {
  constructor(
    fail?: (cmd: Command) => string | undefined,
    remoteRefs: Record<string, string> = { 'refs/tags/v1.0': V1 }
  ) {
    super(
      (cmd) => {
        const tail = fail?.(cmd)
        if (tail !== undefined) return { exitCode: 2, stderr: tail, tail }
        if (cmd.args.includes('ls-remote')) {
          const stdout = Object.entries(remoteRefs)
            .map(([name, sha]) => `${sha}\t${name}\n`)
            .join('')
          return { stdout }
        }
        if (cmd.args.includes('clone')) fs.mkdirSync(cmd.args.at(-1)!, { recursive: true })
        return undefined
      },
      { PATH: '/usr/bin' }
    )
  }
  /** What was run other than the read-only ls-remote. */
  get work(): Command[] {
    return this.calls.filter((c) => !c.args.includes('ls-remote'))
  }
}

const gitRecipe = (over: Partial<Recipe> = {}): Recipe => ({
  name: 'dwmath',
  version: '1.0',
  source: { kind: 'git', url: 'https://example.invalid/dwmath.git', ref: 'v1.0' },
  build: 'cmake',
  args: [],
  ...over
})

let tmp: string
let out: string[]
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-stage-'))
  out = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk))
    return true
  })
})
afterEach(() => {
  vi.restoreAllMocks()
  fs.rmSync(tmp, { recursive: true, force: true })
})

/** A shared cache (GitHub's, between jobs) kept in a directory of the test. */
class DirCache implements SharedCache {
  saved: string[] = []
  constructor(private readonly store: string) {}
  available(): boolean {
    return true
  }
  async restore(dir: string, key: string): Promise<string | undefined> {
    const from = path.join(this.store, key)
    if (!fs.existsSync(from)) return undefined
    fs.cpSync(from, dir, { recursive: true })
    return key
  }
  async save(dir: string, key: string): Promise<void> {
    this.saved.push(key)
    fs.cpSync(dir, path.join(this.store, key), { recursive: true })
  }
}

const noSharedCache: SharedCache = {
  available: () => false,
  restore: async () => undefined,
  save: async () => undefined
}

const opts = () => ({
  sharedCache: noSharedCache,
  platform: 'linux' as const,
  arch: 'x86_64',
  compiler: 'gcc 14',
  cacheRoot: path.join(tmp, 'cache'),
  workDir: path.join(tmp, 'work'),
  jobs: 2,
  baseEnv: { PATH: '/usr/bin' }
})

describe('buildDependencies', () => {
  it('builds into a prefix under the cache, marks it complete, and reuses it on the next run', async () => {
    const runner = new DepsRunner()
    const first = await buildDependencies(runner, [gitRecipe()], opts())
    expect(first.cached).toBe(false)
    expect(first.built).toEqual(['dwmath'])
    expect(first.prefix).toBe(path.join(tmp, 'cache', first.key, 'prefix'))
    expect(fs.existsSync(path.join(tmp, 'cache', first.key, '.complete'))).toBe(true)
    const cmake = runner.calls.filter((c) => c.command === 'cmake')
    expect(cmake).toHaveLength(3)
    expect(cmake[0].env?.PKG_CONFIG_PATH).toContain(`${first.prefix}/lib/pkgconfig`)
    expect(first.env.LD_LIBRARY_PATH).toBe(`${first.prefix}/lib:${first.prefix}/lib64`)

    const again = new DepsRunner()
    const second = await buildDependencies(again, [gitRecipe()], opts())
    expect(again.work).toEqual([])
    expect(second).toMatchObject({ cached: true, built: [], prefix: first.prefix, key: first.key })
    expect(out.join('')).toContain(`Dependencies: cache hit ${first.key} — not rebuilding (1 recipes)`)
  })

  it('rebuilds when a recipe changes', async () => {
    const first = await buildDependencies(new DepsRunner(), [gitRecipe()], opts())
    const runner = new DepsRunner()
    const second = await buildDependencies(runner, [gitRecipe({ args: ['-DX=1'] })], opts())
    expect(second.cached).toBe(false)
    expect(second.key).not.toBe(first.key)
    expect(runner.calls.some((c) => c.args.includes('-DX=1'))).toBe(true)
  })

  it('does not trust an entry without the marker', async () => {
    const first = await buildDependencies(new DepsRunner(), [gitRecipe()], opts())
    fs.rmSync(path.join(tmp, 'cache', first.key, '.complete'))
    const runner = new DepsRunner()
    expect((await buildDependencies(runner, [gitRecipe()], opts())).cached).toBe(false)
    expect(runner.calls.filter((c) => c.command === 'cmake')).toHaveLength(3)
  })

  it('names the recipe and the failing step, shows the output tail, and leaves no cache entry', async () => {
    const runner = new DepsRunner((c) =>
      c.args[0] === '--build' ? 'dwmath.c:3: error: expected expression' : undefined
    )
    const err = await buildDependencies(runner, [gitRecipe()], opts()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DependencyError)
    expect((err as Error).message).toMatch(/recipe "dwmath" \(1\.0\) failed at the build step \(cmake\)/)
    expect((err as Error).message).toContain('dwmath.c:3: error: expected expression')
    expect(fs.readdirSync(path.join(tmp, 'cache'))).toEqual([])
    expect(runner.calls.some((c) => c.args[0] === '--install')).toBe(false)
  })

  it('stops on a sha256 mismatch before running anything', async () => {
    const archive = path.join(tmp, 'dwmath.tar.gz')
    fs.writeFileSync(archive, 'not the archive you expected')
    const expected = '0'.repeat(64)
    const recipe = gitRecipe({ source: { kind: 'archive', location: archive, sha256: expected } })
    const runner = new DepsRunner()
    const err = await buildDependencies(runner, [recipe], opts()).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DependencyError)
    const msg = (err as Error).message
    expect(msg).toContain('recipe "dwmath"')
    expect(msg).toContain(`expects ${expected}`)
    expect(msg).toMatch(/is [0-9a-f]{64}, but/)
    expect(msg).toContain('fix sha256 in the recipe')
    expect(runner.calls).toEqual([])
    expect(fs.readdirSync(path.join(tmp, 'cache'))).toEqual([])
  })

  it('restores a prefix saved by an earlier job instead of building, and saves what it builds', async () => {
    const shared = new DirCache(path.join(tmp, 'shared'))
    const first = await buildDependencies(new DepsRunner(), [gitRecipe()], { ...opts(), sharedCache: shared })
    expect(shared.saved).toEqual([`dipy-wheels-deps-${first.key}`])

    fs.rmSync(path.join(tmp, 'cache'), { recursive: true }) // a fresh runner: empty tool cache
    const runner = new DepsRunner()
    const second = await buildDependencies(runner, [gitRecipe()], { ...opts(), sharedCache: shared })
    expect(second).toMatchObject({ cached: true, prefix: first.prefix })
    expect(runner.work).toEqual([])
    expect(out.join('')).toContain(`cache hit ${first.key} (restored from the GitHub cache) — not rebuilding`)
  })

  it('rebuilds when the shared cache holds an entry without the marker', async () => {
    const shared = new DirCache(path.join(tmp, 'shared'))
    const first = await buildDependencies(new DepsRunner(), [gitRecipe()], { ...opts(), sharedCache: shared })
    fs.rmSync(path.join(tmp, 'shared', `dipy-wheels-deps-${first.key}`, '.complete'))
    fs.rmSync(path.join(tmp, 'cache'), { recursive: true })
    const runner = new DepsRunner()
    expect((await buildDependencies(runner, [gitRecipe()], { ...opts(), sharedCache: shared })).cached).toBe(
      false
    )
    expect(runner.calls.filter((c) => c.command === 'cmake')).toHaveLength(3)
  })

  it('skips recipes for other platforms', async () => {
    const runner = new DepsRunner()
    const r = await buildDependencies(runner, [gitRecipe({ platforms: ['windows'] })], opts())
    expect(r).toMatchObject({ prefix: '', env: {}, built: [], cached: false })
    expect(runner.calls).toEqual([])
  })

  it('clones git sources with -- before the URL and checks out the ref detached', async () => {
    const runner = new DepsRunner()
    await buildDependencies(runner, [gitRecipe()], opts())
    const [lsRemote, clone, checkout] = runner.calls
    // Every git call with the command-running transports off (git-config(1) protocol.<name>.allow).
    const safe = ['-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never']
    for (const cmd of [lsRemote, clone, checkout]) {
      expect(cmd.args.slice(0, 4)).toEqual(safe)
      expect(cmd.env).toEqual({ GIT_PROTOCOL_FROM_USER: '0' })
    }
    expect(lsRemote.args.slice(4)).toEqual([
      'ls-remote',
      '--',
      'https://example.invalid/dwmath.git',
      'v1.0',
      'v1.0^{}'
    ])
    expect(clone.args.slice(4, 8)).toEqual(['clone', '--quiet', '--no-checkout', '--'])
    expect(clone.args[8]).toBe('https://example.invalid/dwmath.git')
    // The commit the ref named when the build started, so the key and the build agree.
    expect(checkout.args.slice(6)).toEqual(['checkout', '--quiet', '--force', '--detach', V1, '--'])
  })

  it('rebuilds when the branch a recipe follows has moved', async () => {
    const recipe = gitRecipe({ source: { kind: 'git', url: 'https://example.invalid/d.git', ref: 'main' } })
    const before = { 'refs/heads/main': 'b'.repeat(40) }
    const first = await buildDependencies(new DepsRunner(undefined, before), [recipe], opts())
    const same = await buildDependencies(new DepsRunner(undefined, before), [recipe], opts())
    expect(same).toMatchObject({ cached: true, key: first.key })

    const moved = new DepsRunner(undefined, { 'refs/heads/main': 'c'.repeat(40) })
    const second = await buildDependencies(moved, [recipe], opts())
    expect(second.cached).toBe(false)
    expect(second.key).not.toBe(first.key)
    expect(moved.work.some((c) => c.args.includes('c'.repeat(40)))).toBe(true)
  })
})

describe('compilerId', () => {
  it('returns the first line of cc --version', async () => {
    const runner = new FakeRunner((cmd) => ({
      stdout: cmd.command === 'cc' ? 'cc (Debian 12.2.0-14) 12.2.0\nCopyright\n' : ''
    }))
    expect(await compilerId(runner, {})).toBe('cc (Debian 12.2.0-14) 12.2.0')
  })

  it('prefers $CC and falls back past missing compilers', async () => {
    const seen: string[] = []
    const runner = new FakeRunner((cmd) => {
      seen.push(cmd.command)
      if (cmd.command !== 'clang') throw new Error(`Unable to locate executable file: ${cmd.command}`)
      return { stdout: 'Apple clang version 16.0.0\n' }
    })
    expect(await compilerId(runner, { CC: 'ccache gcc-14' })).toBe('Apple clang version 16.0.0')
    expect(seen).toEqual(['gcc-14', 'cc', 'gcc', 'clang'])
  })
})

describe('buildDependencies for a Windows target', () => {
  it('writes the meson cross file of the target before meson setup runs, and names it there', async () => {
    const mesonFile = path.join(tmp, 'work', 'meson-cross-msvc-x86.ini')
    let seen = ''
    const runner = new DepsRunner((c) => {
      if (c.command === 'meson' && c.args[0] === 'setup') seen = fs.readFileSync(mesonFile, 'utf8')
      return undefined
    })
    const windows = { arch: 'x86' as const, runnerArch: 'x64' as const, mesonFile }
    await buildDependencies(
      runner,
      [gitRecipe({ build: 'meson' }), gitRecipe({ name: 'z', build: 'cmake' })],
      {
        ...opts(),
        platform: 'windows',
        arch: 'x86',
        windows
      }
    )
    const setup = runner.calls.find((c) => c.command === 'meson' && c.args[0] === 'setup')
    expect(setup?.args).toContain(`--cross-file=${mesonFile}`)
    expect(seen).toContain("cpu_family = 'x86'\n")
    const configure = runner.calls.find((c) => c.command === 'cmake' && c.args[0] === '-S')
    expect(configure?.args.slice(4, 8)).toEqual(['-A', 'Win32', '-T', 'host=x64'])
  })
})
