/**
 * The dependencies input for real: cmake and the C compiler of this machine build the libdwmath fixture from
 * a local archive (or a local git repository) into a cached prefix, and a C program links against it.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { parseRecipes } from '../../src/dependencies/recipes.js'
import { DependencyError } from '../../src/errors.js'
import { ExecRunner, type Command, type Runner, type RunOptions } from '../../src/exec.js'
import { buildDependencies, compilerId, type DependencyResult } from '../../src/stages/dependencies.js'
import { BROKEN_SOURCE, CLIB_FIXTURE, makeClibArchive, type ClibArchive } from '../harness/clib-archive.js'
import { commitAll, git } from '../harness/git-fixture.js'

/** The real runner, recording what it ran. */
class RecordingRunner implements Runner {
  readonly calls: Command[] = []
  private readonly real = new ExecRunner()
  readonly env = this.real.env
  which(name: string) {
    return this.real.which(name)
  }
  run(cmd: Command, options?: RunOptions) {
    this.calls.push(cmd)
    return this.real.run(cmd, { ...options, silent: true })
  }
  ran(command: string): number {
    return this.calls.filter((c) => c.command === command).length
  }
}

const platform = 'linux' as const
let tmp: string
let archive: ClibArchive
let compiler: string
let log: string[]

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-e2e-'))
  archive = makeClibArchive(tmp)
  compiler = await compilerId(new ExecRunner(), process.env)
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))
beforeEach(() => {
  log = []
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    log.push(String(chunk))
    return true
  })
})
afterEach(() => vi.restoreAllMocks())

const recipeYaml = (source: string, sha256: string, extra = ''): string =>
  `- name: dwmath\n  version: "1.0.0"\n  source: ${source}\n  sha256: ${sha256}\n  build: cmake\n${extra}`

function options(cacheName: string) {
  return {
    platform,
    arch: 'x86_64',
    compiler,
    cacheRoot: path.join(tmp, cacheName),
    workDir: path.join(tmp, `${cacheName}-work`),
    jobs: 2,
    baseEnv: process.env,
    // Never GitHub's cache service from a test, even on a runner that offers it.
    sharedCache: { available: () => false, restore: async () => undefined, save: async () => undefined }
  }
}

