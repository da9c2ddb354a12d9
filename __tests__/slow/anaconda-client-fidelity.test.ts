/**
 * Fidelity of the fake anaconda.org against the real anaconda-client 1.14.1 (.venv-test): upload in the
 * default, --force and --skip-existing modes, remove, show, and pip installing from its simple index.
 * The request sequences are the ones anaconda-client 1.14 makes (binstar_client/__init__.py, commands/upload.py, commands/remove.py).
 */
import { execFile } from 'node:child_process'
import * as fs from 'node:fs/promises'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../harness/action.js'
import { makeWheel } from '../harness/wheel-factory.js'
import { startAnacondaServer, type AnacondaServer } from '../servers/anaconda/index.js'

const ANACONDA = path.join(REPO_ROOT, '.venv-test', 'bin', 'anaconda')
const OWNER = 'scientific-python-nightly-wheels'
const W = 'tokFidelityWrite1'
const R = 'tokFidelityRead1'
const VERSION = '1.0.dev0+git20240101.abc123'
const Q = encodeURIComponent

let server: AnacondaServer
let tmp: string
let demo: string
let dep: string

interface Run {
  code: number
  output: string
}

/** The environment of the child processes: nothing from the machine's pip/conda/anaconda configuration. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(PIP_|BINSTAR_|ANACONDA_|CONDA_|PYTHON|VIRTUAL_ENV)/.test(k)) env[k] = v
  }
  return { ...env, HOME: tmp, PIP_CONFIG_FILE: os.devNull, PIP_NO_CACHE_DIR: '1', ...extra }
}

function run(cmd: string, args: string[], env = cleanEnv()): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd: tmp, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, output: `${stdout}\n${stderr}` })
    })
  })
}

const anaconda = (...args: string[]): Promise<Run> =>
  run(ANACONDA, args, cleanEnv({ BINSTAR_CONFIG_DIR: path.join(tmp, 'binstar') }))

/** The requests made while running fn, as `METHOD path status`, with the S3 dist id masked. */
async function traced(fn: () => Promise<Run>): Promise<{ run: Run; seq: string[] }> {
  const start = server.requests.length
  const result = await fn()
  const seq = server.requests
    .slice(start)
    .map((r) => `${r.method} ${r.path.replace(/^\/s3\/upload\/\w+$/, '/s3/upload/ID')} ${r.status}`)
  return { run: result, seq }
}

const demoBasename = `dwdemo-${VERSION}-py3-none-any.whl`
const distPath = `/dist/${OWNER}/dwdemo/${VERSION}/${demoBasename}` // raw `+`, as requests sends it
const tail = `${OWNER}/dwdemo/${VERSION}/${Q(demoBasename)}` // stage/commit quote the basename only
const CREATE_AND_UPLOAD = [
  `GET /package/${OWNER}/dwdemo 404`,
  `POST /package/${OWNER}/dwdemo 200`,
  `GET /release/${OWNER}/dwdemo/${VERSION} 404`,
  `POST /release/${OWNER}/dwdemo/${VERSION} 200`,
  `POST /stage/${tail} 200`,
  'POST /s3/upload/ID 201',
  `POST /commit/${tail} 200`
]

/** A dwdemo wheel whose module reports `flavour` (same file name, different bytes). */
const demoWheel = (flavour: string): Promise<string> =>
  makeWheel(path.join(tmp, flavour), {
    name: 'dwdemo',
    version: VERSION,
    summary: 'Fake anaconda.org fidelity demo',
    requires: ['dwdep>=2.0'],
    module: `import dwdep\nFLAVOUR = ${JSON.stringify(flavour)}\nDEP = dwdep.VALUE\n`
  })

beforeAll(async () => {
  await fs.access(ANACONDA) // the test tools venv must exist (.ci/run builds it from requirements/test.txt)
  server = await startAnacondaServer({
    tokens: {
      [W]: { login: 'alice', scopes: ['api:read', 'api:write'] },
      [R]: { login: 'bob', scopes: ['api:read'] }
    }
  })
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'anaconda-fidelity-'))
  await fs.mkdir(path.join(tmp, 'binstar', 'data'), { recursive: true })
  await fs.writeFile(path.join(tmp, 'binstar', 'data', 'config.yaml'), `url: ${server.url}\n`)
  demo = await demoWheel('first')
  dep = await makeWheel(path.join(tmp, 'dep'), { name: 'dwdep', version: '2.0', module: 'VALUE = 42\n' })
})
afterAll(async () => {
  await server?.close()
  if (tmp) await fs.rm(tmp, { recursive: true, force: true })
})

