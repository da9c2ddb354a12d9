// Release upload benchmark: the same N wheels to a fresh pypiserver (pinned, from .venv-test) on 127.0.0.1,
// by the release's native uploader and by `twine upload` (pinned), alternating in one run, several
// repetitions. Each side is its own process, started fresh per run (its start-up counts, as in CI).
// Ours does what the release does around the POSTs: PyPI's file checks, an index read before and after.
//
//   npm run bench:release -- [--reps 3] [--wheels 10] [--mb 8]
//
// Prints the medians and the ratio ours / twine next to the target (≤ 0.5). A third side, `floor`, is the
// least a sequential client can do against this server: a bare POST of each file (no checks, no index
// reads); floor / twine shows how much of every run is pypiserver's own work.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'
import { startPypiServer } from './pypiserver-lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = path.join(root, '.venv-test', 'bin')
const TOKEN = 'pypi-benchtoken'
const TARGET = 0.5

const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    wheels: { type: 'string', default: '10' },
    mb: { type: 'string', default: '8' }
  }
})

// The client: reads each file, checks it, reads the index, uploads, reads the index again.
const CLIENT = `
import * as fs from 'node:fs'
import * as path from 'node:path'
import { createHash } from 'node:crypto'
import { checkFile } from './src/release/checks.ts'
import { IndexReader } from './src/release/pypi-index.ts'
import { LegacyUploader } from './src/release/upload.ts'
const [url, indexUrl, ...files] = process.argv.slice(2)
const token = process.env.BENCH_TOKEN
const index = new IndexReader(indexUrl)
const before = await index.files('dipy')
const uploader = new LegacyUploader({ uploadUrl: url, token: async () => token, index, pkg: 'dipy' })
for (const file of files) {
  const data = fs.readFileSync(file)
  const basename = path.basename(file)
  if (before.has(basename)) continue
  const c = checkFile(basename, data)
  if (c.problems.length) throw new Error(c.problems.join('; '))
  const sha256 = createHash('sha256').update(data).digest('hex')
  await uploader.upload({ basename, kind: c.kind, pyversion: c.pyversion, sha256, data, meta: c.meta })
}
const after = await index.files('dipy')
if (files.some((f) => !after.has(path.basename(f)))) throw new Error('not all files on the index')
`

// The floor: one bare multipart POST per file, as little as pypiserver accepts.
const FLOOR = `
import * as fs from 'node:fs'
import * as http from 'node:http'
import * as path from 'node:path'
const [url, ...files] = process.argv.slice(2)
const auth = 'Basic ' + Buffer.from('__token__:' + process.env.BENCH_TOKEN).toString('base64')
for (const file of files) {
  const data = fs.readFileSync(file)
  const b = 'floorboundary'
  const head = Buffer.from('--' + b + '\\r\\nContent-Disposition: form-data; name=":action"\\r\\n\\r\\nfile_upload\\r\\n' +
    '--' + b + '\\r\\nContent-Disposition: form-data; name="content"; filename="' + path.basename(file) + '"\\r\\n' +
    'Content-Type: application/octet-stream\\r\\n\\r\\n')
  const tail = Buffer.from('\\r\\n--' + b + '--\\r\\n')
  const status = await new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { Authorization: auth,
      'Content-Type': 'multipart/form-data; boundary=' + b,
      'Content-Length': head.length + data.length + tail.length } }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)) })
    req.on('error', reject)
    req.write(head); req.write(data); req.end(tail)
  })
  if (status !== 200) throw new Error(path.basename(file) + ': ' + status)
}
`

async function compile(outdir) {
  fs.writeFileSync(path.join(outdir, 'floor.mjs'), FLOOR)
  await build({
    absWorkingDir: root,
    stdin: { contents: CLIENT, resolveDir: root, sourcefile: 'bench-release-client.ts', loader: 'ts' },
    outfile: path.join(outdir, 'client.mjs'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    },
    logLevel: 'warning'
  })
  const wheels = path.join(outdir, 'wheels.mjs')
  await build({
    absWorkingDir: root,
    entryPoints: ['__tests__/harness/wheel-factory.ts'],
    outfile: wheels,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning'
  })
  return {
    client: path.join(outdir, 'client.mjs'),
    floor: path.join(outdir, 'floor.mjs'),
    wheels: await import(pathToFileURL(wheels).href)
  }
}

