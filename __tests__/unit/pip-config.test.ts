/**
 * pip's configuration as uv's variables (python/pip-config.ts), read from what pip itself prints: each
 * test writes a pip.conf and PIP_* variables, runs `python3 -m pip config list` on them
 * (harness/pip-config-text.ts), and checks the variables against uv's environment reference (UV_INDEX is
 * space-separated, UV_FIND_LINKS comma-separated, UV_HTTP_TIMEOUT whole seconds, ...) and pip's rules
 * (PIP_* over [install] over [global], a setting replaced whole; lists split on whitespace).
 */
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parsePipConfigList, pythonStringLiteral, uvFromPip } from '../../src/python/pip-config.js'
import { pipConfigList } from '../harness/pip-config-text.js'

const posix = (p: string): boolean => path.posix.isAbsolute(p)
const mapped = (conf: string, vars: Record<string, string> = {}, abs = posix) =>
  uvFromPip(parsePipConfigList(pipConfigList(conf, vars)), abs)

describe("pip's configuration as uv's variables", () => {
  it("a machine like this one: file indexes, find-links, a constraint, a certificate, pip's timeout", () => {
    const conf = [
      '[global]',
      'extra-index-url =',
      '    file:///opt/pypi/simple',
      '    file:///opt/pypi-more/simple',
      'find-links = /opt/wheels',
      'constraint = /etc/xdg/pip/constraints.txt',
      'cert = /etc/ssl/certs/ca-certificates.crt',
      'timeout = 12.5',
      'trusted-host = pypi.internal mirror.internal:8443',
      '[install]',
      'find-links = /srv/w1 /srv/w2',
      '[wheel]',
      'no-binary = :all:',
      ''
    ].join('\n')
    const vars = { PIP_DEFAULT_TIMEOUT: '180', PIP_DISABLE_PIP_VERSION_CHECK: '1' }
    expect(mapped(conf, vars)).toEqual({
      env: {
        UV_INDEX: 'file:///opt/pypi/simple file:///opt/pypi-more/simple',
        // [install] replaces [global]'s list whole; uv's list is comma-separated.
        UV_FIND_LINKS: '/srv/w1,/srv/w2',
        UV_CONSTRAINT: '/etc/xdg/pip/constraints.txt',
        UV_BUILD_CONSTRAINT: '/etc/xdg/pip/constraints.txt',
        SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt',
        // PIP_DEFAULT_TIMEOUT (an alias of timeout) wins over the file's 12.5.
        UV_HTTP_TIMEOUT: '180',
        UV_INSECURE_HOST: 'pypi.internal mirror.internal:8443'
      },
      constraints: ['/etc/xdg/pip/constraints.txt'],
      // [wheel] is another command's section; disable-pip-version-check and config-file change nothing.
      unmappable: []
    })
  })

  it('the index replaced, no index, booleans as pip spells them, a proxy with a quote, whole seconds', () => {
    const conf = [
      '[global]',
      'index-url = https://mirror.internal/simple',
      'no-index = yes',
      'pre = off',
      'require-hashes = 1',
      'retries = 7',
      'timeout = 2.5',
      'client-cert = /etc/pip/client.pem',
      'keyring-provider = disabled',
      ''
    ].join('\n')
    expect(mapped(conf, { PIP_PROXY: "http://u:p'w@proxy.internal:3128" })).toEqual({
      env: {
        UV_DEFAULT_INDEX: 'https://mirror.internal/simple',
        UV_NO_INDEX: 'true',
        UV_REQUIRE_HASHES: 'true',
        UV_HTTP_RETRIES: '7',
        UV_HTTP_TIMEOUT: '3',
        SSL_CLIENT_CERT: '/etc/pip/client.pem',
        HTTP_PROXY: "http://u:p'w@proxy.internal:3128",
        HTTPS_PROXY: "http://u:p'w@proxy.internal:3128"
      },
      constraints: [],
      unmappable: []
    })
    expect(mapped('[global]\npre = true\n').env).toEqual({ UV_PRERELEASE: 'allow' })
  })

  it("Windows paths come back whole from pip's escapes", () => {
    const conf = '[global]\ncert = C:\\certs\\ca.pem\nconstraint = C:\\pip\\c.txt\n'
    const text = pipConfigList(conf)
    expect(text).toContain("global.cert='C:\\\\certs\\\\ca.pem'")
    expect(uvFromPip(parsePipConfigList(text), (p) => path.win32.isAbsolute(p))).toEqual({
      env: {
        SSL_CERT_FILE: 'C:\\certs\\ca.pem',
        UV_CONSTRAINT: 'C:\\pip\\c.txt',
        UV_BUILD_CONSTRAINT: 'C:\\pip\\c.txt'
      },
      constraints: ['C:\\pip\\c.txt'],
      unmappable: []
    })
  })

  it('settings uv cannot take as pip does are named, each once', () => {
    const conf = [
      '[global]',
      'no-binary = :all:',
      'constraint = constraints.txt',
      'find-links = /srv/a,b',
      'keyring-provider = subprocess',
      'timeout = 0',
      '[install]',
      'prefer-binary = yes',
      'user = true',
      'no-binary = numpy',
      ''
    ].join('\n')
    const r = mapped(conf, { PIP_NO_BUILD_ISOLATION: '0', PIP_ONLY_BINARY: ':all:' })
    expect([...r.unmappable].sort()).toEqual([
      'constraint',
      'find-links',
      'keyring-provider',
      'no-binary',
      'no-build-isolation',
      'only-binary',
      'prefer-binary',
      'timeout',
      'user'
    ])
  })

  it('nothing configured: no variable, nothing unmappable', () => {
    expect(mapped('')).toEqual({ env: {}, constraints: [], unmappable: [] })
  })

  it("a line that is not pip's section.key='value' is refused, not guessed", () => {
    expect(() => parsePipConfigList("global.cert='/a'\nWARNING: something\n")).toThrow(/not section\.key/)
    expect(pythonStringLiteral("'a\\'b'")).toBe("a'b")
    expect(pythonStringLiteral('"a\'b"')).toBe("a'b")
    expect(pythonStringLiteral("'\\x41\\u00e9\\n'")).toBe('A\u00e9\n')
    expect(pythonStringLiteral("'a'b'")).toBeUndefined()
  })
})
