/**
 * The whole job through the bundle as the runner runs it: a pure-Python package from a local git repository
 * is built (container: off), tested, and uploaded to the fake anaconda.org by the event rules (push of a tag
 * → staging; schedule → nightly); then pip installs it from the server's simple index in a clean venv.
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction } from '../harness/action.js'
import { commitAll, git, makeBare, writeFiles } from '../harness/git-fixture.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'
import { pythonsForTests } from '../harness/pythons.js'

const STAGING_TOKEN = 'stagingTok42'
const NIGHTLY_TOKEN = 'nightlyTok42'
const PY = pythonsForTests(1)[0]
const TEST_COMMAND = 'python -c "import dwpub; assert dwpub.ANSWER == 42"'

const sha256 = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex')

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, output: stdout + stderr })
    )
  })
}

/** dwpub: tag 0.3.0 (version 0.3.0) and master ahead of it (0.4.0.dev0). */
function pureRepo(root: string): string {
  const work = path.join(root, 'work')
  fs.mkdirSync(work, { recursive: true })
  git(work, 'init', '-q')
  const pyproject = (v: string): string =>
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n' +
    `[project]\nname = "dwpub"\nversion = "${v}"\ndescription = "dipy-wheels publish test"\n`
  writeFiles(work, { 'pyproject.toml': pyproject('0.3.0'), 'dwpub/__init__.py': 'ANSWER = 42\n' })
  commitAll(work, 'release')
  git(work, 'tag', '0.3.0')
  writeFiles(work, { 'pyproject.toml': pyproject('0.4.0.dev0') })
  commitAll(work, 'dev')
  return makeBare(work, path.join(root, 'dwpub.git'))
}

let server: AnacondaServer
let root: string
let repo: string
beforeAll(async () => {
  server = await startAnacondaServer({
    tokens: {
      [STAGING_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] },
      [NIGHTLY_TOKEN]: { login: 'nightly', scopes: ['api:read', 'api:write'] }
    }
  })
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-publish-'))
  repo = pureRepo(root)
})
afterAll(async () => {
  await server?.close()
  fs.rmSync(root, { recursive: true, force: true })
})

const common = (): Record<string, string> => ({
  repository: repo,
  'python-version': PY,
  'config-settings': '',
  container: 'off',
  'test-command': TEST_COMMAND,
  'anaconda-url': server.url,
  'staging-token': STAGING_TOKEN,
  'nightly-token': NIGHTLY_TOKEN,
  artifact: 'false'
})

/** pip installs `spec` from `index` into a fresh venv and returns dwpub's version there. */
async function pipInstall(index: string, spec: string, pre = false): Promise<string> {
  const venv = fs.mkdtempSync(path.join(root, 'venv-'))
  expect((await run('python3', ['-m', 'venv', venv])).code).toBe(0)
  const py = path.join(venv, 'bin', 'python')
  const pip = await run(py, [
    ...['-m', 'pip', 'install', '--no-cache-dir', '--disable-pip-version-check', '--no-deps'],
    ...(pre ? ['--pre'] : []),
    ...['--index-url', index, spec]
  ])
  expect(pip.code, pip.output).toBe(0)
  const v = await run(py, [
    '-c',
    'import importlib.metadata as m, dwpub; print(m.version("dwpub"), dwpub.ANSWER)'
  ])
  return v.output.trim()
}

function expectNoToken(r: { log: string; summary: string; outputs: Record<string, string> }): void {
  // The only place a token may appear is the runner's mask commands, sent before anything else (the raw
  // tokens among them; the encoded forms a credential travels in follow them).
  const lines = r.log.split('\n')
  const masks = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('::add-mask::'))
  )
  expect(masks).toEqual(
    expect.arrayContaining([`::add-mask::${NIGHTLY_TOKEN}`, `::add-mask::${STAGING_TOKEN}`])
  )
  expect(lines.slice(masks.length).some((l) => l.startsWith('::add-mask::'))).toBe(false)
  const log = lines.filter((l) => !l.startsWith('::add-mask::')).join('\n')
  for (const t of [STAGING_TOKEN, NIGHTLY_TOKEN]) {
    expect(log).not.toContain(t)
    expect(r.summary).not.toContain(t)
    expect(JSON.stringify(r.outputs)).not.toContain(t)
  }
}

