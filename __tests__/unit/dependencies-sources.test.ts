import * as fs from 'node:fs'
import * as path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import type { Recipe } from '../../src/dependencies/recipes.js'
import {
  commitFromLsRemote,
  fetchSource,
  planGitFetch,
  planGitLsRemote
} from '../../src/dependencies/sources.js'
import { sha256File } from '../../src/util/hash.js'
import { DependencyError } from '../../src/errors.js'
import { noRunner, scratchPerTest } from '../harness/source-fetch.js'

describe('git plans', () => {
  it('clones with -- before the URL and checks out detached with -- after the ref', () => {
    const plan = planGitFetch('https://h/r.git', 'v1.0', '/s/r')
    const safe = ['-c', 'protocol.ext.allow=never', '-c', 'protocol.fd.allow=never']
    expect(plan.clone.args).toEqual([
      ...safe,
      'clone',
      '--quiet',
      '--no-checkout',
      '--',
      'https://h/r.git',
      '/s/r'
    ])
    expect(plan.checkout.map((c) => c.args)).toEqual([
      [...safe, '-C', '/s/r', 'checkout', '--quiet', '--force', '--detach', 'v1.0', '--'],
      [...safe, '-C', '/s/r', 'submodule', 'update', '--init', '--recursive', '--force']
    ])
    for (const cmd of [plan.clone, ...plan.checkout]) expect(cmd.env).toEqual({ GIT_PROTOCOL_FROM_USER: '0' })
  })

  it('allows file:// submodules for local repositories only', () => {
    expect(planGitFetch('/srv/r.git', 'v1', '/s').clone.args.slice(4, 6)).toEqual([
      '-c',
      'protocol.file.allow=always'
    ])
    expect(planGitLsRemote('https://h/r.git', 'v1').args).toEqual([
      '-c',
      'protocol.ext.allow=never',
      '-c',
      'protocol.fd.allow=never',
      'ls-remote',
      '--',
      'https://h/r.git',
      'v1',
      'v1^{}'
    ])
  })

  it('takes the peeled commit of an annotated tag, then a tag, then a branch', () => {
    const out = (lines: string[][]): string => lines.map(([s, n]) => `${s}\t${n}`).join('\n')
    const [t, p, b] = ['1'.repeat(40), '2'.repeat(40), '3'.repeat(40)]
    expect(
      commitFromLsRemote(
        out([
          [t, 'refs/tags/v1'],
          [p, 'refs/tags/v1^{}']
        ]),
        'v1'
      )
    ).toBe(p)
    expect(
      commitFromLsRemote(
        out([
          [b, 'refs/heads/v1'],
          [t, 'refs/tags/v1']
        ]),
        'v1'
      )
    ).toBe(t)
    expect(commitFromLsRemote(out([[b, 'refs/heads/main']]), 'main')).toBe(b)
    expect(commitFromLsRemote(out([[b, 'refs/heads/release/main']]), 'main')).toBeUndefined()
    expect(commitFromLsRemote('', 'abc1234')).toBeUndefined()
  })
})

describe('archive sources', () => {
  const tmp = scratchPerTest('deps-src-')

  const archiveRecipe = (location: string, sha256: string): Recipe => ({
    name: 'dwmath',
    version: '1',
    source: { kind: 'archive', location, sha256 },
    build: 'cmake',
    args: []
  })

  it('hashes files with sha256', async () => {
    fs.writeFileSync(path.join(tmp(), 'a'), 'abc')
    expect(await sha256File(path.join(tmp(), 'a'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
  })

  it('checks a file:// archive against its sha256 before extracting anything', async () => {
    const file = path.join(tmp(), 'd.tar.gz')
    fs.writeFileSync(file, 'abc')
    const recipe = archiveRecipe(pathToFileURL(file).href, 'f'.repeat(64))
    const err = await fetchSource(noRunner, recipe, path.join(tmp(), 'src'), path.join(tmp(), 'dl')).catch(
      (e: unknown) => e
    )
    expect(err).toBeInstanceOf(DependencyError)
    expect((err as Error).message).toContain(
      'recipe "dwmath": the sha256 of file://' // the location as the recipe gave it
    )
    expect((err as Error).message).toContain(
      'is ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
    expect(fs.existsSync(path.join(tmp(), 'src'))).toBe(false)
  })

  it('says which archive is missing', async () => {
    const recipe = archiveRecipe(path.join(tmp(), 'nope.tar.gz'), 'f'.repeat(64))
    await expect(
      fetchSource(noRunner, recipe, path.join(tmp(), 'src'), path.join(tmp(), 'dl'))
    ).rejects.toThrow(`recipe "dwmath": the archive ${path.join(tmp(), 'nope.tar.gz')} does not exist`)
  })

  it('wraps a failed download in an error naming the recipe and the URL', async () => {
    const recipe = archiveRecipe('https://example.invalid/d.tar.gz', 'f'.repeat(64))
    const download = async (): Promise<string> => {
      throw new Error('Unexpected HTTP response: 404')
    }
    await expect(
      fetchSource(noRunner, recipe, path.join(tmp(), 'src'), path.join(tmp(), 'dl'), download)
    ).rejects.toThrow('recipe "dwmath": could not download https://example.invalid/d.tar.gz: Unexpected HTTP')
  })
})
