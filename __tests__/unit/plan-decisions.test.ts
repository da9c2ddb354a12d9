/**
 * What makePlan decides besides the commands: how far the run goes (stop-after, test-command none), the
 * build without compiler-cache, the upload and artifact decisions and the refusals before anything runs
 * (`materialize` is materialize.test.ts's).
 */
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src/errors.js'
import type { ActionInputs } from '../../src/inputs.js'
import { makePlan } from '../../src/plan/make-plan.js'
import { defaultInputs, runnerHost, sha16, TOOLS_TXT } from '../harness/plan-fixtures.js'

const linux = runnerHost('linux', 'x86_64')
const plan = (over: Partial<ActionInputs>, host = linux) => makePlan(defaultInputs(host.platform, over), host)

describe('how far the run goes', () => {
  it.each(['plan', 'checkout', 'build'] as const)('stop-after %s: no test step, no artifact', (step) => {
    const p = plan({ stopAfter: step, pythonVersions: ['3.11', '3.12'] })
    expect(p.lastStep).toBe(step)
    expect(p.pythons.map((py) => py.test)).toEqual([undefined, undefined])
    expect(p.artifact).toEqual({
      upload: false,
      reason: `the run stops after ${step}`,
      name: 'wheels-cp311-cp312-linux-x86_64'
    })
  })

  it('stop-after test: tested, no artifact', () => {
    const p = plan({ stopAfter: 'test' })
    expect(p.pythons[0].test?.map((c) => c.what)).toEqual([
      'making the test venv',
      'installing the wheel into a clean venv',
      "dipy's smoke test"
    ])
    expect(p.artifact.upload).toBe(false)
  })

  it('test-command none: no test step, also with stop-after publish', () => {
    expect(plan({ testCommand: 'none' }).pythons[0].test).toBeUndefined()
    expect(plan({ testCommand: '  none ', stopAfter: 'test' }).pythons[0].test).toBeUndefined()
  })

  it('a test command runs in bash (no profile, no rc, pipefail) after the test requirements', () => {
    const py = plan({
      testCommand: 'pytest --pyargs dipy -k "not slow"',
      testRequires: ['pytest', 'scipy>=1.8']
    }).pythons[0]
    const [venv, install, run] = py.test!
    const dir = '/home/runner/work/_temp/dipy-wheels/py3.12/test'
    // uv makes the venv (pip seeded, for the test command) and installs the wheel and the requirements.
    expect(venv.args).toEqual(['venv', '--seed', '--python', { slot: 'python' }, `${dir}/venv`])
    expect(install.args).toEqual([
      'pip',
      'install',
      '--python',
      `${dir}/venv/bin/python`,
      { slot: 'wheel' },
      'pytest',
      'scipy>=1.8'
    ])
    // pip's form, planned beside it.
    const [pipVenv, pipInstall, pipRun] = py.pipFallback!.test!
    expect(pipVenv.args).toEqual(['-m', 'venv', `${dir}/venv`])
    expect(pipInstall.args).toEqual([
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-input',
      { slot: 'wheel' },
      'pytest',
      'scipy>=1.8'
    ])
    expect(pipRun).toEqual(run)
    expect(run).toEqual({
      command: 'bash',
      args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', 'pytest --pyargs dipy -k "not slow"'],
      cwd: `${dir}/empty`,
      env: {
        prepend: { PATH: [`${dir}/venv/bin`] },
        set: {
          VIRTUAL_ENV: `${dir}/venv`,
          MPLBACKEND: 'Agg',
          PIP_CACHE_DIR: '/opt/hostedtoolcache/dipy-wheels-pip'
        },
        unset: ['PYTHONPATH', 'PYTHONHOME']
      },
      what: 'the test command'
    })
  })
})

describe('the build without compiler-cache', () => {
  it('an isolated build from a build env of `build` only, no meson build directory', () => {
    const py = plan({ compilerCache: false }).pythons[0]
    const env = `/opt/hostedtoolcache/dipy-wheels-build/${sha16('quay.io/pypa/manylinux_2_28_x86_64', TOOLS_TXT)}-py3.12`
    expect(py.buildEnv).toEqual({ dir: env, projectRequirements: false })
    expect(py.mesonBuildDir).toBeUndefined()
    expect(py.build.args).toEqual([
      '-m',
      'build',
      '--wheel',
      '--outdir',
      '/home/runner/work/_temp/dipy-wheels/py3.12/dist',
      '-Ccompile-args=-v',
      '/home/runner/work/dipy-wheels/dipy-wheels/dipy'
    ])
  })
})

describe("the compiler's command lines", () => {
  const buildArgs = (p: ReturnType<typeof plan>) =>
    p.pythons[0].build.args.filter((a): a is string => typeof a === 'string' && a.startsWith('-C'))
  it('hidden by default: no compile-args=-v (ninja prints one line per step, a failing one whole)', () => {
    const p = plan({ configSettings: [] })
    expect(p.compileCommandLines).toBe(false)
    expect(buildArgs(p)).toEqual([])
    expect(p.configSettings).toEqual([])
  })
  it('in debug mode (RUNNER_DEBUG=1, the CLI --verbose): compile-args=-v, in the plan and its build command', () => {
    const p = plan({ configSettings: ['setup-args=-Da=1'] }, { ...linux, env: { RUNNER_DEBUG: '1' } })
    expect(p.compileCommandLines).toBe(true)
    expect(buildArgs(p)).toEqual(['-Csetup-args=-Da=1', '-Ccompile-args=-v'])
    expect(p.configSettings).toEqual(['setup-args=-Da=1', 'compile-args=-v'])
  })
  it("the user's own compile-args win, in debug mode too", () => {
    const p = plan({ configSettings: ['compile-args=-j2'] }, { ...linux, env: { RUNNER_DEBUG: '1' } })
    expect(buildArgs(p)).toEqual(['-Ccompile-args=-j2'])
  })
})