/** Compiles and runs a program calling dw_add(2, 3) against the prefix, using only the env it was given. */
function addTwoAndThree(result: DependencyResult, name: string): string {
  const env = { ...process.env, ...result.env }
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-prog-`))
  fs.writeFileSync(
    path.join(dir, 'main.c'),
    '#include <stdio.h>\n#include <dwmath.h>\nint main(void) { printf("%d\\n", dw_add(2, 3)); return 0; }\n'
  )
  let flags: string[]
  try {
    flags = execFileSync('pkg-config', ['--cflags', '--libs', 'dwmath'], { env, encoding: 'utf8' })
      .trim()
      .split(/\s+/)
  } catch {
    flags = [...env.CPPFLAGS!.split(' '), ...env.LDFLAGS!.split(' '), '-ldwmath']
  }
  execFileSync('cc', ['main.c', ...flags, '-o', 'main'], { cwd: dir, env })
  // LD_LIBRARY_PATH from the result is what lets the program (and auditwheel) find the library.
  return execFileSync(path.join(dir, 'main'), { env, encoding: 'utf8' }).trim()
}

describe('dependencies built for real', () => {
  it('builds the library from a local archive into a prefix a program links against, then reuses it', async () => {
    const recipes = parseRecipes(recipeYaml(path.basename(archive.path), archive.sha256), tmp)
    const runner = new RecordingRunner()
    const first = await buildDependencies(runner, recipes, options('cache-a'))
    expect(first).toMatchObject({ cached: false, built: ['dwmath'] })
    expect(runner.ran('cmake')).toBe(3)
    for (const f of ['lib/libdwmath.so', 'include/dwmath.h', 'lib/pkgconfig/dwmath.pc']) {
      expect(fs.existsSync(path.join(first.prefix, f)), f).toBe(true)
    }
    expect(fs.existsSync(path.join(path.dirname(first.prefix), '.complete'))).toBe(true)
    expect(first.env.LD_LIBRARY_PATH?.split(':')[0]).toBe(path.join(first.prefix, 'lib'))
    expect(addTwoAndThree(first, 'first')).toBe('5')

    const before = fs.statSync(path.join(first.prefix, 'lib', 'libdwmath.so')).mtimeMs
    const again = new RecordingRunner()
    const second = await buildDependencies(again, recipes, options('cache-a'))
    expect(second).toMatchObject({ cached: true, built: [], prefix: first.prefix })
    expect(again.calls).toEqual([])
    expect(log.join('')).toContain(`Dependencies: cache hit ${first.key} — not rebuilding (1 recipes)`)
    expect(fs.statSync(path.join(first.prefix, 'lib', 'libdwmath.so')).mtimeMs).toBe(before)

    // A changed recipe (new cmake args) rebuilds, and the change shows in the library.
    const changed = parseRecipes(
      recipeYaml(pathToFileURL(archive.path).href, archive.sha256, '  args: [-DDWMATH_OFFSET=100]\n'),
      tmp
    )
    const third = new RecordingRunner()
    const rebuilt = await buildDependencies(third, changed, options('cache-a'))
    expect(rebuilt.cached).toBe(false)
    expect(rebuilt.key).not.toBe(first.key)
    expect(third.ran('cmake')).toBe(3)
    expect(addTwoAndThree(rebuilt, 'rebuilt')).toBe('105')
  })

  it('stops on a wrong sha256: nothing built, no prefix, no marker', async () => {
    const wrong = 'f'.repeat(64)
    const runner = new RecordingRunner()
    const err = await buildDependencies(
      runner,
      parseRecipes(recipeYaml(archive.path, wrong), tmp),
      options('cache-sha')
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DependencyError)
    const msg = (err as Error).message
    expect(msg).toContain('recipe "dwmath"')
    expect(msg).toContain(`is ${archive.sha256}, but the recipe expects ${wrong}`)
    expect(msg).toContain('fix sha256 in the recipe')
    expect(runner.calls).toEqual([])
    expect(
      fs.existsSync(path.join(tmp, 'cache-sha')) ? fs.readdirSync(path.join(tmp, 'cache-sha')) : []
    ).toEqual([])
  })

  it('reports a failing compile with the recipe, the step and the compiler error, and caches nothing', async () => {
    const broken = makeClibArchive(tmp, { name: 'libdwmath-broken', files: BROKEN_SOURCE })
    const runner = new RecordingRunner()
    const err = await buildDependencies(
      runner,
      parseRecipes(recipeYaml(broken.path, broken.sha256), tmp),
      options('cache-broken')
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DependencyError)
    const msg = (err as Error).message
    expect(msg).toContain('recipe "dwmath" (1.0.0) failed at the build step (cmake)')
    expect(msg).toMatch(/dwmath\.c.*error/)
    expect(runner.calls.some((c) => c.args[0] === '--install')).toBe(false)
    expect(fs.readdirSync(path.join(tmp, 'cache-broken'))).toEqual([])
  })

  it('downloads an archive over HTTP, and names the recipe when the download fails', async () => {
    const server = http.createServer((req, res) => {
      if (req.url === '/dl/libdwmath-1.0.0.tar.gz') res.end(fs.readFileSync(archive.path))
      else res.writeHead(404).end('not found')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dl`
    try {
      const recipes = parseRecipes(recipeYaml(`${base}/libdwmath-1.0.0.tar.gz`, archive.sha256), tmp)
      const result = await buildDependencies(new RecordingRunner(), recipes, options('cache-http'))
      expect(addTwoAndThree(result, 'http')).toBe('5')

      const missing = parseRecipes(recipeYaml(`${base}/gone.tar.gz`, archive.sha256), tmp)
      const err = await buildDependencies(new RecordingRunner(), missing, options('cache-404')).catch(
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(DependencyError)
      expect((err as Error).message).toContain(`recipe "dwmath": could not download ${base}/gone.tar.gz`)
      expect((err as Error).message).toContain('404')
    } finally {
      server.close()
    }
  })

  it('builds from a git repository at a tag', async () => {
    const work = path.join(tmp, 'git-work')
    fs.cpSync(CLIB_FIXTURE, work, { recursive: true })
    git(work, 'init', '-q')
    commitAll(work, 'dwmath 1.0.0')
    git(work, 'tag', 'v1.0.0')
    fs.appendFileSync(path.join(work, 'src', 'dwmath.c'), 'this does not compile\n')
    commitAll(work, 'broken on master')
    const recipes = parseRecipes(
      `- {name: dwmath, version: "1.0.0", source: "${pathToFileURL(work).href}", ref: v1.0.0, build: cmake}\n`,
      tmp
    )
    const result = await buildDependencies(new RecordingRunner(), recipes, options('cache-git'))
    expect(addTwoAndThree(result, 'git')).toBe('5')
  })
})
