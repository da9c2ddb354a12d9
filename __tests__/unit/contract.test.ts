/**
 * The action's contract: action.yml against the code and the workflows that use it. actionlint checks the
 * workflows on GitHub; this keeps the same promises checkable offline.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const root = fileURLToPath(new URL('../..', import.meta.url))
const read = (rel: string): string => fs.readFileSync(path.join(root, rel), 'utf8')

interface ActionYml {
  name: string
  description: string
  inputs: Record<string, { description?: string; default?: unknown; required?: boolean }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}
const action = parse(read('action.yml')) as ActionYml

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : []
  })
}

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(action.runs.using).toBe('node24')
    expect(action.runs.main).toBe('dist/index.js')
    expect(fs.existsSync(path.join(root, action.runs.main))).toBe(true)
    expect(action.name && action.description).toBeTruthy()
  })

  it('describes every input with a string default, and every output', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toBeTruthy()
      expect(typeof input.default, name).toBe('string')
      expect(input.required ?? false, name).toBe(false)
    }
    for (const [name, output] of Object.entries(action.outputs)) expect(output.description, name).toBeTruthy()
  })

  // The build's inputs are read in src/inputs.ts, the release's in src/release/inputs.ts.
  const readers = [path.join('src', 'inputs.ts'), path.join('src', 'release', 'inputs.ts')]

  it('declares exactly the inputs the code reads, and only the input readers read them', () => {
    const read = new Set<string>()
    for (const file of sourceFiles(path.join(root, 'src'))) {
      const text = fs.readFileSync(file, 'utf8')
      const rel = path.relative(root, file)
      if (!readers.includes(rel)) {
        expect(text, `${rel} must not read inputs`).not.toMatch(/core\.get(Boolean|Multiline)?Input\(/)
      }
    }
    for (const reader of readers) {
      const text = fs.readFileSync(path.join(root, reader), 'utf8')
      for (const m of text.matchAll(/\bget(?:Given)?\('([a-z-]+)'\)/g)) read.add(m[1])
    }
    expect([...read].sort()).toEqual(Object.keys(action.inputs).sort())
  })

  it('sets only declared outputs', () => {
    for (const file of sourceFiles(path.join(root, 'src'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/setOutput\('([a-z-]+)'/g)) {
        expect(Object.keys(action.outputs), `${path.relative(root, file)} sets ${m[1]}`).toContain(m[1])
      }
    }
  })
})

describe('workflows', () => {
  const dir = path.join(root, '.github', 'workflows')
  const workflows = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))

  it('include the two wheel workflows and CI', () => {
    expect(workflows).toEqual(
      expect.arrayContaining(['build-wheels.yml', 'build-wheels-windows.yml', 'ci.yml'])
    )
  })

  it.each(workflows)('%s passes only declared inputs to uses: ./ and reads only declared outputs', (file) => {
    const text = fs.readFileSync(path.join(dir, file), 'utf8')
    const wf = parse(text) as {
      on?: { workflow_dispatch?: { inputs?: Record<string, unknown> } }
      jobs: Record<string, { steps?: Array<{ uses?: string; id?: string; with?: Record<string, unknown> }> }>
    }
    expect(Object.keys(wf.on?.workflow_dispatch?.inputs ?? {}).length).toBeLessThanOrEqual(25)
    const localIds = new Set<string>()
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps ?? []) {
        if (step.uses !== './') continue
        if (step.id) localIds.add(step.id)
        for (const key of Object.keys(step.with ?? {}))
          expect(Object.keys(action.inputs), `${file}: ${key}`).toContain(key)
      }
    }
    for (const m of text.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)) {
      if (localIds.has(m[1])) expect(Object.keys(action.outputs), `${file}: ${m[0]}`).toContain(m[2])
    }
  })

  it('pin every third-party action by full commit SHA with its version in a comment, one pin per action', () => {
    const pins = new Map<string, Set<string>>()
    for (const file of workflows) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8')
      for (const [, ref, rest] of text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)) {
        if (ref.startsWith('./')) continue
        expect(ref, `${file}: ${ref}`).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/)
        expect(rest, `${file}: ${ref}`).toMatch(/^ # v\d+\.\d+\.\d+$/)
        const [action, sha] = ref.split('@')
        pins.set(action, new Set([...(pins.get(action) ?? []), `${sha}${rest}`]))
      }
    }
    expect([...pins.keys()].sort()).toEqual([
      'actions/checkout',
      'actions/download-artifact',
      'actions/setup-node',
      'actions/setup-python'
    ])
    for (const [action, shas] of pins) expect([...shas], action).toHaveLength(1)
  })

  it('the wheel workflows set BUILD_COMMIT at the top, as the old system did', () => {
    for (const file of ['build-wheels.yml', 'build-wheels-windows.yml']) {
      const wf = parse(fs.readFileSync(path.join(dir, file), 'utf8'), { schema: 'failsafe' }) as {
        env?: Record<string, string>
      }
      expect(wf.env?.BUILD_COMMIT, file).toMatch(/^[\w.-]+$/)
    }
  })
})
