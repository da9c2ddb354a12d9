/** The upload endpoints of the fake anaconda.org: POST /stage and POST /commit (anaconda-client's Binstar.upload). */
import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { notFoundPackage, notFoundRelease, objectOr, type ApiContext } from './api.js'
import { HttpError, readJson, sendJson } from './http.js'
import { newId, timestamp, type Staged } from './store.js'
import { distView } from './views.js'

type Req = IncomingMessage
type Res = ServerResponse

export async function stage(
  ctx: ApiContext,
  req: Req,
  res: Res,
  owner: string,
  name: string,
  version: string,
  basename: string
): Promise<boolean> {
  ctx.auth.requireWrite(req, owner)
  const body = await readJson(req)
  const pkg = ctx.store.getPackage(owner, name)
  if (!pkg) throw notFoundPackage(name)
  if (!ctx.store.getRelease(pkg, version)) throw notFoundRelease(version)
  if (ctx.store.findDistInPackage(pkg, basename)) {
    throw new HttpError(409, `file ${basename} already exists for package ${name} version ${version}`)
  }
  if (body.distribution_type !== 'pypi') {
    throw new HttpError(
      400,
      `unsupported distribution_type ${JSON.stringify(body.distribution_type)}; expected "pypi"`
    )
  }
  if (typeof body.sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(body.sha256)) {
    throw new HttpError(400, 'sha256 must be the hex sha256 of the file')
  }
  const channels = body.channels ?? []
  if (!Array.isArray(channels) || !channels.every((c) => typeof c === 'string' && /^[\w.-]+$/.test(c))) {
    throw new HttpError(400, 'channels must be a list of label names')
  }
  const distId = newId()
  const key = `${owner}/${name}/${version}/${distId}/${basename}`
  const policy = { expiration: new Date(Date.now() + 3600_000).toISOString(), conditions: [{ key }] }
  const formData: Record<string, string> = {
    key,
    acl: 'private',
    success_action_status: '201',
    'Content-Type': 'application/octet-stream',
    AWSAccessKeyId: 'FAKEACCESSKEYID',
    policy: Buffer.from(JSON.stringify(policy)).toString('base64'),
    signature: createHash('sha1').update(key).digest('base64')
  }
  const staged: Staged = {
    distId,
    owner,
    name: pkg.name,
    version,
    basename,
    sha256: body.sha256.toLowerCase(),
    channels: [...new Set(channels as string[])],
    description: typeof body.description === 'string' ? body.description : null,
    attrs: objectOr(body.attrs, 'attrs'),
    dependencies: body.dependencies ?? null,
    distribution_type: body.distribution_type,
    formData
  }
  ctx.store.staged.set(distId, staged)
  sendJson(res, 200, { post_url: `${ctx.base}/s3/upload/${distId}`, form_data: formData, dist_id: distId })
  return true
}

export async function commit(
  ctx: ApiContext,
  req: Req,
  res: Res,
  owner: string,
  name: string,
  version: string,
  basename: string
): Promise<boolean> {
  ctx.auth.requireWrite(req, owner)
  const body = await readJson(req)
  const staged = typeof body.dist_id === 'string' ? ctx.store.staged.get(body.dist_id) : undefined
  if (
    !staged ||
    staged.owner !== owner ||
    staged.name.toLowerCase() !== name.toLowerCase() ||
    staged.version !== version ||
    staged.basename !== basename
  ) {
    throw new HttpError(400, `no staged upload with dist_id ${JSON.stringify(body.dist_id)} for ${basename}`)
  }
  if (!staged.upload) throw new HttpError(400, `the upload of ${basename} was not completed`)
  const sha256 = staged.upload.sha256
  if (sha256 !== staged.sha256) {
    throw new HttpError(
      400,
      `sha256 of the uploaded file ${sha256} does not match the staged ${staged.sha256}`
    )
  }
  const pkg = ctx.store.getPackage(owner, name)
  if (!pkg) throw notFoundPackage(name)
  const release = ctx.store.getRelease(pkg, version)
  if (!release) throw notFoundRelease(version)
  if (ctx.store.findDistInPackage(pkg, basename)) {
    throw new HttpError(409, `file ${basename} already exists for package ${name} version ${version}`)
  }
  const dist = {
    id: staged.distId,
    owner,
    name: pkg.name,
    version,
    basename,
    sha256,
    md5: staged.upload.md5,
    size: staged.upload.data.length,
    labels: staged.channels.length ? staged.channels : ['main'],
    upload_time: timestamp(),
    description: staged.description,
    attrs: staged.attrs,
    dependencies: staged.dependencies,
    distribution_type: staged.distribution_type,
    data: staged.upload.data
  }
  release.dists.push(dist)
  ctx.store.staged.delete(staged.distId)
  sendJson(res, 200, { ...distView(ctx.base, dist), url: `${ctx.base}/${owner}/${pkg.name}` })
  return true
}
