// A release of real files on this machine, end to end: the given wheels (and sdist) are staged on the
// anaconda.org test server (__tests__/servers/anaconda), a pypiserver from .venv-test is started with an
// htpasswd file, and `node dist/cli.js release VERSION` moves them from one to the other. Then the files
// on pypiserver are compared byte for byte with the given ones, and pip installs VERSION from pypiserver.
//
//   node scripts/release-local.mjs --version 1.12.1 wheelhouse/dipy-1.12.1-*.whl [--expected FILE-OF-GLOBS]
//
// Without --expected, each given file's own name is a glob of the expected set.
import { spawn, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { startPypiServer } from './pypiserver-lib.mjs'

const root = fileURLToPath(new URL('..', import.meta.url))

// esbuild is a dev dependency: without `npm ci` say so, instead of Node's ERR_MODULE_NOT_FOUND trace.
let build
try {
  ;({ build } = await import('esbuild'))
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err
  console.error(`release-local needs the project's dev dependencies: run \`npm ci\` in ${root} first.`)
  process.exit(1)
}
const bin = path.join(root, '.venv-test', 'bin')
const STAGE_TOKEN = 'localStageToken1'
const PYPI_TOKEN = 'pypi-localReleaseToken'

const { values: args, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    version: { type: 'string' },
    expected: { type: 'string' },
    package: { type: 'string', default: 'dipy' }
  }
})
if (!args.version || files.length === 0) {
  console.error(
    'usage: node scripts/release-local.mjs --version VERSION FILE... [--expected GLOBS-FILE] [--package NAME]'
  )
  process.exit(2)
}

async function compile(outdir) {
  await build({
    absWorkingDir: root,
    entryPoints: {
      server: '__tests__/servers/anaconda/index.ts',
      fixture: '__tests__/harness/release-fixture.ts'
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
  const load = (n) => import(pathToFileURL(path.join(outdir, `${n}.mjs`)).href)
  return { server: await load('server'), fixture: await load('fixture') }
}

function run(cmd, argv, env) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { env, stdio: ['ignore', 'inherit', 'inherit'] })
    child.on('close', (code) => resolve(code ?? 1))
  })
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-release-local-'))
let pypi
let anaconda
let status = 1
try {
  const { server, fixture } = await compile(work)
  anaconda = await server.startAnacondaServer({
    tokens: { [STAGE_TOKEN]: { login: 'stager', scopes: ['api:read', 'api:write'] } }
  })
  const channel = 'multibuild-wheels-staging'
  await fixture.stage(anaconda.url, STAGE_TOKEN, channel, args.package, args.version, files)
  console.log(`staged ${files.length} file(s) on ${anaconda.url} ${channel}`)

  const htpasswd = path.join(work, 'htpasswd')
  const made = spawnSync(
    path.join(bin, 'python'),
    [
      '-c',
      'import sys; from passlib.apache import HtpasswdFile as H; h = H(sys.argv[1], new=True); h.set_password("__token__", sys.stdin.read()); h.save()',
      htpasswd
    ],
    { input: PYPI_TOKEN }
  )
  if (made.status !== 0) throw new Error(made.stderr.toString())
  const pkgs = path.join(work, 'packages')
  fs.mkdirSync(pkgs)
  pypi = await startPypiServer(bin, pkgs, htpasswd)
  const url = pypi.url
  console.log(`pypiserver on ${url}, storing into ${pkgs}`)

  const expected = args.expected
    ? fs.readFileSync(args.expected, 'utf8')
    : files.map((f) => path.basename(f)).join('\n')
  const cli = [
    path.join(root, 'dist', 'cli.js'),
    'release',
    args.version,
    '--workspace',
    path.join(work, 'ws'),
    '--package',
    args.package,
    '--expected',
    expected,
    '--staging-channel',
    channel,
    '--anaconda-url',
    anaconda.url,
    '--pypi-url',
    `${url}/`,
    '--pypi-index-url',
    `${url}/simple/`
  ]
  console.log(
    `\n+ node ${cli.map((a) => (a.includes('\n') ? JSON.stringify(a) : a)).join(' ')}  (INPUT_PYPI_TOKEN in the environment)\n`
  )
  const t0 = Date.now()
  const code = await run(process.execPath, cli, {
    // .venv-test first: it holds requirements/release.txt's pins (the release's checkers).
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    HOME: os.homedir(),
    RUNNER_TEMP: path.join(work, 'temp'),
    INPUT_PYPI_TOKEN: PYPI_TOKEN
  })
  console.log(`\nrelease exited ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  if (code !== 0) throw new Error('the release failed')

  for (const f of files) {
    const same = fs.readFileSync(path.join(pkgs, path.basename(f))).equals(fs.readFileSync(f))
    console.log(`${same ? 'identical' : 'DIFFERENT'}  ${path.basename(f)}`)
    if (!same) throw new Error('a file on pypiserver differs')
  }
  const target = path.join(work, 'site')
  const pip = await run(
    path.join(bin, 'python'),
    [
      '-m',
      'pip',
      'install',
      '--no-deps',
      '--no-cache-dir',
      '--disable-pip-version-check',
      '--index-url',
      `${url}/simple/`,
      '--target',
      target,
      `${args.package}==${args.version}`
    ],
    { PATH: process.env.PATH, HOME: work, PIP_CONFIG_FILE: '/dev/null' }
  )
  if (pip !== 0) throw new Error('pip install from pypiserver failed')
  const installed = fs.readdirSync(target).filter((d) => d.endsWith('.dist-info'))
  const wheelTags = fs.readFileSync(path.join(target, installed[0], 'WHEEL'), 'utf8').match(/^Tag: .*$/gm)
  console.log(`pip installed ${installed.join(', ')} (${wheelTags?.join(', ')})`)
  status = 0
} catch (err) {
  console.error(`release-local: ${err.message}`)
} finally {
  await pypi?.stop()
  await anaconda?.close()
  fs.rmSync(work, { recursive: true, force: true })
}
process.exit(status)
