/** The JSON API routes of the fake anaconda.org (the calls of anaconda-client's binstar_client/__init__.py). */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Auth } from './auth.js'
import { HttpError, readJson, sendBytes, sendJson } from './http.js'
import { timestamp, type Package, type Release, type Store } from './store.js'
import { commit, stage } from './upload.js'
import { distView, packageListItem, packageView, releaseView, userView } from './views.js'

export interface ApiContext {
  store: Store
  auth: Auth
  /** http://127.0.0.1:PORT */
  base: string
}

const PACKAGE_TYPES = new Set(['conda', 'env', 'file', 'ipynb', 'pypi', 'r', 'project', 'installer'])

export const notFoundPackage = (name: string): HttpError => new HttpError(404, `"${name}" could not be found`)
export const notFoundRelease = (version: string): HttpError =>
  new HttpError(404, `release version='${version}' does not exist`)
const notAllowed = (method: string): HttpError => new HttpError(405, `method ${method} not allowed`)

type Req = IncomingMessage
type Res = ServerResponse

/** Handles an API request given its decoded path segments; false when no API route matches. */
export async function handleApi(ctx: ApiContext, req: Req, res: Res, segs: string[]): Promise<boolean> {
  const method = req.method ?? 'GET'
  const [head, ...rest] = segs
  switch (head) {
    case 'user':
      if (method !== 'GET') throw notAllowed(method)
      if (rest.length === 0) return getSelf(ctx, req, res)
      if (rest.length === 1 && rest[0] === 'orgs') return listOrgs(ctx, res, ctx.auth.requireUser(req).login)
      if (rest.length === 1) return getUser(ctx, req, res, rest[0])
      return false
    case 'users':
      if (rest.length === 2 && rest[1] === 'orgs' && method === 'GET') return listOrgs(ctx, res, rest[0])
      return false
    case 'packages':
      if (rest.length !== 1) return false
      if (method !== 'GET') throw notAllowed(method)
      return listPackages(ctx, req, res, rest[0])
    case 'package':
      if (rest.length !== 2) return false
      return packageRoute(ctx, req, res, rest[0], rest[1])
    case 'release':
      if (rest.length !== 3) return false
      return releaseRoute(ctx, req, res, rest[0], rest[1], rest[2])
    case 'dist':
      if (rest.length === 5 && rest[3] === '-') return distRoute(ctx, req, res, rest, { id: rest[4] })
      if (rest.length !== 4) return false
      return distRoute(ctx, req, res, rest, { basename: rest[3] })
    case 'stage':
      if (rest.length !== 4) return false
      if (method !== 'POST') throw notAllowed(method)
      return stage(ctx, req, res, rest[0], rest[1], rest[2], rest[3])
    case 'commit':
      if (rest.length !== 4) return false
      if (method !== 'POST') throw notAllowed(method)
      return commit(ctx, req, res, rest[0], rest[1], rest[2], rest[3])
    case 'download': {
      if (rest.length !== 4) return false
      if (method !== 'GET') throw notAllowed(method)
      const pkg = visiblePackage(ctx, req, rest[0], rest[1])
      const dist = ctx.store.getRelease(pkg, rest[2])?.dists.find((d) => d.basename === rest[3])
      if (!dist) throw new HttpError(404, `file ${rest[3]} does not exist`)
      sendBytes(res, 200, 'application/octet-stream', dist.data)
      return true
    }
    default:
      return false
  }
}

function getSelf(ctx: ApiContext, req: Req, res: Res): boolean {
  const grant = ctx.auth.requireUser(req)
  const account = ctx.store.accounts.get(grant.login)
  sendJson(res, 200, userView(account ?? { login: grant.login, user_type: 'user', created_at: timestamp() }))
  return true
}

function getUser(ctx: ApiContext, req: Req, res: Res, login: string): boolean {
  ctx.auth.identify(req)
  const account = ctx.store.accounts.get(login)
  if (!account) throw new HttpError(404, `User "${login}" does not exist`)
  sendJson(res, 200, userView(account))
  return true
}

function listOrgs(ctx: ApiContext, res: Res, login: string): boolean {
  if (!ctx.store.accounts.has(login)) throw new HttpError(404, `User "${login}" does not exist`)
  const orgs = [...ctx.store.accounts.values()].filter((a) => a.user_type === 'org')
  sendJson(res, 200, orgs.map(userView))
  return true
}

function listPackages(ctx: ApiContext, req: Req, res: Res, owner: string): boolean {
  const grant = ctx.auth.identify(req)
  if (!ctx.store.accounts.has(owner)) throw new HttpError(404, `User "${owner}" does not exist`)
  const pkgs = ctx.store.ownerPackages(owner).filter((p) => p.public || ctx.auth.mayRead(grant, owner))
  sendJson(res, 200, pkgs.map(packageListItem))
  return true
}

/** A package the request may read; private packages are 404 to anyone who may not write the owner. */
function visiblePackage(ctx: ApiContext, req: Req, owner: string, name: string): Package {
  const grant = ctx.auth.identify(req)
  const pkg = ctx.store.getPackage(owner, name)
  if (!pkg || (!pkg.public && !ctx.auth.mayRead(grant, owner))) throw notFoundPackage(name)
  return pkg
}