describe('anaconda-client upload against the fake server', () => {
  it('a plain upload makes exactly the §1.2 request sequence and stores the exact bytes', async () => {
    const { run: r, seq } = await traced(() =>
      anaconda('-t', W, 'upload', '-u', OWNER, '--label', 'main', demo)
    )
    expect(r.code, r.output).toBe(0)
    expect(seq).toEqual(['HEAD / 200', `GET /user/${OWNER} 200`, `GET ${distPath} 404`, ...CREATE_AND_UPLOAD])
    const [file] = server.files(OWNER)
    expect(file).toMatchObject({ name: 'dwdemo', version: VERSION, basename: demoBasename, labels: ['main'] })
    expect(file.data.equals(await fs.readFile(demo))).toBe(true)
  })

  it('a plain upload of an existing file fails after the existence check and changes nothing', async () => {
    const before = server.files(OWNER)
    const { run: r, seq } = await traced(() =>
      anaconda('-t', W, 'upload', '-u', OWNER, '--label', 'main', demo)
    )
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('already exists')
    expect(seq).toEqual(['HEAD / 200', `GET /user/${OWNER} 200`, `GET ${distPath} 200`])
    expect(server.files(OWNER)).toEqual(before)
  })

  it('--force twice replaces the file: DELETE dist, then the GC-ed package and release are created again', async () => {
    for (const flavour of ['second', 'third']) {
      const wheel = await demoWheel(flavour)
      const { run: r, seq } = await traced(() =>
        anaconda('-t', W, 'upload', '-u', OWNER, '--label', 'main', '--force', wheel)
      )
      expect(r.code, r.output).toBe(0)
      expect(seq).toEqual([
        'HEAD / 200',
        `GET /user/${OWNER} 200`,
        `GET ${distPath} 200`,
        `DELETE ${distPath} 200`,
        ...CREATE_AND_UPLOAD
      ])
      const files = server.files(OWNER)
      expect(files.map((f) => f.basename)).toEqual([demoBasename])
      expect(files[0].data.equals(await fs.readFile(wheel))).toBe(true)
      const served = await fetch(`${server.url}/${OWNER}/simple/dwdemo/${Q(VERSION)}/${Q(demoBasename)}`)
      expect(Buffer.from(await served.arrayBuffer()).equals(await fs.readFile(wheel))).toBe(true)
    }
  })

  it('--skip-existing stops after the existence check', async () => {
    const before = server.files(OWNER)
    const { run: r, seq } = await traced(() =>
      anaconda('-t', W, 'upload', '-u', OWNER, '--skip-existing', demo)
    )
    expect(r.code, r.output).toBe(0)
    expect(r.output).toContain('Distribution already exists. Skipping upload.')
    expect(seq).toEqual(['HEAD / 200', `GET /user/${OWNER} 200`, `GET ${distPath} 200`])
    expect(server.files(OWNER)).toEqual(before)
  })

  it('a read-only token fails with the api:write scope message', async () => {
    const { run: r, seq } = await traced(() => anaconda('-t', R, 'upload', '-u', OWNER, '--force', dep))
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('expected: api:write')
    expect(seq.at(-1)).toBe(`POST /package/${OWNER}/dwdep 401`)
    expect(server.files(OWNER).map((f) => f.name)).toEqual(['dwdemo'])
  })

  it('uploads to several labels with repeated --label', async () => {
    const r = await anaconda('-t', W, 'upload', '-u', OWNER, '--label', 'main', '--label', 'nightly', dep)
    expect(r.code, r.output).toBe(0)
    expect(server.files(OWNER).find((f) => f.name === 'dwdep')?.labels).toEqual(['main', 'nightly'])
    const nightly = await (await fetch(`${server.simpleUrl(OWNER, 'nightly')}/`)).text()
    expect(nightly).toContain('>dwdep</a>')
  })
})

