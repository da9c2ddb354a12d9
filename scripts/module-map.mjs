// Prints src/'s modules: lines, and whom each imports (relative imports only), as the closing notes show.
import * as fs from 'node:fs'
import * as path from 'node:path'

const root = path.resolve(process.argv[2] ?? 'src')
const files = fs
  .readdirSync(root, { recursive: true })
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
  .sort()
for (const f of files) {
  const text = fs.readFileSync(path.join(root, f), 'utf8')
  const lines = text.split('\n').length - 1
  const imports = [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
    path.relative(root, path.resolve(path.dirname(path.join(root, f)), m[1])).replace(/\.js$/, '')
  )
  process.stdout.write(`${f.replace(/\.ts$/, '')} (${lines}): ${[...new Set(imports)].join(', ')}\n`)
}
