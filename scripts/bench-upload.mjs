// Upload benchmark: N wheels of 8 MB to the local fake anaconda.org, by our TypeScript client and by the
// real anaconda-client (`anaconda upload` from .venv-test), interleaved in the same run, several repetitions.
// Prints the medians and the ratio ours / anaconda-client, and the CPU time (user+sys) each run cost the
// client and the server (the server serves both clients alike, so its CPU shows how much of a run is its own).
//
//   npm run bench:upload -- [--reps 3] [--wheels 20] [--mb 8] [--anaconda path/to/anaconda] [--bare-paths]
//
// By default our client is handed each wheel's size and sha256 as the publish stage hands them over (the
// build's WheelRecord), so it computes only the MD5; --bare-paths gives it bare paths, and it hashes both.
//
// The fake server runs in its own node process, so neither client shares an event loop with it. The TS
// sources (server, client, wheel factory) are compiled on the fly with esbuild into a temp dir.
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const TOKEN = 'benchtoken123' // anaconda-client refuses tokens containing / \ or .

async function compile(outdir) {
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
  const server = await startAnacondaServer({
    tokens: { [TOKEN]: { login: 'bench', scopes: ['api:read', 'api:write'] } },
    orgs
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

function startServerProcess(outdir, orgs) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', outdir, ...orgs], {
    stdio: ['pipe', 'pipe', 'inherit', 'ipc']
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

/** Our process's CPU seconds (user+sys). */
const selfCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

/** bash's `times` line for children: `0m1.234s 0m0.567s` → seconds user+sys. */
function childCpu(stderr) {
  const lines = stderr.trimEnd().split('\n')
  const m = /^(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/.exec(lines[lines.length - 1] ?? '')
  if (!m) return { cpu: NaN, stderr }
  const cpu = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4])
  return { cpu, stderr: lines.slice(0, -2).join('\n') }
}

const fmt = (r) =>
  `${r.wall.toFixed(2)} s   client CPU ${r.client.toFixed(2)} s   server CPU ${r.server.toFixed(2)} s`

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Every wheel on the server under `owner` with the right sha256. */
async function verify(url, owner, files) {
  const res = await globalThis.fetch(`${url}/package/${owner}/benchpkg`, {
    headers: { Authorization: `token ${TOKEN}` }
  })
  const pkg = await res.json()
  const stored = new Map((pkg.files ?? []).map((f) => [f.basename, f.sha256]))
  for (const f of files) {
    const want = createHash('sha256').update(fs.readFileSync(f)).digest('hex')
    if (stored.get(path.basename(f)) !== want)
      throw new Error(`${owner}: ${path.basename(f)} missing or wrong`)
  }
  if (stored.size !== files.length)
    throw new Error(`${owner}: ${stored.size} files, expected ${files.length}`)
}

async function main() {
  const { values } = parseArgs({
    options: {
      reps: { type: 'string', default: '3' },
      wheels: { type: 'string', default: '20' },
      mb: { type: 'string', default: '8' },
      anaconda: { type: 'string', default: path.join(root, '.venv-test', 'bin', 'anaconda') },
      'bare-paths': { type: 'boolean', default: false }
    }
  })
  const reps = Number(values.reps)
  const count = Number(values.wheels)
  const size = Math.round(Number(values.mb) * 1024 * 1024)
  if (!fs.existsSync(values.anaconda))
    throw new Error(`no anaconda-client at ${values.anaconda} (--anaconda PATH)`)

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-upload-'))
  try {
    const outdir = path.join(work, 'build')
    const load = await compile(outdir)
    const { uploadAll } = await load('client')
    const { makeWheel } = await load('wheels')
    const dist = path.join(work, 'dist')
    const files = []
    for (let i = 0; i < count; i++) {
      const tag = `cp3${10 + i}-cp3${10 + i}-manylinux_2_28_x86_64`
      files.push(await makeWheel(dist, { name: 'benchpkg', version: '1.0.0', tag, sizeBytes: size }))
    }
    // What the publish stage passes: the build's record of each wheel (hashed here, outside the timing).
    const inputs = !values['bare-paths']
      ? files.map((f) => {
          const data = fs.readFileSync(f)
          return { path: f, size: data.length, sha256: createHash('sha256').update(data).digest('hex') }
        })
      : files
    const orgs = []
    for (let r = 0; r < reps; r++) orgs.push(`bench-ours-${r}`, `bench-ac-${r}`)
    const server = await startServerProcess(outdir, orgs)
    const config = path.join(work, 'binstar')
    fs.mkdirSync(path.join(config, 'data'), { recursive: true })
    fs.writeFileSync(path.join(config, 'data', 'config.yaml'), `url: ${server.url}\nssl_verify: false\n`)
    console.log(
      `${count} wheels of ${(size / 1048576).toFixed(1)} MB, ${reps} repetitions, server ${server.url}, node ${process.version}` +
        (values['bare-paths'] ? ', ours given bare paths' : ', ours given the build sha256, as in the action')
    )

    const ours = []
    const theirs = []
    try {
      for (let r = 0; r < reps; r++) {
        // Alternate which goes first, so neither always gets the warmer machine.
        const runs = [
          async () => {
            const owner = `bench-ours-${r}`
            const s0 = await server.cpu()
            const c0 = selfCpu()
            const t0 = performance.now()
            const res = await uploadAll(inputs, {
              apiUrl: server.url,
              token: TOKEN,
              owner,
              labels: ['main'],
              ifExists: 'fail',
              dryRun: false,
              keepVersions: 0,
              keepDir: path.join(work, 'keep')
            })
            const wall = (performance.now() - t0) / 1000
            const run = { wall, client: selfCpu() - c0, server: (await server.cpu()) - s0 }
            if (res.failures.length) throw new Error(JSON.stringify(res.failures))
            await verify(server.url, owner, files)
            ours.push(run)
            console.log(`  rep ${r + 1} ours:            ${fmt(run)}`)
          },
          async () => {
            const owner = `bench-ac-${r}`
            const s0 = await server.cpu()
            const t0 = performance.now()
            // bash's `times` reports the CPU time of its children (the anaconda process) on stderr.
            const p = spawnSync(
              'bash',
              [
                '-c',
                '"$@"; rc=$?; times >&2; exit $rc',
                'bash',
                values.anaconda,
                ...['-t', TOKEN, 'upload', '-u', owner, '--label', 'main', ...files]
              ],
              {
                env: { ...process.env, BINSTAR_CONFIG_DIR: config, ANACONDA_CLIENT_FORCE_STANDALONE: '1' },
                encoding: 'utf8',
                maxBuffer: 64 * 1024 * 1024
              }
            )
            const wall = (performance.now() - t0) / 1000
            const { cpu, stderr } = childCpu(p.stderr)
            const run = { wall, client: cpu, server: (await server.cpu()) - s0 }
            if (p.status !== 0)
              throw new Error(`anaconda upload failed (${p.status}):\n${p.stdout}\n${stderr}`)
            await verify(server.url, owner, files)
            theirs.push(run)
            console.log(`  rep ${r + 1} anaconda-client: ${fmt(run)}`)
          }
        ]
        if (r % 2) runs.reverse()
        for (const run of runs) await run()
      }
    } finally {
      server.stop()
    }
    const medians = (runs) => ({
      wall: median(runs.map((x) => x.wall)),
      client: median(runs.map((x) => x.client)),
      server: median(runs.map((x) => x.server))
    })
    const mo = medians(ours)
    const mt = medians(theirs)
    console.log(`median ours:            ${fmt(mo)}`)
    console.log(`median anaconda-client: ${fmt(mt)}`)
    console.log(`ratio ours/anaconda-client: ${(mo.wall / mt.wall).toFixed(3)} (target <= 0.2)`)
    console.log(
      `  without the server's CPU: ${((mo.wall - mo.server) / (mt.wall - mt.server)).toFixed(3)} (wall minus server CPU, a rough bound)`
    )
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`
    )
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[2] === '--serve') {
  await serve(process.argv[3], process.argv.slice(4))
} else {
  await main()
}
