// Upload benchmark: N wheels of 8 MB to the local fake anaconda.org, by our TypeScript client and by the
// real anaconda-client (`anaconda upload` from .venv-test), interleaved in the same run, several repetitions.
// Prints the medians and the ratio ours / anaconda-client, and the CPU time (user+sys) each run cost the
// client and the server (the server serves both clients alike, so its CPU shows how much of a run is its own).
//
//   npm run bench:upload -- [--reps 3] [--wheels 20] [--mb 8] [--anaconda path/to/anaconda] [--bare-paths]
//   npm run bench:upload -- --link 50:20 [--reps 3] [--wheels 16] [--mb 10]
//
// --link RTT_MS:MB_PER_S puts the fake server behind an emulated link (round-trip time, bandwidth per
// connection; __tests__/servers/anaconda/link.ts) and times one wheel (new, replace) and a release's wheels
// against the link's limit; see scripts/bench-upload-link.mjs.
//
// By default our client is handed each wheel's size and sha256 as the publish stage hands them over (the
// build's WheelRecord), so it computes only the MD5; --bare-paths gives it bare paths, and it hashes both.
//
// The fake server runs in its own node process, so neither client shares an event loop with it. The TS
// sources (server, client, wheel factory) are compiled on the fly with esbuild into a temp dir.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { childCpu, compile, median, root, startServerProcess, TOKEN } from './bench-upload-lib.mjs'

/** Our process's CPU seconds (user+sys). */
const selfCpu = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1e6
}

const fmt = (r) =>
  `${r.wall.toFixed(2)} s   client CPU ${r.client.toFixed(2)} s   server CPU ${r.server.toFixed(2)} s`

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
      wheels: { type: 'string' },
      mb: { type: 'string' },
      anaconda: { type: 'string', default: path.join(root, '.venv-test', 'bin', 'anaconda') },
      'bare-paths': { type: 'boolean', default: false },
      link: { type: 'string' }
    }
  })
  if (values.link !== undefined) {
    const { benchLink } = await import('./bench-upload-link.mjs')
    return benchLink(values)
  }
  values.wheels ??= '20'
  values.mb ??= '8'
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

await main()
