/** getInputs through the real core.getInput: INPUT_* variables as the runner sets them. */
import { afterEach, describe, expect, it } from 'vitest'
import type { HostFacts } from '../../src/host.js'
import {
  getInputs,
  insideWorkspace,
  normaliseRepository,
  parsePythonVersions,
  splitList
} from '../../src/inputs.js'
import { inputEnv } from '../harness/action.js'

const host: HostFacts = {
  platform: 'linux',
  arch: 'x86_64',
  workspace: '/ws',
  temp: '/tmp/t',
  toolCache: '/tmp/tc',
  home: '/home/u',
  cpus: 2,
  root: false,
  eventName: 'push',
  ref: 'refs/heads/master',
  workflowRef: '',
  repository: 'dipy/dipy-wheels',
  env: {}
}

const saved = { ...process.env }
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
  Object.assign(process.env, saved)
})

function withInputs(inputs: Record<string, string>): void {
  Object.assign(process.env, inputEnv(inputs))
}

describe('getInputs', () => {
  it('applies the action.yml defaults', () => {
    withInputs({ 'build-commit': '1.12.1' })
    const i = getInputs(host)
    expect(i.buildCommit).toEqual({ ref: '1.12.1', source: 'input' })
    expect(i.repository).toBe('https://github.com/dipy/dipy.git')
    expect(i.checkoutDir).toBe('/ws/dipy')
    expect(i.outputDir).toBe('/ws/wheelhouse')
    expect(i.pythonVersions).toEqual(['3.12'])
    expect(i.configSettings).toEqual([])
    expect(i.upload).toBe('auto')
    expect(i.labels).toEqual(['main'])
    expect(i.ifExists).toBeUndefined()
    expect(i.failFast).toBe(true)
    expect(i.stopAfter).toBe('publish')
    expect(i.anacondaUrl).toBe('https://api.anaconda.org')
  })

  it('masks the tokens before anything else', () => {
    const lines: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write
    try {
      withInputs({ 'build-commit': '-bad', 'nightly-token': 'tok-n', 'staging-token': 'tok-s' })
      expect(() => getInputs(host)).toThrow(/Input 'build-commit'/)
    } finally {
      process.stdout.write = write
    }
    expect(lines.join('')).toContain('::add-mask::tok-n')
    expect(lines.join('')).toContain('::add-mask::tok-s')
  })

  it.each([
    [{ upload: 'sometimes' }, 'Input \'upload\': "sometimes" is not one of auto, nightly, staging, none'],
    [{ 'if-exists': 'overwrite' }, "Input 'if-exists'"],
    [{ 'dry-run': 'maybe' }, 'Input \'dry-run\': "maybe" is not a boolean'],
    [{ 'fail-fast': 'yes please' }, "Input 'fail-fast'"],
    [{ 'keep-versions': '-1' }, "Input 'keep-versions'"],
    [{ 'python-version': '3' }, 'Input \'python-version\': "3" is not a CPython minor version'],
    [{ 'python-version': ' ' }, "Input 'python-version': it is empty"],
    [{ 'config-settings': 'compile-args' }, 'Input \'config-settings\': "compile-args" is not key=value'],
    [{ 'output-dir': '../out' }, "Input 'output-dir'"],
    [{ path: '/etc' }, "Input 'path'"],
    [{ repository: '--upload-pack=x' }, "Input 'repository'"],
    [{ 'stop-after': 'repair' }, "Input 'stop-after'"],
    [{ artifact: 'yes' }, "Input 'artifact'"],
    [{ labels: ' , ' }, "Input 'labels'"]
  ])('refuses %j with a message naming the input', (bad, message) => {
    withInputs({ 'build-commit': '1.12.1', ...bad })
    expect(() => getInputs(host)).toThrow(message)
  })
})

describe('input helpers', () => {
  it('splits lists on spaces, commas and newlines', () => {
    expect(splitList(' 3.10, 3.11\n3.12 ')).toEqual(['3.10', '3.11', '3.12'])
    expect(parsePythonVersions('3.11 3.11 3.12')).toEqual(['3.11', '3.12'])
  })

  it('keeps paths inside the workspace', () => {
    expect(insideWorkspace('path', 'a/b', '/ws')).toBe('/ws/a/b')
    expect(() => insideWorkspace('path', 'a/../../x', '/ws')).toThrow(/outside the workspace/)
    expect(() => insideWorkspace('path', '.', '/ws')).toThrow(/workspace itself/)
  })

  it('makes local repositories absolute and keeps URLs', () => {
    expect(normaliseRepository('../dipy.git', '/ws/sub')).toBe('/ws/dipy.git')
    expect(normaliseRepository('file:///srv/dipy.git', '/ws')).toBe('file:///srv/dipy.git')
    expect(normaliseRepository('git@github.com:dipy/dipy.git', '/ws')).toBe('git@github.com:dipy/dipy.git')
  })
})
