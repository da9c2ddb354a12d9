/** Serves a bare repository over git's dumb HTTP protocol on 127.0.0.1, failing the first requests on demand. */
import * as fs from 'node:fs'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import * as path from 'node:path'
import { git } from './git-fixture.js'

export interface GitHttpServer {
  url: string
  /** Requests answered so far, with their status. */
  log: Array<{ path: string; status: number }>
  close(): Promise<void>
}

export async function serveBareRepo(bare: string, failFirst = 0): Promise<GitHttpServer> {
  git(bare, 'update-server-info')
  const log: GitHttpServer['log'] = []
  let failures = failFirst
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(
      /^\/repo\.git\/?/,
      ''
    )
    const file = path.join(bare, rel)
    let status = 200
    if (failures > 0) {
      failures--
      status = 503
    } else if (!file.startsWith(bare) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      status = 404
    }
    log.push({ path: rel, status })
    res.writeHead(status)
    res.end(status === 200 ? fs.readFileSync(file) : undefined)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/repo.git`,
    log,
    close: () => new Promise((r) => server.close(() => r()))
  }
}
