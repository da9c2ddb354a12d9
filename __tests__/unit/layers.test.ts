/**
 * src/'s layering: a module imports only modules of its own layer or below, and no import cycle exists.
 * Imports are read with the TypeScript compiler's own parser: static imports, re-exports, type-only
 * imports, `import('…')` calls and `import type` in a type position all count.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const SRC = path.resolve(__dirname, '../../src')

/** Lowest first. A module's layer is that of its longest matching prefix. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['util/', 'errors', 'exec', 'command', 'host', 'workflow-siblings'],
  ['ref', 'platforms/', 'dependencies/', 'cache/', 'container/', 'python/', 'publish/', 'validate/'],
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

/** Every module specifier a file names: import/export … from, import('…'), import type in types. */
export function specifiers(file: string, text: string): string[] {
  const found: string[] = []
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments
      found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : '<computed>')
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const lit = node.argument.literal
      if (ts.isStringLiteral(lit)) found.push(lit.text)
    }
    ts.forEachChild(node, visit)
  }
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true))
  return found
}

function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts')
  )
  for (const f of files) {
    const mod = f.replace(/\\/g, '/').replace(/\.ts$/, '')
    const text = fs.readFileSync(path.join(SRC, f), 'utf8')
    const deps = specifiers(f, text)
      .filter((s) => s.startsWith('.'))
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(mod), s.replace(/\.js$/, ''))))
    graph.set(mod, [...new Set(deps)])
  }
  return graph
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
})
