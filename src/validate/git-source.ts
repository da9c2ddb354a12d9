/**
 * Git repository locations (the repository input and a recipe's git source). Allowed: https (http only to
 * this machine), ssh:// and scp-like user@host:path with an ordinary host, git://, file:// and local paths.
 * Refused before git runs: the transports that run commands (ext::, fd:: and every <helper>:: form),
 * anything that git or ssh could read as an option, and control characters.
 * See git-clone(1) "GIT URLS" and gitremote-helpers(7) for the <transport>::<address> syntax.
 */
import * as path from 'node:path'
import { InputError } from '../errors.js'
import { isLoopbackHost } from './url.js'
import { hasControl } from './text.js'

const HOST =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])$/
const USER = /^[A-Za-z0-9._~+][A-Za-z0-9._~+-]*$/
const SCHEMES = ['https', 'http', 'ssh', 'git', 'git+ssh', 'ssh+git', 'file'] as const

/** An scp-like address user@host:path (no '/' before the ':'); without a user it is read as a local path. */
const SCP = /^([^@/]+)@([^:/]+):(.*)$/s

function refuse(input: string, value: string, why: string): never {
  throw new InputError(
    input,
    `${JSON.stringify(value)} is not an allowed git location: ${why}. ` +
      'Give an https:// URL, ssh://host/path or user@host:path, git://, file:// or a local path.'
  )
}

/**
 * Checks a git location and returns it: URLs and scp-like addresses as given, local paths made absolute
 * against `base`.
 */
export function gitSource(input: string, value: string, base: string): string {
  if (!value) refuse(input, value, 'it is empty')
  if (hasControl(value)) refuse(input, value, 'it contains a control character (a newline, tab or similar)')
  if (value.startsWith('-')) refuse(input, value, "it begins with '-' and would be read as an option")
  if (/^[A-Za-z0-9+.-]+::/.test(value)) {
    refuse(input, value, 'the <transport>::<address> form runs a remote helper (ext:: and fd:: run commands)')
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase()
  if (scheme) {
    if (!(SCHEMES as readonly string[]).includes(scheme))
      refuse(input, value, `the scheme ${scheme}:// is not allowed`)
    let url: URL
    try {
      url = new URL(value)
    } catch {
      refuse(input, value, 'it is not a valid URL')
    }
    if (/\s/.test(value)) refuse(input, value, 'it contains whitespace')
    if (scheme === 'file') {
      if (url.host) refuse(input, value, 'a file:// URL names no host (file:///path)')
      return value
    }
    const host = url.hostname
    if (!host || !HOST.test(host))
      refuse(input, value, `the host ${JSON.stringify(host)} is not an ordinary host name`)
    if (url.username && !USER.test(decodeURIComponent(url.username))) {
      refuse(input, value, 'the user name begins with - or holds characters a login cannot')
    }
    if (url.password) refuse(input, value, 'the URL holds a password: use a credential helper or an ssh key')
    if (scheme === 'http' && !isLoopbackHost(host)) {
      refuse(input, value, 'plain http:// is allowed only to this machine (localhost); use https://')
    }
    return value
  }
  const scp = SCP.exec(value)
  if (scp && !path.isAbsolute(value) && !/^[A-Za-z]:[\\/]/.test(value)) {
    const [, user, host, rest] = scp
    if (!USER.test(user)) refuse(input, value, 'the user name begins with - or holds odd characters')
    if (!HOST.test(host))
      refuse(input, value, `the host ${JSON.stringify(host)} is not an ordinary host name`)
    if (rest.startsWith('-')) refuse(input, value, "the path begins with '-'")
    if (/\s/.test(value)) refuse(input, value, 'it contains whitespace')
    return value
  }
  return path.resolve(base, value)
}
