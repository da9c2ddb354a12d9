// Bundles src/ into dist/ with esbuild: two ESM entry points (the action and the local CLI)
// sharing chunks. The output is byte-stable for the same sources and lockfile.
import { build } from 'esbuild'
import { rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const outdir = process.argv[2] ?? `${root}/dist`

rmSync(outdir, { recursive: true, force: true })
await build({
  absWorkingDir: root,
  entryPoints: { index: 'src/index.ts', cli: 'src/cli.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  loader: { '.yml': 'text', '.txt': 'text', '.py': 'text' },
  // Some CommonJS dependencies call require(); give ESM output a real one.
  banner: {
    js: "import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);"
  },
  legalComments: 'none',
  logLevel: 'warning'
})
