/**
 * pip's configuration, as uv's variables. uv reads neither pip.conf nor PIP_* (its compatibility notes say
 * so), so a user whose pip is configured (another index, find-links, a constraint, a certificate, a proxy)
 * would get other packages from uv than from pip. On the target, `<python> -m pip config list` prints
 * every setting pip sees (files and PIP_* variables); each key `pip install` reads is mapped onto the uv
 * variable of the same meaning (uv's environment reference), a key that changes nothing installed is
 * skipped, and any other key is returned as unmappable: pip then makes the venvs.
 */

/** One line of `pip config list`: `section.key=<Python repr of the value>`. */
export interface PipSetting {
  section: string
  key: string
  value: string
}

/** A Python string literal as repr() prints it ('…' or "…", backslash escapes); undefined if it is not one. */
export function pythonStringLiteral(text: string): string | undefined {
  const quote = text[0]
  if ((quote !== "'" && quote !== '"') || text.length < 2 || text[text.length - 1] !== quote) return undefined
  const body = text.slice(1, -1)
  const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t' }
  let out = ''
  for (let i = 0; i < body.length; i++) {
    const c = body[i]
    if (c === quote) return undefined
    if (c !== '\\') {
      out += c
      continue
    }
    const e = body[++i]
    if (e !== undefined && e in simple) out += simple[e]
    else {
      const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
      const hex = body.slice(i + 1, i + 1 + width)
      if (!width || !new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) return undefined
      out += String.fromCodePoint(parseInt(hex, 16))
      i += width
    }
  }
  return out
}

/** The settings `pip config list` printed; throws on a line it cannot read (the caller falls back to pip). */
export function parsePipConfigList(text: string): PipSetting[] {
  const out: PipSetting[] = []
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue
    const m = /^([^=\s]+?)\.([^.=\s]+)=(.*)$/.exec(line)
    const value = m ? pythonStringLiteral(m[3]) : undefined
    if (!m || value === undefined)
      throw new Error(`a line of pip config list that is not section.key='value'`)
    out.push({ section: m[1], key: m[2], value })
  }
  return out
}

/** pip's long options spelled two ways (a config key is a long option's name without the dashes). */
const ALIASES: Record<string, string> = { 'default-timeout': 'timeout', 'require-venv': 'require-virtualenv' }

/**
 * What `pip install` takes from the settings: [global], then [install], then PIP_* (":env:") override one
 * another whole, key by key (pip's ConfigOptionParser); other commands' sections do not apply.
 */
export function effectiveForInstall(settings: readonly PipSetting[]): Map<string, string> {
  const out = new Map<string, string>()
  for (const section of ['global', 'install', ':env:']) {
    for (const s of settings) if (s.section === section) out.set(ALIASES[s.key] ?? s.key, s.value)
  }
  return out
}

/** Keys that change how pip talks or logs, never what it installs (uv has its own cache in the tool cache). */
const NO_EFFECT = new Set([
  'disable-pip-version-check',
  'no-input',
  'no-color',
  'progress-bar',
  'quiet',
  'verbose',
  'log',
  'log-file',
  'local-log',
  'no-python-version-warning',
  'root-user-action',
  'no-warn-script-location',
  'no-warn-conflicts',
  'require-virtualenv',
  'break-system-packages',
  'exists-action',
  'cache-dir',
  'no-cache-dir',
  'compile',
  'no-compile',
  'config-file'
])

/** pip's boolean spellings (strtobool); undefined for anything else (pip itself refuses it). */
function pipBool(v: string): boolean | undefined {
  const s = v.trim().toLowerCase()
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(s)) return true
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(s)) return false
  return undefined
}

/** A list option's values: pip splits a setting on whitespace. */
const words = (v: string): string[] => v.split(/\s+/).filter(Boolean)

export interface UvFromPip {
  /** The variables every uv command gets. */
  env: Record<string, string>
  /** pip's constraint files (absolute): uv takes them from UV_CONSTRAINT only where a command gives no -c. */
  constraints: string[]
  /** Keys uv cannot take as pip does (pip makes the venvs when there is any). */
  unmappable: string[]
}

