/**
 * Masks a credential in every form it travels in, so that a server echoing a request back (a 403 body
 * quoting the Authorization header) cannot put it in the log: the token itself, HTTP Basic's base64 of
 * `__token__:<token>` (how PyPI's upload takes it, RFC 7617), the base64 of the token alone, and its
 * URL-encoded form when that differs.
 */
import * as core from '@actions/core'

/** The forms of a token that are masked (longest first). */
export function credentialForms(token: string): string[] {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64')
  const forms = new Set([
    token,
    b64(`__token__:${token}`),
    b64(token),
    encodeURIComponent(token),
    encodeURIComponent(`__token__:${token}`)
  ])
  return [...forms].filter((f) => f.length >= 4).sort((a, b) => b.length - a.length)
}

export function maskCredential(token: string): void {
  if (!token) return
  for (const f of credentialForms(token)) core.setSecret(f)
}
