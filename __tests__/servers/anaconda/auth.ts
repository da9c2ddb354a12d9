/** Token authentication and authorisation of the fake anaconda.org (`Authorization: token <T>`). */
import type { IncomingMessage } from 'node:http'
import { HttpError } from './http.js'
import type { Store } from './store.js'

export type Scope = 'api:read' | 'api:write'

export interface TokenGrant {
  login: string
  scopes: Scope[]
  /** Which owners it may write (default: its login + every org). */
  owners?: string[]
}

export class Auth {
  private readonly tokens = new Map<string, TokenGrant>()

  constructor(private readonly store: Store) {}

  addToken(token: string, grant: TokenGrant): void {
    this.tokens.set(token, { ...grant, scopes: [...grant.scopes], owners: grant.owners && [...grant.owners] })
    this.store.addAccount(grant.login, 'user')
  }

  /**
   * The grant of the request's token; undefined when no Authorization header is sent.
   * A header that is present but unknown is always a 401, even for reads (like the real server).
   */
  identify(req: IncomingMessage): TokenGrant | undefined {
    const header = req.headers.authorization
    if (header === undefined) return undefined
    const m = /^token\s+(\S+)\s*$/i.exec(header)
    return this.identifyToken(m ? m[1] : '')
  }

  /** The grant of a token given in the URL (`/t/<TOKEN>/...`) or header; 401 when unknown. */
  identifyToken(token: string): TokenGrant {
    const grant = this.tokens.get(token)
    if (!grant) throw new HttpError(401, 'Authorization token is no longer valid')
    return grant
  }

  /** Requires a token (GET /user). */
  requireUser(req: IncomingMessage): TokenGrant {
    const grant = this.identify(req)
    if (!grant) throw new HttpError(401, 'Authorization header was not given')
    if (!grant.scopes.includes('api:read') && !grant.scopes.includes('api:write')) {
      throw new HttpError(
        401,
        'Authentication token does not have the sufficient scope to perform this action expected: api:read'
      )
    }
    return grant
  }

  /** Requires a token with api:write that may write to `owner`. */
  requireWrite(req: IncomingMessage, owner: string): TokenGrant {
    const grant = this.identify(req)
    if (!grant) throw new HttpError(401, 'Authorization header was not given')
    if (!grant.scopes.includes('api:write')) {
      throw new HttpError(
        401,
        'Authentication token does not have the sufficient scope to perform this action expected: api:write'
      )
    }
    if (!this.mayWrite(grant, owner)) {
      throw new HttpError(401, `Authentication token does not have permission to write to "${owner}"`)
    }
    return grant
  }

  /** Whether the request may see private packages of `owner` (anonymous: no). */
  mayRead(grant: TokenGrant | undefined, owner: string): boolean {
    return grant !== undefined && this.mayWrite(grant, owner)
  }

  private mayWrite(grant: TokenGrant, owner: string): boolean {
    if (grant.owners) return grant.owners.includes(owner)
    if (owner === grant.login) return true
    return this.store.accounts.get(owner)?.user_type === 'org'
  }
}
