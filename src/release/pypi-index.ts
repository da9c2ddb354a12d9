/**
 * What an index already holds of a project: file name → sha256 (and upload time when the index says).
 * PEP 691 JSON when the index speaks it (PyPI), else the PEP 503 HTML page with `#sha256=` fragments
 * (pypiserver serves only HTML).
 */
import { UploadError } from '../errors.js'
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

/** The anchors of a PEP 503 project page. */
export function parseSimpleHtml(html: string): IndexFile[] {
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

/** The files of a PEP 691 JSON project page. */
export function parseSimpleJson(body: unknown): IndexFile[] {
  const files = (body as { files?: unknown }).files
  if (!Array.isArray(files)) throw new UploadError('the index answered JSON without a files list (PEP 691)')
  return files.map((f: Record<string, unknown>) => {
    const hashes = (f.hashes ?? {}) as Record<string, unknown>
    return {
      filename: String(f.filename),
      ...(typeof hashes.sha256 === 'string' ? { sha256: hashes.sha256.toLowerCase() } : {}),
      ...(typeof f['upload-time'] === 'string' ? { uploadTime: f['upload-time'] } : {})
    }
  })
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
    const list = type.includes('json')
      ? parseSimpleJson(res.json())
      : parseSimpleHtml(res.body.toString('utf8'))
    return new Map(list.map((f) => [f.filename, f]))
  }
}
