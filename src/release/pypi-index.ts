/**
 * What an index already holds of a project: file name → sha256 (and upload time when the index says).
 * PEP 691 JSON when the index speaks it (PyPI), else the PEP 503 HTML page with `#sha256=` fragments
 * (pypiserver serves only HTML).
 */
import { ServerDataError, fileNameProblem, isSafeFileName, serverFileName } from '../util/server-data.js'
import { Json } from '../util/shape.js'
import { Http, type HttpConfig } from '../publish/anaconda/http.js'
import { USER_AGENT } from './user-agent.js'

export interface IndexFile {
  filename: string
  sha256?: string
  /** ISO 8601, when the index gives it (PEP 700). */
  uploadTime?: string
}

const decodeEntities = (s: string): string =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCharCode(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')

const HEX64 = /^[0-9a-f]{64}$/

/**
 * The index's entries, checked where they enter: a name with a path separator or a control character is
 * an error naming the index and the entry; a name that is neither a wheel nor an sdist (an old egg or
 * installer) is left out, as the release never looks such a file up.
 */
function admit(server: string, files: IndexFile[]): IndexFile[] {
  return files.filter((f, i) => {
    if (!isSafeFileName(f.filename)) serverFileName(server, `the file entry ${i}`, f.filename)
    return fileNameProblem(f.filename) === undefined
  })
}

/** The anchors of a PEP 503 project page. */
export function parseSimpleHtml(html: string, server = 'the index'): IndexFile[] {
  return admit(server, anchors(html))
}

function anchors(html: string): IndexFile[] {
  const files: IndexFile[] = []
  for (const m of html.matchAll(/<a\s[^>]*href\s*=\s*["']([^"']*)["'][^>]*>([^<]*)<\/a>/gi)) {
    const href = decodeEntities(m[1])
    const sha = /#sha256=([0-9a-f]{64})/i.exec(href)?.[1]?.toLowerCase()
    const filename =
      decodeEntities(m[2]).trim() || decodeURIComponent(href.split('#')[0].split('/').pop() ?? '')
    files.push({ filename, ...(sha ? { sha256: sha } : {}) })
  }
  return files
}

/** The files of a PEP 691 JSON project page (each entry's fields of the types PEP 691 gives them). */
export function parseSimpleJson(body: unknown, server = 'the index'): IndexFile[] {
  const files = new Json(body, server).get('files')
  if (!Array.isArray(files.value)) {
    throw new ServerDataError(`${server} answered JSON without a files list (PEP 691)`)
  }
  const list = files.items().map((f) => {
    const hashes = f.get('hashes')
    const sha = hashes.has() ? hashes.get('sha256').optString()?.toLowerCase() : undefined
    const time = f.get('upload-time').optString()
    return {
      filename: f.get('filename').string(),
      ...(sha && HEX64.test(sha) ? { sha256: sha } : {}),
      ...(time ? { uploadTime: time } : {})
    }
  })
  return admit(server, list)
}

export class IndexReader {
  private readonly http: Http

  constructor(
    readonly indexUrl: string,
    http: Omit<HttpConfig, 'apiUrl' | 'token'> = {}
  ) {
    this.http = new Http({ apiUrl: indexUrl, ...http })
  }

  /** The project page URL (PEP 503: normalised name, trailing slash). */
  projectUrl(pkg: string): string {
    return `${this.indexUrl}/${encodeURIComponent(pkg)}/`
  }

  /** filename → file; an unknown project is an empty map. */
  async files(pkg: string): Promise<Map<string, IndexFile>> {
    const res = await this.http.request('GET', this.projectUrl(pkg), {
      headers: {
        Accept: 'application/vnd.pypi.simple.v1+json, text/html;q=0.1',
        'User-Agent': USER_AGENT,
        'Cache-Control': 'max-age=0'
      },
      allow: [200, 404],
      redirect: true
    })
    if (res.status === 404) return new Map()
    const type = res.headers.get('content-type') ?? ''
    const server = `the index at ${new URL(this.indexUrl).host} (${pkg})`
    const list = type.includes('json')
      ? parseSimpleJson(res.json(), server)
      : parseSimpleHtml(res.body.toString('utf8'), server)
    return new Map(list.map((f) => [f.filename, f]))
  }
}
