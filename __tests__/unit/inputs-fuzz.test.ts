/**
 * A bounded fuzz pass over the input parser: for any values of the inputs (valid ones, random text,
 * hostile fragments), getInputs either returns inputs that keep every rule, or throws an InputError.
 * Never another exception, never a value that breaks a rule.
 */
import * as fc from 'fast-check'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { InputError } from '../../src/errors.js'
import type { HostFacts } from '../../src/host.js'
import { getInputs, type ActionInputs } from '../../src/inputs.js'
import { inputEnv } from '../harness/action.js'

let ws: string
beforeAll(() => {
  ws = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dw-fuzz-')))
  fs.mkdirSync(path.join(ws, 'inside'))
  fs.symlinkSync(os.tmpdir(), path.join(ws, 'escape'))
})
afterAll(() => fs.rmSync(ws, { recursive: true, force: true }))

const saved = { ...process.env }
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
  vi.restoreAllMocks()
})

/** Pieces an attacker or a typo would use. */
const HOSTILE = [
  '',
  ' ',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b[31m',
  '\u2028',
  '..',
  '../',
  '/',
  '//',
  '\\',
  '-',
  '--',
  '--upload-pack=touch /tmp/x',
  'ext::sh -c touch% /tmp/x',
  'fd::3',
  'ssh://-oProxyCommand=x/',
  '@',
  '@{',
  '~',
  '^',
  ':',
  '?',
  '*',
  '[',
  '.lock',
  '$(touch /tmp/x)',
  '`id`',
  ';',
  '|',
  '&&',
  '%0A',
  '%2F',
  'é',
  '=',
  ',',
  'http://',
  'https://',
  'file://',
  'ftp://',
  'user:pw@',
  'localhost',
  '127.0.0.1',
  'example.org',
  'escape',
  'inside',
  'main',
  '3.12',
  '3.',
  'auto',
  'off',
  'true',
  'false',
  '2_28',
  '1.0.0',
  'a'.repeat(300)
]

const VALID: Record<string, string[]> = {
  'build-commit': ['1.12.1', 'master', 'maint/1.12.x', 'a1b2c3d'],
  'nightly-ref': ['master', 'main'],
  repository: [
    'https://github.com/dipy/dipy.git',
    'git@github.com:dipy/dipy.git',
    '../dipy',
    'file:///srv/d.git'
  ],
  path: ['dipy', 'inside/dipy', 'src/dipy'],
  'python-version': ['3.12', '3.11 3.12', '3.13,3.14'],
  'config-settings': ['compile-args=-v', 'setup-args=-Dblas=openblas, compile-args=-j2'],
  container: ['auto', 'off', 'quay.io/pypa/manylinux_2_28_x86_64', 'ubuntu:24.04'],
  manylinux: ['auto', '2014', '2_28'],
  'output-dir': ['wheelhouse', 'inside/wheels'],
  'test-requires': ['pytest', 'pytest scipy>=1.10', 'numpy>=1.26,<3'],
  'test-command': ['', 'none', 'python -c "import dipy"\npytest -q'],
  upload: ['auto', 'nightly', 'staging', 'none'],
  'nightly-channel': ['scipy-wheels-nightly'],
  'staging-channel': ['multibuild-wheels-staging'],
  'nightly-token': ['', 'tok-123', 'pypi-AgEI_x=='],
  'staging-token': ['', 'tok-456'],
  labels: ['main', 'main dev', 'rc,main'],
  'anaconda-url': ['https://api.anaconda.org', 'http://127.0.0.1:8080/', 'https://example.org/api'],
  'if-exists': ['', 'fail', 'skip', 'replace'],
  'keep-versions': ['0', '5'],
  artifact: ['auto', 'false'],
  'artifact-name': ['', 'wheels-linux'],
  'stop-after': ['checkout', 'build', 'test', 'publish'],
  'compiler-cache': ['true', 'false'],
  'fail-fast': ['true', 'no'],
  'dry-run': ['false', 'yes'],
  dependencies: [
    '',
    "- {name: zlib, version: '1.3.1', source: 'https://zlib.net/zlib-1.3.1.tar.gz', sha256: " +
      `${'a'.repeat(64)}, build: cmake}`,
    "- {name: g, version: '1', source: 'https://h.example/g.git', ref: v1.0, build: meson}"
  ]
}

const NAMES = Object.keys(VALID)

/** Text an input may receive: a mix of hostile pieces and valid values, or random code points. */
const anyText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc
      .array(fc.constantFrom(...HOSTILE, ...Object.values(VALID).flat()), { maxLength: 4 })
      .map((a) => a.join(''))
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }
)