describe("pip's cache", () => {
  it("the user's PIP_CACHE_DIR on the host; the tool cache's in a container (it is mounted)", () => {
    const own = { ...linux, env: { PIP_CACHE_DIR: '/home/runner/.cache/pip' } }
    expect(plan({ container: 'off' }, own).compilerCache.pipCache).toBe('/home/runner/.cache/pip')
    expect(plan({ container: 'off' }, own).pythons[0].build.env?.set?.PIP_CACHE_DIR).toBe(
      '/home/runner/.cache/pip'
    )
    expect(plan({}, own).compilerCache.pipCache).toBe('/opt/hostedtoolcache/dipy-wheels-pip')
  })
})

describe('dependency recipes', () => {
  const recipes = [
    '- name: zlib',
    '  version: 1.3.1',
    '  source: https://zlib.net/zlib-1.3.1.tar.gz',
    `  sha256: ${'a'.repeat(64)}`,
    '  build: cmake',
    '- name: openblas',
    '  version: 0.3.28',
    '  source: https://example.org/openblas.tar.gz',
    `  sha256: ${'b'.repeat(64)}`,
    '  build: script',
    '  script: make',
    '  platforms: [windows]'
  ].join('\n')

  it("keeps the recipes of the target's platform, in order", () => {
    expect(plan({ dependencies: recipes }).dependencies.recipes.map((r) => r.name)).toEqual(['zlib'])
    expect(
      plan({ dependencies: recipes }, runnerHost('windows', 'AMD64')).dependencies.recipes.map((r) => r.name)
    ).toEqual(['zlib', 'openblas'])
  })

  it('a malformed recipe fails the plan, naming the input', () => {
    expect(() => plan({ dependencies: '- name: x\n  build: make\n' })).toThrow(InputError)
  })
})

describe('the upload decision', () => {
  const push = { ...linux, eventName: 'push' }

  it('a push of a tag goes to staging and needs its token before anything runs', () => {
    const err = (() => {
      try {
        plan({}, push)
      } catch (e) {
        return e as InputError
      }
      return undefined
    })()
    expect(err).toBeInstanceOf(InputError)
    expect(err?.message).toContain("Input 'staging-token'")
    expect(err?.message).toContain('secrets.MULTIBUILD_WHEELS_STAGING_ACCESS')
    expect(plan({ stagingToken: 'tok' }, push).upload).toEqual({
      target: 'staging',
      channel: 'multibuild-wheels-staging',
      labels: ['main'],
      reason: 'push building 1.12.1 → staging',
      ifExists: 'fail',
      dryRun: false,
      keepVersions: 0,
      anacondaUrl: 'https://api.anaconda.org',
      tokenInput: 'staging-token'
    })
  })

  it('the token is not needed when the run stops before publishing, or for a dry run', () => {
    expect(plan({ stopAfter: 'test' }, push).upload.target).toBe('staging')
    expect(plan({ dryRun: true }, push).upload).toMatchObject({ target: 'staging', dryRun: true })
  })

  it('a schedule goes to nightly (replace, keep-versions)', () => {
    const p = plan({ nightlyToken: 'n', keepVersions: 5 }, { ...linux, eventName: 'schedule' })
    expect(p.upload).toMatchObject({
      target: 'nightly',
      channel: 'scipy-wheels-nightly',
      reason: 'schedule event → nightly',
      ifExists: 'replace',
      keepVersions: 5,
      tokenInput: 'nightly-token'
    })
  })

  it('a manual run uploads nothing', () => {
    expect(plan({}).upload).toMatchObject({
      target: 'none',
      channel: '',
      reason: 'workflow_dispatch event → no upload (set upload: nightly or staging to upload)',
      tokenInput: ''
    })
  })
})

describe('the artifact decision', () => {
  const service = { ...linux, env: { ACTIONS_RUNTIME_TOKEN: 't', ACTIONS_RESULTS_URL: 'https://r/' } }

  it('auto: uploaded when the runner has the service, under a name per Pythons, OS and arch', () => {
    expect(plan({ pythonVersions: ['3.11', '3.12'] }, service).artifact).toEqual({
      upload: true,
      reason: 'the runner provides the artifact service',
      name: 'wheels-cp311-cp312-linux-x86_64'
    })
    expect(plan({}).artifact).toEqual({
      upload: false,
      reason:
        'the runner provides no artifact service (ACTIONS_RUNTIME_TOKEN and ACTIONS_RESULTS_URL not set)',
      name: 'wheels-cp312-linux-x86_64'
    })
    expect(plan({ pythonVersions: ['3.13'] }, runnerHost('windows', 'ARM64')).artifact.name).toBe(
      'wheels-cp313-windows-ARM64'
    )
  })

  it('artifact-name and artifact false are taken as given', () => {
    expect(plan({ artifactName: 'dipy-linux' }, service).artifact.name).toBe('dipy-linux')
    expect(plan({ artifact: 'false' }, service).artifact).toEqual({
      upload: false,
      reason: 'the artifact input is false',
      name: 'wheels-cp312-linux-x86_64'
    })
  })

  it('artifact true without the service fails the plan only when the run publishes', () => {
    expect(() => plan({ artifact: 'true' })).toThrow(/Input 'artifact'/)
    expect(plan({ artifact: 'true', stopAfter: 'test' }).artifact.upload).toBe(false)
    expect(() => plan({ artifactName: 'a/b' })).toThrow(/Input 'artifact-name'/)
  })
})
