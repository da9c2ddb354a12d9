/**
 * Endpoint URLs that receive a token (anaconda-url, and the release inputs' index URLs): https, or plain http
 * only to this machine (loopback), so a token never crosses a network in clear text.
 */
import { InputError } from '../errors.js'
import { hasControl } from './text.js'

/** Loopback hosts by the WHATWG URL parser's spelling: localhost, 127.0.0.0/8, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase()
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  )
}

/**
 * An endpoint URL, returned without a trailing slash. Refused: no scheme, a scheme other than https (http to
 * a loopback host excepted), a user or password in the URL, a query or fragment, whitespace or control
 * characters. The error names the input and never repeats a password. `allowQuery` accepts a query (a
 * download URL).
 */
export function endpointUrl(input: string, value: string, opts: { allowQuery?: boolean } = {}): string {
  const fix = 'give an https:// URL (http:// only to localhost or 127.0.0.1), e.g. https://api.anaconda.org.'
  if (!value) throw new InputError(input, `it is empty: ${fix}`)
  if (hasControl(value) || /\s/.test(value)) {
    throw new InputError(input, `it contains whitespace or a control character: ${fix}`)
  }
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new InputError(input, `${JSON.stringify(value)} is not a URL (no scheme such as https://): ${fix}`)
  }
  if (url.username || url.password) {
    throw new InputError(
      input,
      `the URL holds a user name or password: remove it (tokens are inputs of their own).`
    )
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InputError(
      input,
      `http://${url.host} is plain http to another machine: the token would travel unencrypted. Use https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(input, `the scheme ${url.protocol.replace(/:$/, '')} is not allowed: ${fix}`)
  }
  if (!opts.allowQuery && (url.search || url.hash || value.includes('?') || value.includes('#'))) {
    throw new InputError(input, `the URL has a query or fragment (? or #): give the API's base URL only.`)
  }
  return (url.origin + url.pathname).replace(/\/+$/, '')
}
