// What the upload benchmarks share: the TS sources compiled on the fly, the fake anaconda.org in its own
// node process (optionally behind an emulated link), CPU-time helpers. Run as a script only by
// startServerProcess (`--serve`).
import { spawn } from 'node:child_process'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'esbuild'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const TOKEN = 'benchtoken123' // anaconda-client refuses tokens containing / \ or .

export async function compile(outdir) {
  await build({
    absWorkingDir: root,
    entryPoints: {
      server: '__tests__/servers/anaconda/index.ts',
      client: 'src/publish/anaconda/batch.ts',
      wheels: '__tests__/harness/wheel-factory.ts'
    },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    },
    logLevel: 'warning'
  })
  return (name) => import(pathToFileURL(path.join(outdir, `${name}.mjs`)).href)
}

/** Child mode: serve the fake anaconda.org and print its URL. */
async function serve(outdir, orgs) {
  const { startAnacondaServer } = await import(pathToFileURL(path.join(outdir, 'server.mjs')).href)
  const link = process.env.BENCH_LINK ? JSON.parse(process.env.BENCH_LINK) : undefined
  const server = await startAnacondaServer({
    tokens: { [TOKEN]: { login: 'bench', scopes: ['api:read', 'api:write'] } },
    orgs,
    link
  })
  process.stdout.write(`${server.url}\n`)
  // The parent asks for this process's CPU time (µs, user+sys) before and after each client run.
  process.on('message', () => {
    const u = process.cpuUsage()
    process.send?.(u.user + u.system)
  })
  process.stdin.resume()
  process.stdin.on('end', () => server.close().then(() => process.exit(0)))
}

export function startServerProcess(outdir, orgs, link) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', outdir, ...orgs], {
    stdio: ['pipe', 'pipe', 'inherit', 'ipc'],
    env: { ...process.env, ...(link ? { BENCH_LINK: JSON.stringify(link) } : {}) }
  })
  const cpu = () =>
    new Promise((resolve) => {
      child.once('message', (us) => resolve(us / 1e6))
      child.send('cpu')
    })
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (d) => {
      out += d
      const line = out.split('\n')[0]
      if (out.includes('\n')) resolve({ url: line.trim(), cpu, stop: () => child.stdin.end() })
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
}

/** bash's `times` line for children: `0m1.234s 0m0.567s` → seconds user+sys. */
export function childCpu(stderr) {
  const lines = stderr.trimEnd().split('\n')
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '')
  if (!m) return { cpu: NaN, stderr }
  const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])
  return { cpu, stderr: lines.slice(0, -2).join('\n') }
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

if (process.argv[2] === '--serve') await serve(process.argv[3], process.argv.slice(4))
