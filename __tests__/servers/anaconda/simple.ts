/**
 * PEP 503 simple index of the fake pypi.anaconda.org, per owner and label:
 *   /OWNER/simple/                      projects with files labelled `main`
 *   /OWNER/label/LABEL/simple/          projects with files labelled LABEL
 *   /t/TOKEN/OWNER/...                  the same, private packages included for a token that may read them
 *   .../simple/PROJECT/                 anchors `<a href=".../simple/PROJECT/VERSION/FILE#sha256=HEX">FILE</a>`
 *   .../simple/PROJECT/VERSION/FILE     the exact bytes
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Auth } from './auth.js'
import { HttpError, sendBytes } from './http.js'
import type { Dist, Package, Store } from './store.js'

/** PEP 503 name normalisation. */
export const normalizeName = (name: string): string => name.replace(/[-_.]+/g, '-').toLowerCase()

const esc = (s: string): string => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`)
const enc = encodeURIComponent

function page(title: string, body: string): string {
  return (
    '<!DOCTYPE html>\n<html>\n<head>\n<meta name="pypi:repository-version" content="1.0">\n' +
    `<title>${esc(title)}</title>\n</head>\n<body>\n<h1>${esc(title)}</h1>\n${body}</body>\n</html>\n`
  )
}

/** Serves a simple-index request; false when the path is not a simple-index path. */
export function handleSimple(
  store: Store,
  auth: Auth,
  req: IncomingMessage,
  res: ServerResponse,
  segs: string[]
): boolean {
  let token: string | undefined
  let prefix = ''
  if (segs[0] === 't' && segs.length >= 3) {
    token = segs[1]
    prefix = `/t/${enc(token)}`
    segs = segs.slice(2)
  }
  const owner = segs[0]
  let label = 'main'
  let rest: string[]
  let root: string
  if (segs[1] === 'simple') {
    rest = segs.slice(2)
    root = `${prefix}/${enc(owner)}/simple`
  } else if (segs[1] === 'label' && segs.length >= 4 && segs[3] === 'simple') {
    label = segs[2]
    rest = segs.slice(4)
    root = `${prefix}/${enc(owner)}/label/${enc(label)}/simple`
  } else {
    return false
  }
  if (req.method !== 'GET' && req.method !== 'HEAD')
    throw new HttpError(405, `method ${req.method} not allowed`)
  if (!store.accounts.has(owner)) throw new HttpError(404, `User "${owner}" does not exist`)
  const grant = token === undefined ? undefined : auth.identifyToken(token)
  const readable = (p: Package): boolean => p.public || auth.mayRead(grant, owner)
  const labelled = (p: Package): Dist[] =>
    p.releases.flatMap((r) => r.dists).filter((d) => d.labels.includes(label))
  const projects = store.ownerPackages(owner).filter((p) => readable(p) && labelled(p).length > 0)

  if (rest.length === 0) {
    const names = [...new Set(projects.map((p) => normalizeName(p.name)))].sort()
    const links = names.map((n) => `<a href="${root}/${enc(n)}/">${esc(n)}</a><br>\n`).join('')
    sendBytes(res, 200, 'text/html; charset=utf-8', page(`Simple index of ${owner} (${label})`, links))
    return true
  }
  const project = rest[0]
  const pkg = projects.find((p) => normalizeName(p.name) === normalizeName(project))
  if (!pkg) throw new HttpError(404, `"${project}" could not be found`)
  const norm = normalizeName(pkg.name)
  if (rest.length === 1) {
    if (project !== norm) {
      res.writeHead(301, { Location: `${root}/${enc(norm)}/`, 'Content-Length': 0 })
      res.end()
      return true
    }
    const links = labelled(pkg)
      .map(
        (d) =>
          `<a href="${root}/${enc(norm)}/${enc(d.version)}/${enc(d.basename)}#sha256=${d.sha256}">` +
          `${esc(d.basename)}</a><br>\n`
      )
      .join('')
    sendBytes(res, 200, 'text/html; charset=utf-8', page(`Links for ${norm}`, links))
    return true
  }
  if (rest.length === 3) {
    const dist = labelled(pkg).find((d) => d.version === rest[1] && d.basename === rest[2])
    if (!dist) throw new HttpError(404, `file ${rest[2]} does not exist`)
    sendBytes(res, 200, 'application/octet-stream', dist.data)
    return true
  }
  return false
}