describe('publish through the runner', () => {
  it('a required upload without its token fails before anything is cloned or built', async () => {
    const before = server.requests.length
    const r = await runAction({
      inputs: { ...common(), 'build-commit': '0.3.0', 'staging-token': '' },
      event: 'push',
      traceGit: true
    })
    expect(r.exitCode).toBe(1)
    expect(r.log).toMatch(/::error::Input 'staging-token': it is empty, but this run uploads to staging/)
    expect(r.log).toContain('secrets.MULTIBUILD_WHEELS_STAGING_ACCESS')
    expect(r.gitCalls).toEqual([])
    expect(server.requests.length).toBe(before)
  })

  it('push of a tag: built, tested, uploaded to staging; pip installs it from the index', async () => {
    // The test command records the environment it was given: no token, no input, may be in it.
    const envDump = path.join(root, 'test-env.txt')
    const r = await runAction({
      inputs: {
        ...common(),
        'build-commit': '0.3.0',
        'test-command': `env > "$DW_ENV_DUMP" && ${TEST_COMMAND}`
      },
      env: { DW_ENV_DUMP: envDump },
      event: 'push',
      timeoutMs: 880_000
    })
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    const childEnv = fs.readFileSync(envDump, 'utf8')
    expect(childEnv).toContain('MPLBACKEND=Agg')
    for (const t of [STAGING_TOKEN, NIGHTLY_TOKEN]) expect(childEnv).not.toContain(t)
    expect(childEnv).not.toMatch(/^INPUT_/m)
    expect(JSON.parse(r.outputs['upload-target'])).toMatchObject({
      target: 'staging',
      channel: 'multibuild-wheels-staging',
      labels: ['main'],
      ifExists: 'fail'
    })
    const wheels = JSON.parse(r.outputs.wheels) as string[]
    expect(wheels.map((w) => path.basename(w))).toEqual(['dwpub-0.3.0-py3-none-any.whl'])
    const stored = server.files('multibuild-wheels-staging')
    expect(stored.map((f) => [f.basename, f.sha256])).toEqual([[path.basename(wheels[0]), sha256(wheels[0])]])
    expect(JSON.parse(r.outputs.uploaded)).toEqual([
      `${server.url}/download/multibuild-wheels-staging/dwpub/0.3.0/dwpub-0.3.0-py3-none-any.whl`
    ])
    expect(r.summary).toContain(
      'pip install --pre --index-url https://pypi.anaconda.org/multibuild-wheels-staging/simple dwpub'
    )
    expectNoToken(r)
    expect(await pipInstall(server.simpleUrl('multibuild-wheels-staging'), 'dwpub==0.3.0')).toBe('0.3.0 42')
    expect(
      server.requests.some((q) => q.method === 'GET' && q.path.endsWith('/dwpub-0.3.0-py3-none-any.whl'))
    ).toBe(true)
  })

  it('schedule: master built and uploaded to nightly under label dev; pip installs it with --pre', async () => {
    const inputs = { ...common(), labels: 'dev' }
    const r = await runAction({ inputs, event: 'schedule', timeoutMs: 880_000 })
    expect(r.exitCode, r.log.slice(-6000)).toBe(0)
    expect(JSON.parse(r.outputs['upload-target'])).toMatchObject({
      target: 'nightly',
      channel: 'scipy-wheels-nightly',
      labels: ['dev'],
      ifExists: 'replace'
    })
    const wheel = (JSON.parse(r.outputs.wheels) as string[])[0]
    expect(path.basename(wheel)).toBe('dwpub-0.4.0.dev0-py3-none-any.whl')
    const stored = server.files('scipy-wheels-nightly')
    expect(stored.map((f) => [f.basename, f.sha256, f.labels])).toEqual([
      [path.basename(wheel), sha256(wheel), ['dev']]
    ])
    expect(r.summary).toContain('https://pypi.anaconda.org/scipy-wheels-nightly/label/dev/simple dwpub')
    expectNoToken(r)
    expect(await pipInstall(server.simpleUrl('scipy-wheels-nightly', 'dev'), 'dwpub', true)).toBe(
      '0.4.0.dev0 42'
    )
  })
})
