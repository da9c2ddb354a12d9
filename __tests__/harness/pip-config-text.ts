/**
 * What `pip config list` prints for a pip.conf and PIP_* variables, made by pip itself: the file is written
 * to a temp directory and named by PIP_CONFIG_FILE (which also hides the user's own file), the machine's
 * PIP_* variables are left out, and the lines of the machine's global files (/etc/pip.conf and the like,
 * which pip always reads) are dropped unless the test's file or variables name the same setting.
 */
import { execFileSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

/** The section.key names a pip.conf sets (its [section] headers and `key =` lines). */
function namesIn(conf: string): Set<string> {
  const names = new Set<string>()
  let section = ''
  for (const line of conf.split('\n')) {
    const header = /^\[(.+)\]\s*$/.exec(line)
    if (header) section = header[1]
    const key = /^([\w-]+)\s*=/.exec(line)
    if (key && section) names.add(`${section}.${key[1]}`)
  }
  return names
}

export function pipConfigList(conf: string, vars: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-pipconf-'))
  try {
    const file = path.join(dir, 'pip.conf')
    fs.writeFileSync(file, conf)
    const env: Record<string, string> = {}
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('PIP_')) env[k] = v
    const out = execFileSync('python3', ['-m', 'pip', 'config', 'list'], {
      // As the action lists it: `pip config`'s own --user/--site/--global off (a setting named user would
      // otherwise turn on --user and hide the other scopes).
      env: { ...env, ...vars, PIP_CONFIG_FILE: file, PIP_USER: '0', PIP_SITE: '0', PIP_GLOBAL: '0' },
      encoding: 'utf8'
    })
    const names = namesIn(conf)
    for (const k of Object.keys(vars)) names.add(`:env:.${k.slice(4).toLowerCase().replace(/_/g, '-')}`)
    names.add(':env:.config-file')
    return out
      .split('\n')
      .filter((l) => names.has(l.slice(0, l.indexOf('='))))
      .join('\n')
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
