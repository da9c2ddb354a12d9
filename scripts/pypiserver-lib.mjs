// A real pypiserver on 127.0.0.1, as the release scripts (bench-release, release-local) start it.
import { spawn } from 'node:child_process'
import * as net from 'node:net'
import * as path from 'node:path'

export async function freePort() {
  const srv = net.createServer()
  await new Promise((r) => srv.listen(0, '127.0.0.1', r))
  const { port } = srv.address()
  await new Promise((r) => srv.close(r))
  return port
}

/** pypiserver from `bin` (the test venv's), storing into `dir`, uploads allowed to the htpasswd's users. */
export async function startPypiServer(bin, dir, htpasswd) {
  const port = await freePort()
  const child = spawn(
    path.join(bin, 'pypi-server'),
    ['run', '-i', '127.0.0.1', '-p', String(port), '-P', htpasswd, '-a', 'update', '--disable-fallback', dir],
    { stdio: 'ignore' }
  )
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try {
      if ((await globalThis.fetch(`${url}/health`)).ok) break
    } catch {
      // starting
    }
    if (i > 200) throw new Error('pypiserver did not start')
    await new Promise((r) => globalThis.setTimeout(r, 50))
  }
  return {
    url,
    stop: async () => {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)))
    }
  }
}