/** Valid values everywhere (or the action.yml default), then up to three inputs given any text. */
const inputs: fc.Arbitrary<Record<string, string | undefined>> = fc
  .tuple(
    fc.record(
      Object.fromEntries(
        NAMES.map((name) => [name, fc.option(fc.constantFrom(...VALID[name]), { nil: undefined, freq: 2 })])
      )
    ),
    fc.array(fc.tuple(fc.constantFrom(...NAMES), anyText), { maxLength: 3 })
  )
  .map(([valid, changed]) => ({ ...valid, ...Object.fromEntries(changed) }))

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/

/** The rules a returned value keeps, written out independently of the validators. */
function checkRules(got: ActionInputs): void {
  const inside = (p: string): boolean => p.startsWith(ws + path.sep)
  expect(inside(got.checkoutDir)).toBe(true)
  expect(inside(got.outputDir)).toBe(true)
  for (const dir of [got.checkoutDir, got.outputDir]) {
    // Whatever part exists is not a symlink out: its real path is itself.
    let existing = dir
    while (!fs.existsSync(existing)) existing = path.dirname(existing)
    expect(fs.realpathSync(existing).startsWith(ws)).toBe(true)
  }
  expect(got.anacondaUrl).toMatch(
    /^(https:\/\/[^\s/?#@]+|http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?)(\/[^\s?#]*)?$/
  )
  for (const name of [...got.labels, got.nightlyChannel, got.stagingChannel]) {
    expect(name).toMatch(NAME)
    expect(name).not.toContain('..')
  }
  for (const token of [got.nightlyToken, got.stagingToken]) expect(token).toMatch(/^[\x21-\x7e]*$/)
  const ref = got.buildCommit.ref
  // eslint-disable-next-line no-control-regex
  expect(ref).not.toMatch(/^-|\.\.|@\{|[\s~^:?*[\\\x00-\x1f\x7f]|\/$|\.$|^@$|\.lock$/)
  expect(got.repository).not.toMatch(/^-|::/)
  expect(got.repository).not.toMatch(CONTROL)
  for (const v of got.pythonVersions) expect(v).toMatch(/^3\.\d{1,2}$/)
  for (const r of got.testRequires) expect(r).toMatch(/^[A-Za-z0-9]/)
  for (const c of got.configSettings) expect(c).toMatch(/^[A-Za-z0-9_][^=\s]*=/)
  expect(got.container).toMatch(/^(auto|off|[a-z0-9[][^\s]*)$/)
  expect(got.artifactName).not.toMatch(/[":<>|*?\r\n\\/]|^\.+$/)
  expect(Number.isInteger(got.keepVersions) && got.keepVersions >= 0).toBe(true)
}

describe('getInputs under fuzzing', () => {
  it('returns inputs that keep every rule, or throws an InputError', () => {
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    const host: HostFacts = {
      platform: 'linux',
      arch: 'x86_64',
      workspace: ws,
      temp: '/tmp/t',
      toolCache: '/tmp/tc',
      home: '/tmp/home',
      cpus: 2,
      root: false,
      eventName: 'push',
      ref: 'refs/heads/master',
      workflowRef: '',
      repository: 'dipy/dipy-wheels',
      env: {}
    }
    let accepted = 0
    let refused = 0
    fc.assert(
      fc.property(inputs, fc.constantFrom('push', 'schedule', 'workflow_dispatch'), (values, eventName) => {
        const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Record<
          string,
          string
        >
        Object.assign(process.env, inputEnv({ 'build-commit': '1.0.0', ...given }))
        let got: ActionInputs
        try {
          got = getInputs({ ...host, eventName })
        } catch (err) {
          if (!(err instanceof InputError)) throw err
          refused++
          return
        }
        accepted++
        checkRules(got)
      }),
      { numRuns: 3000, interruptAfterTimeLimit: 20_000, seed: 20261202 }
    )
    // Both sides were exercised.
    process.stderr.write(`fuzz: ${accepted} accepted, ${refused} refused\n`)
    expect(accepted).toBeGreaterThan(50)
    expect(refused).toBeGreaterThan(50)
  }, 60_000)
})
