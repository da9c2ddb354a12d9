/**
 * A release's sdist straight from the package index pip is configured with: the project's page in the
 * Simple API lists every file with its sha256 (JSON, PEP 691; or HTML anchors with `#sha256=`, PEP 503),
 * so no metadata is built (`pip download` of an sdist prepares its metadata, which for dipy takes minutes).
 * The file is checked against that sha256 and kept under `<cache>/<sha256>/<filename>`.
 *
 * The index: PIP_INDEX_URL, else `pip config get global.index-url`, else pip's own default index.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'

/** The Simple API base pip would use (no trailing slash). */
export function pipIndexUrl(python = 'python3'): string {
  const fromEnv = process.env.PIP_INDEX_URL?.trim()
  if (fromEnv) return fromEnv.replace(/\/+$/, '')
  const ask = (args: string[]): string | undefined => {
    try {
      return execFileSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return undefined
    }
  }
  // `pip config get` exits 1 when the key is unset; pip's default index then comes from pip itself.
  const url =
    ask(['-m', 'pip', 'config', 'get', 'global.index-url']) ||
    ask(['-c', 'from pip._internal.models.index import PyPI; print(PyPI.simple_url)'])
  if (!url) throw new Error(`cannot tell which package index pip uses: set PIP_INDEX_URL`)
  return url.replace(/\/+$/, '')
}

export interface IndexFile {
  filename: string
  url: string
  sha256: string
}

/** PEP 503 normalised project name. */
const normalise = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-')

/** The files of a project page, JSON (PEP 691) or HTML (PEP 503); URLs made absolute. */
export function parseProjectPage(body: string, contentType: string, pageUrl: string): IndexFile[] {
  if (contentType.includes('json')) {
    const page = JSON.parse(body) as {
      files?: Array<{ filename: string; url: string; hashes?: Record<string, string> }>
    }
    return (page.files ?? [])
      .filter((f) => f.hashes?.sha256)
      .map((f) => ({ filename: f.filename, url: new URL(f.url, pageUrl).href, sha256: f.hashes!.sha256 }))
  }
  const files: IndexFile[] = []
  for (const m of body.matchAll(/<a\s[^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/gi)) {
    const href = m[1].replace(/&amp;/g, '&')
    const sha = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1]
    if (sha)
      files.push({ filename: m[2].trim(), url: new URL(href.split('#')[0], pageUrl).href, sha256: sha })
  }
  return files
}

const sha256Of = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex')

/**
 * The sdist `<name>-<version>.tar.gz` (or .zip), downloaded once, its sha256 checked. Offline, a file
 * cached earlier under the same filename is used.
 */
export async function indexSdist(name: string, version: string, cacheDir: string): Promise<string> {
  const stems = [name, normalise(name).replace(/-/g, '_')].map((n) => `${n}-${version}`)
  const wanted = (f: string): boolean => stems.some((s) => f === `${s}.tar.gz` || f === `${s}.zip`)
  let page: IndexFile[]
  const pageUrl = `${pipIndexUrl()}/${normalise(name)}/`
  try {
    const res = await fetch(pageUrl, {
      headers: { Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1' }
    })
    if (!res.ok) throw new Error(`${res.status} ${res.statusText}`)
    page = parseProjectPage(await res.text(), res.headers.get('content-type') ?? '', res.url || pageUrl)
  } catch (err) {
    const cached = fs.existsSync(cacheDir)
      ? fs.readdirSync(cacheDir).flatMap((sha) => {
          const dir = path.join(cacheDir, sha)
          return fs.statSync(dir).isDirectory()
            ? fs
                .readdirSync(dir)
                .filter(wanted)
                .map((f) => path.join(dir, f))
            : []
        })
      : []
    if (cached.length) return cached[0]
    throw new Error(`cannot list ${name} on ${pageUrl}: ${(err as Error).message}`, { cause: err })
  }
  const file = page.find((f) => wanted(f.filename))
  if (!file) throw new Error(`${pageUrl} lists no sdist of ${name} ${version}`)
  const dest = path.join(cacheDir, file.sha256, file.filename)
  if (fs.existsSync(dest)) return dest
  const res = await fetch(file.url)
  if (!res.ok) throw new Error(`downloading ${file.filename}: ${res.status} ${res.statusText}`)
  const data = new Uint8Array(await res.arrayBuffer())
  const got = sha256Of(data)
  if (got !== file.sha256) {
    throw new Error(`${file.filename} downloaded with sha256 ${got}, the index says ${file.sha256}`)
  }
  fs.mkdirSync(path.dirname(dest), { recursive: true })
  const part = `${dest}.part-${process.pid}`
  fs.writeFileSync(part, data)
  fs.renameSync(part, dest)
  return dest
}
