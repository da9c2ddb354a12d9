/**
 * The built-in libomp recipe, built for real with cmake on this host (LLVM's openmp runtime builds on Linux
 * too): the same recipe the action uses on macOS, with only its two archives swapped for local ones of the
 * same LLVM 19.1.7 sources laid out as LLVM's release assets (openmp-19.1.7.src/, cmake-19.1.7.src/), cut
 * from the archive scripts/llvm-openmp-source.sh makes from Debian's llvm-toolchain-19 source package
 * (.ci/run runs it first). Checks what a user of the prefix would: the library and omp.h are there,
 * a program links against the library and runs, and a second run is a cache hit.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { libompRecipe, LIBOMP_VERSION } from '../../src/platforms/macos-libomp.js'
import { sha256File } from '../../src/util/hash.js'
import { ExecRunner } from '../../src/exec.js'
import { buildDependencies } from '../../src/stages/dependencies.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const SOURCE =
  process.env.DIPY_WHEELS_LLVM_OPENMP_SOURCE ||
  path.join(ROOT, '.cache', 'llvm', `llvm-openmp-${LIBOMP_VERSION}.tar.gz`)
const noCache = { available: () => false, restore: async () => undefined, save: async () => {} }
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-libomp-'))
afterAll(() => fs.rmSync(work, { recursive: true, force: true }))

describe('built-in libomp recipe', () => {
  it('builds libomp with cmake and installs the library and omp.h into the prefix', async () => {
    if (!fs.existsSync(SOURCE)) {
      throw new Error(
        `The LLVM ${LIBOMP_VERSION} openmp source archive is missing: ${SOURCE}. Make it with ` +
          `\`bash scripts/llvm-openmp-source.sh ${SOURCE}\` (Debian's llvm-toolchain-19 source package, ` +
          'through apt), or point DIPY_WHEELS_LLVM_OPENMP_SOURCE at a .tar.gz holding llvm-project-19.1.7.src/{openmp,cmake}.'
      )
    }
    const shipped = libompRecipe('x86_64', '11.0')
    // LLVM's two release archives, made from the same sources: <name>-19.1.7.src/ at the top of each.
    const tree = path.join(work, 'llvm')
    fs.mkdirSync(tree)
    execFileSync('tar', ['-xzf', SOURCE, '-C', tree])
    const small: Record<string, string> = {}
    for (const part of ['openmp', 'cmake']) {
      const top = `${part}-${LIBOMP_VERSION}.src`
      fs.renameSync(path.join(tree, `llvm-project-${LIBOMP_VERSION}.src`, part), path.join(tree, top))
      small[part] = path.join(work, `${top}.tar.xz`)
      execFileSync('tar', ['-cJf', small[part], '-C', tree, top])
    }
    const bytes = fs.statSync(small.openmp).size + fs.statSync(small.cmake).size
    console.log(`libomp ${LIBOMP_VERSION}: the two archives hold ${(bytes / 1e6).toFixed(2)} MB`)
    const recipe = {
      ...shipped,
      source: { kind: 'archive' as const, location: small.openmp, sha256: await sha256File(small.openmp) },
      companions: [{ location: small.cmake, sha256: await sha256File(small.cmake), dir: 'cmake' }],
      platforms: undefined
    }
    const opts = {
      platform: 'linux' as const,
      arch: 'x86_64',
      compiler: 'gcc',
      cacheRoot: path.join(work, 'cache'),
      workDir: path.join(work, 'work'),
      jobs: 2,
      baseEnv: process.env,
      sharedCache: noCache
    }
    const started = Date.now()
    const result = await buildDependencies(new ExecRunner(), [recipe], opts)
    const seconds = (Date.now() - started) / 1000
    console.log(`libomp ${LIBOMP_VERSION}: built in ${seconds.toFixed(0)} s into ${result.prefix}`)
    expect(result.built).toEqual(['libomp'])
    const lib = path.join(result.prefix, 'lib', 'libomp.so')
    const header = path.join(result.prefix, 'include', 'omp.h')
    expect(fs.existsSync(lib)).toBe(true)
    expect(fs.readFileSync(header, 'utf8')).toContain('omp_get_num_procs')
    // No libgomp alias next to it (LIBOMP_INSTALL_ALIASES=OFF): it must not shadow GCC's runtime.
    expect(fs.readdirSync(path.join(result.prefix, 'lib')).filter((f) => /gomp|iomp5/.test(f))).toEqual([])

    // A program using the OpenMP API, linked against this libomp only, runs and sees every CPU.
    const prog = path.join(work, 'omp-probe')
    fs.writeFileSync(
      `${prog}.c`,
      '#include <omp.h>\n#include <stdio.h>\nint main(void){printf("%d\\n", omp_get_num_procs());return 0;}\n'
    )
    execFileSync('gcc', [
      `${prog}.c`,
      `-I${path.dirname(header)}`,
      `-L${path.dirname(lib)}`,
      '-lomp',
      '-o',
      prog
    ])
    const env = { ...process.env, LD_LIBRARY_PATH: path.dirname(lib) }
    const nproc = execFileSync('nproc', ['--all'], { encoding: 'utf8' }).trim()
    expect(execFileSync(prog, { env, encoding: 'utf8' }).trim()).toBe(nproc)
    expect(execFileSync('ldd', [prog], { env, encoding: 'utf8' })).toContain(lib)

    const again = await buildDependencies(new ExecRunner(), [recipe], opts)
    expect(again.cached).toBe(true)
    expect(again.prefix).toBe(result.prefix)
  })
})
