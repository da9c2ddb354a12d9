/**
 * A local fake of the GitHub Actions artifact service (the protocol @actions/artifact 2+ speaks):
 * Twirp JSON `CreateArtifact`/`FinalizeArtifact`, and an Azure block-blob endpoint on the same
 * server (path style, so the Azure SDK treats `/devstoreaccount1/artifacts/<blob>` as account,
 * container, blob). Blocks are stored by id and assembled in the order of the `comp=blocklist` XML,
 * as Azure does, so concurrent block uploads cannot reorder the blob.
 */
import { createHash } from 'node:crypto'
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'

const TWIRP = '/twirp/github.actions.results.api.v1.ArtifactService/'
const RUN = 'run-1'
const JOB = 'job-1'

export interface FakeArtifact {
  /** The blob as assembled from the committed block list (empty until committed). */
  zip: Buffer
  finalized: boolean
  /** What the client reported in FinalizeArtifact: the byte count and "sha256:<hex>". */
  size: number
  hash: string
  id?: number
}

export interface ArtifactService {
  /** The origin, e.g. http://127.0.0.1:34567 */
  url: string
  /** ACTIONS_RESULTS_URL and ACTIONS_RUNTIME_TOKEN as the runner sets them for a JS step. */
  env: { ACTIONS_RESULTS_URL: string; ACTIONS_RUNTIME_TOKEN: string }
  artifacts: Map<string, FakeArtifact>
  /** Every request in arrival order: "CreateArtifact <name>", "PutBlock", "PutBlockList", "FinalizeArtifact <name>", ... */
  calls: string[]
  close(): Promise<void>
}

const b64url = (s: string): string => Buffer.from(s).toString('base64url')

/** An unsigned JWT whose scp claim carries the run and job backend ids, as the client expects. */
export function runtimeToken(run = RUN, job = JOB): string {
  const header = b64url(JSON.stringify({ alg: 'none', typ: 'JWT' }))
  const claims = b64url(JSON.stringify({ scp: `Actions.GenericRead:x Actions.Results:${run}:${job}` }))
  return `${header}.${claims}.sig`
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** A Twirp error; 4xx statuses are not retried by the client, so tests fail fast. */
function twirpError(res: http.ServerResponse, status: number, code: string, msg: string): void {
  json(res, status, { code, msg })
}

export async function start(): Promise<ArtifactService> {
  const token = runtimeToken()
  const artifacts = new Map<string, FakeArtifact>()
  const calls: string[] = []
  /** Uncommitted blocks per blob path, by block id. */
  const blocks = new Map<string, Map<string, Buffer>>()
  /** Blob path (decoded) → artifact name. */
  const blobs = new Map<string, string>()
  let nextId = 4242
  let origin = ''

  const twirp = async (
    method: string,
    req: http.IncomingMessage,
    res: http.ServerResponse
  ): Promise<void> => {
    const body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Record<string, unknown>
    const name = String(body.name ?? '')
    calls.push(`${method} ${name}`)
    if (req.headers.authorization !== `Bearer ${token}`) {
      return twirpError(res, 401, 'unauthenticated', 'bad or missing runtime token')
    }
    if (body.workflow_run_backend_id !== RUN || body.workflow_job_run_backend_id !== JOB) {
      return twirpError(res, 400, 'invalid_argument', 'backend ids do not match the runtime token')
    }
    if (method === 'CreateArtifact') {
      if (body.version !== 7) return twirpError(res, 400, 'invalid_argument', 'version must be 7')
      if (artifacts.get(name)?.finalized) {
        return twirpError(res, 409, 'already_exists', `an artifact named ${name} already exists in this run`)
      }
      artifacts.set(name, { zip: Buffer.alloc(0), finalized: false, size: 0, hash: '' })
      const blobPath = `/devstoreaccount1/artifacts/${encodeURIComponent(name)}.zip`
      blobs.set(decodeURIComponent(blobPath), name)
      blocks.set(decodeURIComponent(blobPath), new Map())
      return json(res, 200, { ok: true, signed_upload_url: `${origin}${blobPath}?sig=fakesig` })
    }
    if (method === 'FinalizeArtifact') {
      const artifact = artifacts.get(name)
      if (!artifact) return twirpError(res, 404, 'not_found', `no artifact named ${name} was created`)
      const hash = (body.hash as string | undefined) ?? ''
      artifact.size = Number(body.size)
      artifact.hash = hash
      artifact.finalized = true
      artifact.id = nextId++
      return json(res, 200, { ok: true, artifact_id: String(artifact.id) })
    }
    return twirpError(res, 404, 'bad_route', `no method ${method}`)
  }

  const blob = async (url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const blobPath = decodeURIComponent(url.pathname)
    const name = blobs.get(blobPath)
    const body = await readBody(req)
    const comp = url.searchParams.get('comp')
    const pending = blocks.get(blobPath)
    if (req.method !== 'PUT' || !name || !pending || url.searchParams.get('sig') !== 'fakesig') {
      calls.push(`Blob ${req.method} ${url.pathname} rejected`)
      res.writeHead(403).end()
      return
    }
    if (comp === 'block') {
      calls.push('PutBlock')
      pending.set(url.searchParams.get('blockid') ?? '', body)
    } else if (comp === 'blocklist') {
      calls.push('PutBlockList')
      const ids = [...body.toString('utf8').matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)].map(
        (m) => m[2]
      )
      const missing = ids.filter((id) => !pending.has(id))
      if (missing.length) {
        res.writeHead(400).end(`InvalidBlockList: unknown blocks ${missing.join(', ')}`)
        return
      }
      artifacts.get(name)!.zip = Buffer.concat(ids.map((id) => pending.get(id)!))
    } else {
      calls.push('PutBlob')
      artifacts.get(name)!.zip = body
    }
    const md5 = createHash('md5').update(body).digest('base64')
    res.writeHead(201, {
      ETag: `"${md5}"`,
      'Last-Modified': new Date().toUTCString(),
      'x-ms-request-id': '1'
    })
    res.end()
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin)
    const handle = url.pathname.startsWith(TWIRP)
      ? req.method === 'POST'
        ? twirp(url.pathname.slice(TWIRP.length), req, res)
        : Promise.resolve(void res.writeHead(405).end())
      : blob(url, req, res)
    handle.catch((err: unknown) => {
      if (!res.headersSent) twirpError(res, 400, 'malformed', String(err))
      else res.end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: origin,
    env: { ACTIONS_RESULTS_URL: `${origin}/`, ACTIONS_RUNTIME_TOKEN: token },
    artifacts,
    calls,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      })
  }
}