function requireOwner(ctx: ApiContext, owner: string): void {
  if (!ctx.store.accounts.has(owner)) throw new HttpError(404, `User "${owner}" does not exist`)
}

export function objectOr(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value)) throw new HttpError(400, `${what} must be an object`)
  return value as Record<string, unknown>
}

async function packageRoute(
  ctx: ApiContext,
  req: Req,
  res: Res,
  owner: string,
  name: string
): Promise<boolean> {
  const method = req.method
  if (method === 'GET') {
    sendJson(res, 200, packageView(ctx.base, visiblePackage(ctx, req, owner, name)))
    return true
  }
  if (method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') throw notAllowed(String(method))
  ctx.auth.requireWrite(req, owner)
  requireOwner(ctx, owner)
  const existing = ctx.store.getPackage(owner, name)
  if (method === 'DELETE') {
    if (!existing) throw notFoundPackage(name)
    ctx.store.removePackage(existing)
    sendJson(res, 201, {})
    return true
  }
  const body = await readJson(req)
  if (method === 'PATCH') {
    if (!existing) throw notFoundPackage(name)
    Object.assign(existing.public_attrs, body)
    if (typeof body.summary === 'string') existing.summary = body.summary
    if (typeof body.public === 'boolean') existing.public = body.public
    sendJson(res, 200, packageView(ctx.base, existing))
    return true
  }
  if (existing) throw new HttpError(409, `Package "${owner}/${name}" already exists`)
  const attrs = objectOr(body.public_attrs, 'public_attrs')
  const types = attrs.package_types ?? []
  if (!Array.isArray(types) || !types.every((t) => typeof t === 'string' && PACKAGE_TYPES.has(t))) {
    throw new HttpError(400, `invalid package_types ${JSON.stringify(types)}`)
  }
  const pkg: Package = {
    owner,
    name,
    public: body.public !== false,
    publish: body.publish === true,
    summary: typeof attrs.summary === 'string' ? attrs.summary : null,
    license: attrs.license ?? null,
    package_types: types as string[],
    public_attrs: attrs,
    created_at: timestamp(),
    releases: []
  }
  ctx.store.addPackage(pkg)
  sendJson(res, 200, packageView(ctx.base, pkg))
  return true
}

async function releaseRoute(
  ctx: ApiContext,
  req: Req,
  res: Res,
  owner: string,
  name: string,
  version: string
): Promise<boolean> {
  const method = req.method
  if (method === 'GET') {
    const pkg = visiblePackage(ctx, req, owner, name)
    const release = ctx.store.getRelease(pkg, version)
    if (!release) throw notFoundRelease(version)
    sendJson(res, 200, releaseView(ctx.base, pkg, release))
    return true
  }
  if (method !== 'POST' && method !== 'PATCH' && method !== 'DELETE') throw notAllowed(String(method))
  ctx.auth.requireWrite(req, owner)
  const pkg = ctx.store.getPackage(owner, name)
  if (!pkg) throw notFoundPackage(name)
  const existing = ctx.store.getRelease(pkg, version)
  if (method === 'DELETE') {
    if (!existing) throw notFoundRelease(version)
    ctx.store.removeRelease(pkg, existing)
    sendJson(res, 201, {})
    return true
  }
  const body = await readJson(req)
  if (method === 'PATCH') {
    if (!existing) throw notFoundRelease(version)
    Object.assign(existing.public_attrs, objectOr(body.public_attrs ?? body, 'public_attrs'))
    sendJson(res, 200, releaseView(ctx.base, pkg, existing))
    return true
  }
  if (existing) throw new HttpError(409, `release version='${version}' already exists`)
  const { requirements, announce, ...attrs } = body
  const release: Release = {
    version,
    created_at: timestamp(),
    requirements: Array.isArray(requirements) ? requirements : [],
    announce: announce ?? null,
    public_attrs: { description: null, ...attrs, version },
    dists: []
  }
  pkg.releases.push(release)
  sendJson(res, 200, releaseView(ctx.base, pkg, release))
  return true
}

async function distRoute(
  ctx: ApiContext,
  req: Req,
  res: Res,
  [owner, name, version]: string[],
  key: { basename?: string; id?: string }
): Promise<boolean> {
  const method = req.method
  const what = key.basename ?? `id ${key.id}`
  if (method === 'GET') {
    const pkg = visiblePackage(ctx, req, owner, name)
    const dist = ctx.store
      .getRelease(pkg, version)
      ?.dists.find((d) => d.basename === key.basename || d.id === key.id)
    if (!dist) throw new HttpError(404, `file ${what} does not exist`)
    sendJson(res, 200, distView(ctx.base, dist))
    return true
  }
  if (method !== 'DELETE') throw notAllowed(String(method))
  ctx.auth.requireWrite(req, owner)
  const pkg = ctx.store.getPackage(owner, name)
  if (!pkg) throw notFoundPackage(name)
  const release = ctx.store.getRelease(pkg, version)
  if (!release) throw notFoundRelease(version)
  const dist = release.dists.find((d) => d.basename === key.basename || d.id === key.id)
  if (!dist) throw new HttpError(404, `file ${what} does not exist`)
  ctx.store.removeDist(pkg, release, dist)
  sendJson(res, 200, distView(ctx.base, dist))
  return true
}