type Mapper = (value: string, out: UvFromPip, isAbsolute: (p: string) => boolean) => boolean

const bool =
  (name: string, value: string): Mapper =>
  (v, out) => {
    const b = pipBool(v)
    if (b === undefined) return false
    if (b) out.env[name] = value
    return true
  }

/** A single file's path (an empty one is pip's own error). */
const file =
  (name: string): Mapper =>
  (v, out) => {
    if (!v.trim()) return false
    out.env[name] = v.trim()
    return true
  }

/** Each key `pip install` reads that uv has a variable for, and how its value is carried over. */
const MAPPERS: Record<string, Mapper> = {
  'index-url': (v, out) => {
    const [url, ...more] = words(v)
    if (url && !more.length) out.env.UV_DEFAULT_INDEX = url
    return !more.length
  },
  'extra-index-url': (v, out) => {
    if (words(v).length) out.env.UV_INDEX = words(v).join(' ')
    return true
  },
  // UV_FIND_LINKS is comma-separated: a location with a comma in it cannot be said there.
  'find-links': (v, out) => {
    if (words(v).some((w) => w.includes(','))) return false
    if (words(v).length) out.env.UV_FIND_LINKS = words(v).join(',')
    return true
  },
  'no-index': bool('UV_NO_INDEX', 'true'),
  // A constraint file also constrains what a source build installs under pip (its build env's pip reads
  // the same configuration): UV_BUILD_CONSTRAINT. Relative paths and URLs depend on where pip runs: kept
  // for pip.
  constraint: (v, out, isAbsolute) => {
    const files = words(v)
    if (!files.every(isAbsolute)) return false
    if (files.length) {
      out.env.UV_CONSTRAINT = files.join(' ')
      out.env.UV_BUILD_CONSTRAINT = files.join(' ')
      out.constraints.push(...files)
    }
    return true
  },
  // pip verifies with this bundle; uv adds it to the authorities it trusts (a host pip reaches, uv does).
  cert: file('SSL_CERT_FILE'),
  'client-cert': file('SSL_CLIENT_CERT'),
  'trusted-host': (v, out) => {
    if (words(v).length) out.env.UV_INSECURE_HOST = words(v).join(' ')
    return true
  },
  // pip's --proxy serves both schemes and wins over the environment's proxies.
  proxy: (v, out) => {
    if (!v.trim()) return true
    out.env.HTTP_PROXY = v.trim()
    out.env.HTTPS_PROXY = v.trim()
    return true
  },
  // uv takes whole seconds: pip's fraction rounded up.
  timeout: (v, out) => {
    const t = Number(v.trim())
    if (!v.trim() || !Number.isFinite(t) || t <= 0) return false
    out.env.UV_HTTP_TIMEOUT = String(Math.ceil(t))
    return true
  },
  retries: (v, out) => {
    if (!/^\d+$/.test(v.trim())) return false
    out.env.UV_HTTP_RETRIES = v.trim()
    return true
  },
  pre: bool('UV_PRERELEASE', 'allow'),
  'require-hashes': bool('UV_REQUIRE_HASHES', 'true'),
  // uv asks no keyring unless told to: pip's "disabled" is uv's default.
  'keyring-provider': (v) => v.trim() === 'disabled'
}

/** uv's variables for pip's settings as `pip install` reads them; unknown keys are unmappable. */
export function uvFromPip(settings: readonly PipSetting[], isAbsolute: (p: string) => boolean): UvFromPip {
  const out: UvFromPip = { env: {}, constraints: [], unmappable: [] }
  for (const [key, value] of effectiveForInstall(settings)) {
    if (NO_EFFECT.has(key)) continue
    const map = MAPPERS[key]
    if (!map || !map(value, out, isAbsolute)) out.unmappable.push(key)
  }
  return out
}
