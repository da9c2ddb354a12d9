/**
 * A real pypiserver (pinned in requirements/test.txt, from .venv-test) on 127.0.0.1 and a free port, with an
 * htpasswd file and no fallback to PyPI: the index a release is uploaded to in the tests.
 *
 *   const pypi = await startPypiServer({ user: '__token__', password: 'pypi-secret' })
 *   // upload: pypi.url   index: pypi.simpleUrl   files: pypi.dir
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import { REPO_ROOT } from './action.js'

export const VENV_BIN = path.join(REPO_ROOT, '.venv-test', 'bin')

export interface PypiServer {
  /** http://127.0.0.1:PORT/ (the upload URL: pypiserver takes POST /). */
  url: string
  /** http://127.0.0.1:PORT/simple */
  simpleUrl: string
  /** The directory of the stored files. */
  dir: string
  /** The stored file names, sorted. */
  files(): string[]
  close(): Promise<void>
}

export async function freePort(): Promise<number> {
  const srv = net.createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as net.AddressInfo).port
  await new Promise<void>((r) => srv.close(() => r()))
  return port
}

export async function startPypiServer(opts: { user: string; password: string }): Promise<PypiServer> {
  const bin = path.join(VENV_BIN, 'pypi-server')
  if (!fs.existsSync(bin)) {
    throw new Error(
      `${bin} is missing: run \`python3 -m venv .venv-test && .venv-test/bin/python -m pip install -r requirements/test.txt\``
    )
  }
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pypi-'))
  const dir = path.join(root, 'packages')
  fs.mkdirSync(dir)
  const htpasswd = path.join(root, 'htpasswd')
  // passlib's HtpasswdFile (pypiserver's own dependency for -P); the password goes in on stdin.
  const made = spawnSync(
    path.join(VENV_BIN, 'python'),
    [
      '-c',
      'import sys; from passlib.apache import HtpasswdFile as H; h = H(sys.argv[1], new=True); ' +
        'h.set_password(sys.argv[2], sys.stdin.read()); h.save()',
      htpasswd,
      opts.user
    ],
    { input: opts.password }
  )
  if (made.status !== 0) throw new Error(`htpasswd: ${made.stderr.toString()}`)
  const port = await freePort()
  const child: ChildProcess = spawn(
    bin,
    ['run', '-i', '127.0.0.1', '-p', String(port), '-P', htpasswd, '-a', 'update', '--disable-fallback', dir],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  )
  let log = ''
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) break
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || i > 200) throw new Error(`pypiserver did not start:\n${log}`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    url: `${url}/`,
    simpleUrl: `${url}/simple`,
    dir,
    files: () => fs.readdirSync(dir).sort(),
    close: async () => {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
      fs.rmSync(root, { recursive: true, force: true })
    }
  }
}