describe('anaconda-client against injected faults and big files', () => {
  afterAll(() => server.setFaults(undefined))

  it('an S3 failure makes the client clean up the release and package it created (XML error parsed)', async () => {
    server.setFaults({ rate: 1, kinds: ['5xx'], match: (_m, p) => p.startsWith('/s3/') })
    const wheel = await makeWheel(path.join(tmp, 'failing'), { name: 'dwfail', version: '0.1' })
    const { run: r, seq } = await traced(() => anaconda('-t', W, 'upload', '-u', OWNER, wheel))
    expect(r.code).not.toBe(0)
    expect(r.output).toContain('SlowDown')
    const tailFail = `${OWNER}/dwfail/0.1/dwfail-0.1-py3-none-any.whl`
    expect(seq.slice(-6)).toEqual([
      `POST /stage/${tailFail} 200`,
      'POST /s3/upload/ID 503',
      `GET /release/${OWNER}/dwfail/0.1 200`,
      `DELETE /release/${OWNER}/dwfail/0.1 201`,
      `GET /package/${OWNER}/dwfail 200`,
      `DELETE /package/${OWNER}/dwfail 201`
    ])
    expect((await fetch(`${server.url}/package/${OWNER}/dwfail`)).status).toBe(404)
  })

  it('uploads an 8 MB wheel byte for byte', async () => {
    server.setFaults(undefined)
    const big = await makeWheel(path.join(tmp, 'big'), {
      name: 'dwbig',
      version: '1.0',
      sizeBytes: 8 * 1024 * 1024
    })
    const t0 = performance.now()
    const r = await anaconda('-t', W, 'upload', '-u', OWNER, big)
    expect(r.code, r.output).toBe(0)
    const stored = server.files(OWNER).find((f) => f.name === 'dwbig')
    expect(stored?.size).toBe(8 * 1024 * 1024)
    expect(stored?.data.equals(await fs.readFile(big))).toBe(true)
    expect(performance.now() - t0).toBeLessThan(30_000)
  })
})

describe('anaconda show and pip install from the simple index', () => {
  it('anaconda show OWNER/NAME and OWNER read the package and the owner', async () => {
    const pkg = await anaconda('show', `${OWNER}/dwdemo`)
    expect(pkg.code, pkg.output).toBe(0)
    expect(pkg.output).toContain('Summary: Fake anaconda.org fidelity demo')
    expect(pkg.output).toContain(`+ ${VERSION}`)
    const { run: owner, seq } = await traced(() => anaconda('show', OWNER))
    expect(owner.code, owner.output).toBe(0)
    expect(owner.output).toContain(`Username: ${OWNER}`)
    expect(owner.output).toContain(`${OWNER}/dwdemo`)
    expect(owner.output).toContain(`${OWNER}/dwdep`)
    expect(seq).toEqual([`GET /user/${OWNER} 200`, `GET /packages/${OWNER} 200`])
  })

  it('pip installs the package and its dependency from the index in a clean venv; it imports', async () => {
    const venv = path.join(tmp, 'venv')
    expect((await run('python3', ['-m', 'venv', venv])).code).toBe(0)
    const pip = await run(path.join(venv, 'bin', 'python'), [
      ...['-m', 'pip', 'install', '--pre', '--no-cache-dir', '--disable-pip-version-check'],
      ...['--index-url', server.simpleUrl(OWNER), 'dwdemo']
    ])
    expect(pip.code, pip.output).toBe(0)
    const imported = await run(path.join(venv, 'bin', 'python'), [
      '-c',
      'import dwdemo; print(dwdemo.FLAVOUR, dwdemo.DEP, dwdemo.__name__)'
    ])
    expect(imported.output.trim()).toBe('third 42 dwdemo')
    expect(server.requests.some((r) => r.path === `/${OWNER}/simple/dwdep/` && r.status === 200)).toBe(true)
  })
})

describe('anaconda remove against the fake server', () => {
  it('removes a release (DELETE /release 201, no HEAD or user calls) and a file (DELETE /dist 200)', async () => {
    const v2 = await makeWheel(path.join(tmp, 'v2'), { name: 'dwdemo', version: '2.0' })
    expect((await anaconda('-t', W, 'upload', '-u', OWNER, v2)).code).toBe(0)
    const release = await traced(() => anaconda('-t', W, 'remove', '--force', `${OWNER}/dwdemo/2.0`))
    expect(release.run.code, release.run.output).toBe(0)
    expect(release.seq).toEqual([`DELETE /release/${OWNER}/dwdemo/2.0 201`])
    expect(
      server
        .files(OWNER)
        .filter((f) => f.name === 'dwdemo')
        .map((f) => f.version)
    ).toEqual([VERSION])

    const file = await traced(() =>
      anaconda('-t', W, 'remove', '--force', `${OWNER}/dwdemo/${VERSION}/${demoBasename}`)
    )
    expect(file.run.code, file.run.output).toBe(0)
    expect(file.seq).toEqual([`DELETE ${distPath} 200`])
    expect(server.files(OWNER).filter((f) => f.name === 'dwdemo')).toEqual([])
    const gone = await fetch(`${server.url}/package/${OWNER}/dwdemo`)
    expect(gone.status).toBe(404) // the package went with its last file
  })
})
