// Prints src/'s module map, as the closing notes show it: each module's lines and whom it imports, then the
// directories (files, lines), the import edges between them (how many file-level imports make each), and any
// cycle between directories with the imports that close it. __tests__/unit/layers.test.ts checks the same graph.
//
// Imports are read with the TypeScript compiler's own parser, not a pattern: static imports, re-exports,
// `import type`, `import('…')` calls and `import('…')` types all count; a computed `import(x)` is `<computed>`.
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/** Every module specifier `text` names, in source order. */
export function specifiers(file, text) {
  const found = []
  const visit = (node) => {
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

/**
 * The modules under `root` (path without `.ts`, `/`-separated): their lines, every specifier they name, and
 * the modules of `root` their relative specifiers resolve to (other files, like action.yml, are left out).
 */
export function moduleGraph(root) {
  const files = fs
    .readdirSync(root, { recursive: true })
    .map((f) => f.replace(/\\/g, '/'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .sort()
  const modules = new Map()
  for (const f of files) {
    const text = fs.readFileSync(path.join(root, f), 'utf8')
    const mod = f.replace(/\.ts$/, '')
    const names = specifiers(f, text)
    const resolved = names
      .filter((s) => s.startsWith('.'))
      .map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(mod), s.replace(/\.js$/, ''))))
    modules.set(mod, { lines: text.split('\n').length - 1, specifiers: names, resolved })
  }
  for (const m of modules.values()) m.imports = [...new Set(m.resolved.filter((d) => modules.has(d)))]
  return modules
}

/** A module's node in the directory graph: its top directory (`platforms/`), or itself at the root (`host`). */
export const directoryOf = (mod) => (mod.includes('/') ? `${mod.split('/')[0]}/` : mod)

/** Directory → directory → the file-level imports (`a/x → b/y`) that make that edge. */
export function directoryGraph(modules) {
  const dirs = new Map()
  for (const [mod, m] of modules) {
    const from = directoryOf(mod)
    if (!dirs.has(from)) dirs.set(from, new Map())
    for (const d of m.imports) {
      const to = directoryOf(d)
      if (to === from) continue
      const edges = dirs.get(from)
      if (!edges.has(to)) edges.set(to, [])
      edges.get(to).push(`${mod} → ${d}`)
    }
  }
  return dirs
}

/**
 * The cycles of a graph (node → Map or Set of nodes), as its strongly connected components of more than one
 * node (Tarjan's algorithm), each sorted; empty for a DAG.
 */
export function cycles(graph) {
  let next = 0
  const index = new Map()
  const low = new Map()
  const stack = []
  const onStack = new Set()
  const found = []
  const visit = (v) => {
    index.set(v, next)
    low.set(v, next++)
    stack.push(v)
    onStack.add(v)
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!graph.has(w)) continue
      if (!index.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v), low.get(w)))
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)))
    }
    if (low.get(v) !== index.get(v)) return
    const scc = []
    let w
    do {
      w = stack.pop()
      onStack.delete(w)
      scc.push(w)
    } while (w !== v)
    if (scc.length > 1) found.push(scc.sort())
  }
  for (const v of graph.keys()) if (!index.has(v)) visit(v)
  return found
}

/**
 * Each cycle between src's directories and the files at its root (errors, exec, host, inputs, main, ...) as one
 * line: its nodes (`util/`, `errors`), then the file-level imports between them. A directory counts as one node,
 * so `errors → util/x` and `util/y → errors` make a cycle even though no file imports itself back.
 */
export function directoryCycles(modules) {
  const dirs = directoryGraph(modules)
  return cycles(dirs).map((scc) => {
    const inside = scc.flatMap((a) => scc.flatMap((b) => dirs.get(a)?.get(b) ?? []))
    return `${scc.join(' ⇄ ')}: ${inside.join(', ')}`
  })
}

function print(root) {
  const modules = moduleGraph(root)
  const out = []
  for (const [mod, m] of modules) out.push(`${mod} (${m.lines}): ${[...new Set(m.resolved)].join(', ')}`)
  const sizes = new Map()
  for (const [mod, m] of modules) {
    const s = sizes.get(directoryOf(mod)) ?? { files: 0, lines: 0 }
    sizes.set(directoryOf(mod), { files: s.files + 1, lines: s.lines + m.lines })
  }
  out.push('', 'Directories (files, lines): imports of other directories (file-level imports)')
  for (const [dir, edges] of directoryGraph(modules)) {
    if (!dir.endsWith('/')) continue
    const { files, lines } = sizes.get(dir)
    const to = [...edges].map(([d, imports]) => `${d} ${imports.length}`).join(', ')
    out.push(`${dir} (${files}, ${lines}): ${to}`)
  }
  const found = directoryCycles(modules)
  out.push(
    '',
    found.length
      ? `Directory and root-file cycles:\n${found.join('\n')}`
      : 'Directory and root-file cycles: none'
  )
  process.stdout.write(`${out.join('\n')}\n`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  print(path.resolve(process.argv[2] ?? 'src'))
}
