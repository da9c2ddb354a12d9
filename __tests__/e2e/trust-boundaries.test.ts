/**
 * Hostile and careless inputs, through the bundle as the runner runs it. For every bad value: the step
 * fails, the ::error:: names the input, and nothing happened first: no git, docker, pip or python process
 * (shims first on PATH log every call), no request at a recording server (the anaconda-url of every case),
 * no marker file created by an injection attempt, and the token never printed.
 */
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAction, type ActionRun } from '../harness/action.js'

const SECRET = 'tokTrustBoundary7Q'
const TOOLS = ['git', 'docker', 'pip', 'pip3', 'python', 'python3', 'ccache', 'sudo', 'apt-get', 'auditwheel']

// Made when the file is collected: the injection payloads in CASES name marker files under it.
const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-trust-')))
const bin = path.join(root, 'bin')
const markers = path.join(root, 'markers')
let server: http.Server
const requests: string[] = []
let api: string

beforeAll(async () => {
  fs.mkdirSync(bin)
  fs.mkdirSync(markers)
  for (const tool of TOOLS) {
    const shim = path.join(bin, tool)
    fs.writeFileSync(shim, `#!/bin/sh\nprintf '%s %s\\n' '${tool}' "$*" >> "$DW_SHIM_LOG"\nexit 97\n`)
    fs.chmodSync(shim, 0o755)
  }
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`)
    res.writeHead(500).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  fs.rmSync(root, { recursive: true, force: true })
})

const marker = (name: string): string => path.join(markers, name)

/** Valid inputs: with these alone the run gets as far as git (the control case below shows it). */
const base = (): Record<string, string> => ({
  'build-commit': '1.0.0',
  repository: 'https://github.com/dipy/dipy.git',
  'anaconda-url': api,
  'nightly-token': SECRET,
  'staging-token': SECRET,
  // On the host: with a container the engine is checked before the clone, and the shims stop it there.
  container: 'off'
})

let runCount = 0
async function run(
  inputs: Record<string, string>,
  opts: { event?: string; prepare?: (runRoot: string) => void } = {}
): Promise<{ r: ActionRun; calls: string[] }> {
  const runRoot = path.join(root, `run-${runCount++}`)
  fs.mkdirSync(path.join(runRoot, 'ws'), { recursive: true })
  opts.prepare?.(runRoot)
  const shimLog = path.join(runRoot, 'calls.log')
  fs.writeFileSync(shimLog, '')
  const r = await runAction({
    root: runRoot,
    event: opts.event ?? 'push',
    inputs: { ...base(), ...inputs },
    env: { PATH: `${bin}${path.delimiter}${process.env.PATH ?? '/usr/bin:/bin'}`, DW_SHIM_LOG: shimLog },
    timeoutMs: 60_000
  })
  return { r, calls: fs.readFileSync(shimLog, 'utf8').split('\n').filter(Boolean) }
}

/** The log without the runner's own mask commands (the only place the action may write a token). */
const withoutMasks = (log: string): string =>
  log
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n')

type Case = [input: string, value: string, opts?: { event?: string; prepare?: (runRoot: string) => void }]

const escapeLink = (dir: string) => (runRoot: string) => {
  fs.mkdirSync(path.join(runRoot, 'outside'), { recursive: true })
  fs.symlinkSync(path.join(runRoot, 'outside'), path.join(runRoot, 'ws', dir))
}

const CASES: Case[] = [
  // Endpoints that would receive the token.
  ['anaconda-url', 'http://example.org'],
  ['anaconda-url', 'file:///etc/passwd'],
  ['anaconda-url', 'ftp://127.0.0.1/'],
  ['anaconda-url', 'api.anaconda.org'],
  ['anaconda-url', 'https://user:pw@api.anaconda.org'],
  // Tokens.
  ['nightly-token', `${SECRET}\nX-Injected: 1`],
  ['staging-token', `${SECRET}\r${SECRET}`],
  ['staging-token', `${SECRET} ${SECRET}`],
  // anaconda.org names that go into request paths.
  ['labels', 'main/../../admin'],
  ['labels', '..'],
  ['labels', 'ma%2Fin'],
  ['nightly-channel', '../admin'],
  ['staging-channel', 'multibuild wheels'],
  ['staging-channel', 'a/b'],
  // Repositories.
  ['repository', `ext::sh -c touch% ${marker('ext')}`],
  ['repository', 'fd::3'],
  ['repository', `ssh://-oProxyCommand=touch%20${marker('ssh')}/r`],
  ['repository', '--upload-pack=touch /tmp/x'],
  ['repository', `https://github.com/dipy/dipy.git\n--upload-pack=touch ${marker('nl')}`],
  ['repository', 'ftp://example.org/dipy.git'],
  // Refs.
  ['build-commit', '@'],
  ['build-commit', `--upload-pack=touch ${marker('ref')}`],
  ['build-commit', `$(touch ${marker('subst')})`],
  ['build-commit', 'v1..2'],
  ['build-commit', 'topic.lock'],
  ['nightly-ref', '@'],
  ['nightly-ref', 'a b'],
  // Workspace paths.
  ['path', '../outside'],
  ['path', '/etc'],
  ['path', 'escape', { prepare: escapeLink('escape') }],
  ['path', 'escape/dipy', { prepare: escapeLink('escape') }],
  ['output-dir', '../../wheels'],
  ['output-dir', 'out/wheelhouse', { prepare: escapeLink('out') }],
  // Container images.
  ['container', '--privileged'],
  ['container', '-v/:/host'],
  ['container', `img;touch ${marker('img')}`],
  ['container', 'Quay.io/PyPA/Image'],
  // Build and test options.
  ['config-settings', '=value'],
  ['config-settings', '-Cfoo=1'],
  ['artifact-name', '..'],
  ['artifact-name', 'a/b'],
  ['test-requires', '--index-url=https://example.org/simple'],
  ['test-requires', '-rrequirements.txt'],
  ['test-requires', 'pkg@https://example.org/x.whl'],
  ['test-command', 'pytest\u001b]0;x\u0007'],
  // Dependency recipes.
  [
    'dependencies',
    `- {name: z, version: '1', source: 'ext::sh -c touch% ${marker('dep')}', ref: v1, build: cmake}`
  ],
  ['dependencies', `- {name: z, version: '1', source: 'https://example.org/z.git', ref: '@', build: cmake}`],
  [
    'dependencies',
    `- {name: z, version: '1', source: 'ftp://example.org/z.tgz', sha256: ${'a'.repeat(64)}, build: cmake}`
  ],
  [
    'dependencies',
    `- {name: z, version: '1', source: 'http://example.org/z.tgz', sha256: ${'a'.repeat(64)}, build: cmake}`
  ],
  // Wrong types and values.
  ['python-version', '3.12;touch'],
  ['manylinux', '2_28 x'],
  ['keep-versions', '-1'],
  ['keep-versions', '1e3'],
  ['if-exists', 'overwrite'],
  ['upload', 'everything'],
  ['stop-after', 'deploy'],
  ['compiler-cache', 'maybe'],
  ['artifact', 'sometimes']
]

describe('every bad input fails before anything runs', () => {
  it('control: with valid inputs the run does reach git (the shims and the server are watching)', async () => {
    const { r, calls } = await run({})
    expect(r.exitCode).not.toBe(0)
    expect(calls.some((c) => c.startsWith('git ') && c.includes('clone'))).toBe(true)
    expect(calls.find((c) => c.includes('clone'))).toContain('protocol.ext.allow=never')
    expect(withoutMasks(r.log)).not.toContain(SECRET)
  })

  it.concurrent.each(CASES)('%s = %j', async (input, value, opts = {}) => {
    const { r, calls } = await run({ [input]: value }, opts)
    expect(r.exitCode, r.log).not.toBe(0)
    expect(r.log).toMatch(new RegExp(`^::error::Input '${input}': `, 'm'))
    expect(calls, 'no external process may run').toEqual([])
    expect(requests, 'no request may be sent').toEqual([])
    expect(fs.readdirSync(markers), 'no injected command may run').toEqual([])
    expect(withoutMasks(r.log)).not.toContain(SECRET)
    // The workspace holds nothing new, and nothing appeared next to it.
    expect(fs.readdirSync(r.workspace).filter((f) => !['escape', 'out'].includes(f))).toEqual([])
    if (opts.prepare) expect(fs.readdirSync(path.join(r.root, 'outside'))).toEqual([])
  })
})
