// Upload benchmark over an emulated link (`npm run bench:upload -- --link RTT_MS:MB_PER_S`): the fake
// anaconda.org behind a relay that adds the round-trip time and carries each connection at the bandwidth
// (__tests__/servers/anaconda/link.ts). Three scenarios, ours and anaconda-client interleaved in one run:
//
//   new      one wheel into a new package
//   replace  one wheel over a published one of the same name (its release keeps another wheel, as a
//            nightly release does): ours with if-exists replace, anaconda-client with --force
//   release  a release's wheels (--wheels, default 16) into a new package
//
// Next to each: the link's limit, round trips × RTT + bytes / bandwidth, where the round trips are the
// protocol's chain of requests that each need an earlier answer (anaconda-client's Binstar.upload), printed
// with the count. Requests that need no answer of each other (HEAD /, GET /user, the GET look-ups) count
// as one round trip; a new connection costs one (the TCP handshake). The target is ours/limit <= 1.10.
import { spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { compile, median, startServerProcess, TOKEN } from './bench-upload-lib.mjs'

const TARGET = 1.1

/**
 * Round-trip chains of the protocol (each entry waits for the previous answer). The S3 POST goes to the
 * storage host the stage answer names, another host on the real service, so it needs its own connection
 * (here the relay serves both on one port; a client that reused the API connection would beat this).
 */
const CHAINS = {
  new: [
    'connect',
    'look-ups (HEAD /, GET /user, /dist, /package, /release)',
    'POST /package',
    'POST /release',
    'POST /stage',
    'connect to storage',
    'S3 POST',
    'POST /commit'
  ],
  replace: [
    'connect',
    'look-ups (HEAD /, GET /user, /dist)',
    'DELETE /dist',
    'look-ups (GET /package, /release)',
    'POST /stage',
    'connect to storage',
    'S3 POST',
    'POST /commit'
  ]
}

/** The release limit with `n` connections: first wheel as `new`, the others stage, S3, commit each. */
function releaseChain(files, n) {
  const perConnection = Math.ceil(files / n)
  return CHAINS.new.length + (perConnection - 1) * 3
}

export async function benchLink(values) {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(values.link)
  if (!m) throw new Error(`--link RTT_MS:MB_PER_S, e.g. --link 50:20 (got ${values.link})`)
  const rtt = Number(m[1]) / 1000
  const mbps = Number(m[2])
  const bandwidth = mbps * 1024 * 1024
  const reps = Number(values.reps)
  const count = Number(values.wheels ?? 16)
  const size = Math.round(Number(values.mb ?? 10) * 1024 * 1024)
  const concurrency = 4 // uploadAll's default
  if (!fs.existsSync(values.anaconda))
    throw new Error(`no anaconda-client at ${values.anaconda} (--anaconda PATH)`)

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-link-'))
  try {
    const load = await compile(path.join(work, 'build'))
    const { uploadAll } = await load('client')
    const { makeWheel } = await load('wheels')
    const tag = (i) => `cp3${10 + i}-cp3${10 + i}-manylinux_2_28_x86_64`
    const wheel = (dir, i, summary) =>
      makeWheel(path.join(work, dir), {
        name: 'benchpkg',
        version: '1.0.0',
        tag: tag(i),
        sizeBytes: size,
        summary
      })
    const one = await wheel('new', 0)
    const oldOnes = [await wheel('old', 0, 'old build'), await wheel('old', 1, 'old build')]
    const next = await wheel('next', 0, 'new build')
    const release = []
    for (let i = 0; i < count; i++) release.push(await wheel('release', i))

    const scenarios = ['new', 'replace', 'release']
    const orgs = []
    for (let r = 0; r < reps; r++)
      for (const s of scenarios) orgs.push(`link-${s}-ours-${r}`, `link-${s}-ac-${r}`)
    const server = await startServerProcess(path.join(work, 'build'), orgs, {
      rttMs: rtt * 1000,
      bytesPerSecond: bandwidth
    })
    const config = path.join(work, 'binstar')
    fs.mkdirSync(path.join(config, 'data'), { recursive: true })
    fs.writeFileSync(path.join(config, 'data', 'config.yaml'), `url: ${server.url}\nssl_verify: false\n`)
    console.log(
      `link: RTT ${rtt * 1000} ms, ${mbps} MB/s per connection; wheels of ${(size / 1048576).toFixed(1)} MiB; ` +
        `${reps} repetitions; node ${process.version}`
    )

    const ours = (owner, files, ifExists) =>
      uploadAll(files, {
        apiUrl: server.url,
        token: TOKEN,
        owner,
        labels: ['main'],
        ifExists,
        dryRun: false,
        keepVersions: 0,
        keepDir: path.join(work, 'keep')
      }).then((res) => {
        if (res.failures.length) throw new Error(JSON.stringify(res.failures))
      })
    const theirs = async (owner, files, flags) => {
      const p = spawnSync(
        values.anaconda,
        ['-t', TOKEN, 'upload', '-u', owner, '--label', 'main', ...flags, ...files],
        {
          env: { ...process.env, BINSTAR_CONFIG_DIR: config, ANACONDA_CLIENT_FORCE_STANDALONE: '1' },
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024
        }
      )
      if (p.status !== 0) throw new Error(`anaconda upload failed (${p.status}):\n${p.stdout}\n${p.stderr}`)
    }
    // Wall time, and the server process's CPU seconds meanwhile (it receives and hashes every byte, and
    // runs the relay): when that nears the wall time, the test server, not the client, sets the pace.
    const serverCpu = { new: [], replace: [], release: [] }
    const timed = async (scenario, fn) => {
      const c0 = await server.cpu()
      const t0 = performance.now()
      await fn()
      const wall = (performance.now() - t0) / 1000
      serverCpu[scenario].push((await server.cpu()) - c0)
      return wall
    }
    const verify = async (owner, files) => {
      const res = await globalThis.fetch(`${server.url}/package/${owner}/benchpkg`, {
        headers: { Authorization: `token ${TOKEN}` }
      })
      const stored = new Map(((await res.json()).files ?? []).map((f) => [f.basename, f.sha256]))
      const { createHash } = await import('node:crypto')
      for (const f of files) {
        const want = createHash('sha256').update(fs.readFileSync(f)).digest('hex')
        if (stored.get(path.basename(f)) !== want)
          throw new Error(`${owner}: ${path.basename(f)} missing or wrong`)
      }
    }

    const runs = { new: { ours: [], ac: [] }, replace: { ours: [], ac: [] }, release: { ours: [], ac: [] } }
    try {
      for (let r = 0; r < reps; r++) {
        const order = r % 2 ? ['ac', 'ours'] : ['ours', 'ac']
        for (const who of order) {
          const owner = (s) => `link-${s}-${who}-${r}`
          const up = (o, files, mode) =>
            who === 'ours' ? ours(o, files, mode) : theirs(o, files, mode === 'replace' ? ['--force'] : [])
          runs.new[who].push(await timed('new', () => up(owner('new'), [one], 'fail')))
          await verify(owner('new'), [one])
          await ours(owner('replace'), oldOnes, 'fail') // the published release, not timed
          runs.replace[who].push(await timed('replace', () => up(owner('replace'), [next], 'replace')))
          await verify(owner('replace'), [next, oldOnes[1]])
          runs.release[who].push(await timed('release', () => up(owner('release'), release, 'fail')))
          await verify(owner('release'), release)
          const last = (s) =>
            `${runs[s][who].at(-1).toFixed(2)} (server CPU ${serverCpu[s].at(-1).toFixed(2)})`
          console.log(
            `  rep ${r + 1} ${who === 'ours' ? 'ours:           ' : 'anaconda-client:'} new ${last('new')} s, ` +
              `replace ${last('replace')} s, release ${last('release')} s`
          )
        }
      }
    } finally {
      server.stop()
    }

    const transfer = size / bandwidth
    const limits = {
      new: { trips: CHAINS.new.length, seconds: CHAINS.new.length * rtt + transfer },
      replace: { trips: CHAINS.replace.length, seconds: CHAINS.replace.length * rtt + transfer },
      release: {
        trips: releaseChain(count, concurrency),
        seconds: releaseChain(count, concurrency) * rtt + Math.ceil(count / concurrency) * transfer
      }
    }
    // Ours keeps a copy of the file it replaces (downloaded first, to put it back if the upload fails).
    const keptCopy = { trips: limits.replace.trips + 1, seconds: limits.replace.seconds + rtt + transfer }
    const sequential = releaseChain(count, 1) * rtt + count * transfer
    console.log(
      "\nthe link's limit = round trips × RTT + bytes / bandwidth; round trips each need an earlier answer:"
    )
    console.log(`  new:     ${limits.new.trips}: ${CHAINS.new.join(' → ')}`)
    console.log(
      `  replace: ${limits.replace.trips}: ${CHAINS.replace.join(' → ')} (the release keeps another wheel)`
    )
    console.log(
      `  release: ${limits.release.trips} on each of ${concurrency} connections (ours runs ${concurrency} wheels at once): ` +
        `the first wheel as new, then POST /stage → S3 POST → POST /commit for each of its other ${Math.ceil(count / concurrency) - 1}; ` +
        `${Math.ceil(count / concurrency)} wheels' bytes per connection`
    )
    console.log(
      `  one connection at a time (anaconda-client's way) the release's limit is ${sequential.toFixed(2)} s ` +
        `(${releaseChain(count, 1)} round trips, ${count} wheels' bytes)`
    )
    const row = (name, label, limit, extra = '') => {
      const o = median(runs[name].ours)
      const a = median(runs[name].ac)
      console.log(
        `${label.padEnd(28)} ours ${o.toFixed(2)} s   anaconda-client ${a.toFixed(2)} s   limit ${limit.seconds.toFixed(2)} s   ` +
          `ours/limit ${(o / limit.seconds).toFixed(3)} (target <= ${TARGET.toFixed(2)})   ours/anaconda-client ${(o / a).toFixed(3)}${extra}`
      )
    }
    console.log('\nmedians:')
    row('new', `new, ${(size / 1048576).toFixed(0)} MiB`, limits.new)
    row('replace', `replace, ${(size / 1048576).toFixed(0)} MiB`, limits.replace)
    console.log(
      `${''.padEnd(28)} with the kept copy's download the limit is ${keptCopy.seconds.toFixed(2)} s: ` +
        `ours/that ${(median(runs.replace.ours) / keptCopy.seconds).toFixed(3)}`
    )
    row('release', `release, ${count} × ${(size / 1048576).toFixed(0)} MiB`, limits.release)
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
