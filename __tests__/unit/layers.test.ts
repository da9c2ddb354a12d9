/** src/'s layering: a module imports only modules of its own layer or below, and no import cycle exists. */
import * as fs from 'node:fs'
import * as path from 'node:path'
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

function imports(): Map<string, string[]> {
  const graph = new Map<string, string[]>()
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.d.ts')
  )
  for (const f of files) {
    const mod = f.replace(/\\/g, '/').replace(/\.ts$/, '')
    const text = fs.readFileSync(path.join(SRC, f), 'utf8')
    const deps = [...text.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)].map((m) =>
      path.posix.normalize(path.posix.join(path.posix.dirname(mod), m[1]))
    )
    graph.set(mod, [...new Set(deps)])
  }
  return graph
}

describe('src layering', () => {
  const graph = imports()

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