async function startPypi(work, htpasswd) {
  const dir = fs.mkdtempSync(path.join(work, 'pkgs-'))
  const server = await startPypiServer(bin, dir, htpasswd)
  return {
    url: server.url,
    dir,
    stop: async () => {
      await server.stop()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}

function timed(cmd, argv, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const child = spawn(cmd, argv, {
      // .venv-test first: it holds requirements/release.txt's pins, so the release makes no venv of its own.
      env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: os.homedir(), ...env },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let err = ''
    child.stderr.on('data', (d) => (err += d))
    child.on('close', (code) => {
      const s = (performance.now() - t0) / 1000
      if (code !== 0) reject(new Error(`${path.basename(cmd)} exited ${code}: ${err.slice(-2000)}`))
      else resolve(s)
    })
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

async function main() {
  for (const tool of ['pypi-server', 'twine', 'python']) {
    if (!fs.existsSync(path.join(bin, tool)))
      throw new Error(`${tool} is missing from .venv-test: pip install -r requirements/test.txt`)
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-release-'))
  try {
    const { client, floor, wheels } = await compile(work)
    const n = Number(args.wheels)
    const size = Number(args.mb) * 1024 * 1024
    const files = []
    for (let i = 0; i < n; i++) {
      files.push(
        await wheels.makeWheel(path.join(work, 'dist'), {
          name: 'dipy',
          version: '1.0.0',
          tag: `cp3${10 + (i % 5)}-cp3${10 + (i % 5)}-${['manylinux_2_28_x86_64', 'manylinux_2_28_aarch64', 'win_amd64', 'macosx_11_0_arm64', 'win_arm64', 'macosx_10_13_x86_64'][Math.floor(i / 5) % 6]}`,
          sizeBytes: size
        })
      )
    }
    const htpasswd = path.join(work, 'htpasswd')
    const made = spawnSync(
      path.join(bin, 'python'),
      [
        '-c',
        'import sys; from passlib.apache import HtpasswdFile as H; h = H(sys.argv[1], new=True); h.set_password("__token__", sys.stdin.read()); h.save()',
        htpasswd
      ],
      { input: TOKEN }
    )
    if (made.status !== 0) throw new Error(made.stderr.toString())
    const node = process.execPath
    const sides = {
      ours: (s) => timed(node, [client, `${s.url}/`, `${s.url}/simple`, ...files], { BENCH_TOKEN: TOKEN }),
      floor: (s) => timed(node, [floor, `${s.url}/`, ...files], { BENCH_TOKEN: TOKEN }),
      twine: (s) =>
        timed(
          path.join(bin, 'twine'),
          [
            'upload',
            '--repository-url',
            `${s.url}/`,
            '-u',
            '__token__',
            '--non-interactive',
            '--disable-progress-bar',
            ...files
          ],
          { TWINE_PASSWORD: TOKEN }
        )
    }
    const times = { ours: [], twine: [], floor: [] }
    const reps = Number(args.reps)
    console.log(
      `bench:release: ${n} wheels of ${args.mb} MB to a fresh pypiserver per run, ${reps} repetition(s), node ${process.version}`
    )
    for (let r = 0; r < reps; r++) {
      const order = r % 2 ? ['twine', 'floor', 'ours'] : ['ours', 'floor', 'twine']
      for (const side of order) {
        const server = await startPypi(work, htpasswd)
        try {
          const s = await sides[side](server)
          const stored = fs.readdirSync(server.dir).length
          if (stored !== n) throw new Error(`${side}: pypiserver holds ${stored} files, not ${n}`)
          times[side].push(s)
          console.log(`  rep ${r + 1} ${side.padEnd(5)} ${s.toFixed(2)} s`)
        } finally {
          await server.stop()
        }
      }
    }
    const ours = median(times.ours)
    const twine = median(times.twine)
    const bare = median(times.floor)
    console.log(`median: ours ${ours.toFixed(2)} s, twine ${twine.toFixed(2)} s, floor ${bare.toFixed(2)} s`)
    console.log(`ratio ours/twine: ${(ours / twine).toFixed(2)} (target ≤ ${TARGET})`)
    console.log(
      `ratio floor/twine: ${(bare / twine).toFixed(2)} (a bare POST per file: pypiserver's share of a run)`
    )
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
