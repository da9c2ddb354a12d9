/**
 * src/'s layering: a module imports only modules of its own layer or below, no import cycle exists between
 * modules, and none between src's directories and the files at its root. Imports are read with the TypeScript
 * compiler's own parser (scripts/module-map.mjs, which prints the same graph): static imports, re-exports,
 * type-only imports, `import('…')` calls and `import('…')` in a type position all count.
 */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { directoryCycles, moduleGraph, specifiers } from '../../scripts/module-map.mjs'

const SRC = path.resolve(__dirname, '../../src')

/** Lowest first. A module's layer is that of its longest matching prefix. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['util/', 'errors', 'log-headline', 'exec', 'heartbeat', 'command', 'host', 'workflow-siblings', 'recipe'],
  // What differs by OS: the modules of the next layer ask it, it asks none of them (its hooks get what they
  // need from below: recipe.ts's Recipe, its own tags and markers).
  ['platforms/'],
  ['ref', 'dependencies/', 'cache/', 'container/', 'python/', 'publish/', 'validate/'],
  ['inputs'],
  ['plan/'],
  ['stages/', 'release/'],
  ['report', 'pipeline'],
  ['main', 'cli', 'cli-plan', 'cli/', 'index']
]

function layerOf(mod: string): number {
  let best = -1
  let len = -1
  LAYERS.forEach((names, i) => {
    for (const n of names) {
      const hit = n.endsWith('/') ? mod.startsWith(n) : mod === n
      if (hit && n.length > len) [best, len] = [i, n.length]
    }
  })
  return best
}

/** Module → the modules of src it imports (scripts/module-map.mjs reads them with the TypeScript parser). */
function imports(): Map<string, string[]> {
  return new Map([...moduleGraph(SRC)].map(([mod, m]) => [mod, m.imports]))
}

describe('src layering', () => {
  const graph = imports()

  it('reads dynamic imports, re-exports and type imports too (the parser, not a pattern)', () => {
    const text = [
      "import { a } from './a.js'",
      "export { b } from '../b.js'",
      "const c = await import('./c.js')",
      "type D = import('./d.js').D",
      "import type { E } from './e.js'",
      'const f = await import(name)'
    ].join('\n')
    expect(specifiers('x.ts', text)).toEqual([
      './a.js',
      '../b.js',
      './c.js',
      './d.js',
      './e.js',
      '<computed>'
    ])
  })

  it('no module imports a computed specifier (the graph would not see it)', () => {
    const computed: string[] = []
    for (const f of fs.readdirSync(SRC, { recursive: true }) as string[]) {
      if (!f.endsWith('.ts')) continue
      if (specifiers(f, fs.readFileSync(path.join(SRC, f), 'utf8')).includes('<computed>')) computed.push(f)
    }
    expect(computed).toEqual([])
  })

  it('puts every module in a layer', () => {
    expect([...graph.keys()].filter((m) => layerOf(m) < 0)).toEqual([])
  })

  it('never imports a higher layer', () => {
    const up: string[] = []
    for (const [mod, deps] of graph) {
      for (const d of deps) if (graph.has(d) && layerOf(d) > layerOf(mod)) up.push(`${mod} → ${d}`)
    }
    expect(up).toEqual([])
  })

  it('has no import cycle', () => {
    const cycles: string[] = []
    const state = new Map<string, 'open' | 'done'>()
    const visit = (mod: string, trail: string[]): void => {
      if (state.get(mod) === 'done') return
      if (state.get(mod) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(mod)), mod].join(' → '))
        return
      }
      state.set(mod, 'open')
      for (const d of graph.get(mod) ?? []) if (graph.has(d)) visit(d, [...trail, mod])
      state.set(mod, 'done')
    }
    for (const mod of graph.keys()) visit(mod, [])
    expect(cycles).toEqual([])
  })

  // A directory is one node here, a file at src/'s root another: `errors → util/x` with `util/y → errors` is a cycle.
  it('has no import cycle between directories and the files at src/ (platforms/ below python/, errors below util/)', () => {
    expect(directoryCycles(moduleGraph(SRC))).toEqual([])
  })

  it('finds a cycle between directories, or a root file and a directory, when there is one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-layers-'))
    try {
      const put = (f: string, text: string): void => {
        fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
        fs.writeFileSync(path.join(dir, f), text)
      }
      put('a/x.ts', "import { y } from '../b/y.js'\nexport const x = y\n")
      put('b/y.ts', 'export const y = 1\n')
      put('b/z.ts', "export const z = async () => (await import('../a/x.js')).x\n")
      put('c/w.ts', "import { y } from '../b/y.js'\nexport const w = y\n")
      put('r.ts', "import { w } from './c/w.js'\nexport const r = w\n")
      put('c/v.ts', "import { r } from '../r.js'\nexport const v = r\n")
      expect(directoryCycles(moduleGraph(dir))).toEqual([
        'a/ ⇄ b/: a/x → b/y, b/z → a/x',
        'c/ ⇄ r: c/v → r, r → c/w'
      ])
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
