/**
 * The planned venvs written out for the plan tests: the tools venv and uv's own venv, each as its reuse
 * check, make and installs, in pip's form and (the tools venv, uv being planned) uv's with pip's beside it.
 */
import { TOOLS_TXT, UV_TXT } from '../harness/plan-fixtures.js'
import { PYTHON, uvOf, WIN, type Target } from './plan-expected.js'

const UV_VARS = {
  UV_SYSTEM_CERTS: '1',
  UV_NATIVE_TLS: '1',
  UV_NO_CONFIG: '1',
  UV_INDEX_STRATEGY: 'unsafe-best-match'
}
const FLAGS = ['--disable-pip-version-check', '--no-input']

/** pip's form: venv without pip, the interpreter's pip with --python, else the venv's own (ensurepip). */
function pipForm(t: Target, label: string, dir: string, packages: string[], optional: string[] = []): object {
  const py = t.f === WIN ? t.f.join(dir, 'Scripts', 'python.exe') : t.f.join(dir, 'bin', 'python')
  const file = t.f.join(dir, 'constraints.txt')
  const env = { set: { PIP_CACHE_DIR: t.pipCache } }
  const what = `installing ${packages.join(', ')} into the ${label}`
  const whatOptional = `installing ${optional.join(', ')} into the ${label}`
  const opt = (command: string | typeof PYTHON, args: string[]) =>
    optional.length
      ? { optional: { command, args: [...args, ...FLAGS, '-c', file, ...optional], env, what: whatOptional } }
      : {}
  return {
    create: { command: PYTHON, args: ['-m', 'venv', dir, '--without-pip'], env, what: `making the ${label}` },
    install: [
      {
        command: PYTHON,
        args: ['-m', 'pip', '--python', py, 'install', ...FLAGS, '-c', file, ...packages],
        env,
        what
      }
    ],
    ...opt(PYTHON, ['-m', 'pip', '--python', py, 'install']),
    ownPip: {
      ensurepip: {
        command: py,
        args: ['-m', 'ensurepip', '--default-pip'],
        env,
        what: `giving the ${label} its own pip`
      },
      install: [
        { command: py, args: ['-m', 'pip', 'install', ...FLAGS, '-c', file, ...packages], env, what }
      ],
      ...opt(py, ['-m', 'pip', 'install'])
    }
  }
}

function common(t: Target, label: string, dir: string, packages: string[], text: string): object {
  const bin = t.f.join(dir, t.f.bin)
  const py = t.f === WIN ? t.f.join(dir, 'Scripts', 'python.exe') : t.f.join(dir, 'bin', 'python')
  return {
    label,
    dir,
    bin,
    python: py,
    packages,
    marker: t.f.join(dir, '.complete'),
    stamp: '',
    constraints: { file: t.f.join(dir, 'constraints.txt'), text },
    check: { command: py, args: ['-c', 'pass'], what: `checking the ${label} runs` }
  }
}

/**
 * The tools venv: uv makes and fills it; pip's form beside it. `optional`: the compiler cache's tool off
 * Linux, installed last and allowed to fail, named in the stamp.
 */
export function toolsVenv(t: Target, dir: string, packages: string[], optional: string[] = []): object {
  const uv = uvOf(t)
  const py = t.f === WIN ? t.f.join(dir, 'Scripts', 'python.exe') : t.f.join(dir, 'bin', 'python')
  const env = { set: { PIP_CACHE_DIR: t.pipCache, ...UV_VARS, UV_CACHE_DIR: uv.cacheDir } }
  const file = t.f.join(dir, 'constraints.txt')
  return {
    ...common(t, 'tools venv', dir, [...packages, ...optional], TOOLS_TXT),
    ...(optional.length
      ? {
          stamp: `with ${optional.join(' ')}`,
          optional: {
            command: uv.exe,
            args: ['pip', 'install', '--python', py, '-c', file, ...optional],
            env,
            what: `installing ${optional.join(', ')} into the tools venv`
          }
        }
      : {}),
    create: { command: uv.exe, args: ['venv', '--python', PYTHON, dir], env, what: 'making the tools venv' },
    install: [
      {
        command: uv.exe,
        args: ['pip', 'install', '--python', py, '-c', t.f.join(dir, 'constraints.txt'), ...packages],
        env,
        what: `installing ${packages.join(', ')} into the tools venv`
      }
    ],
    pipFallback: pipForm(t, 'tools venv', dir, packages, optional)
  }
}

/** uv's own venv: pip makes it and installs the pin. */
export function uvVenv(t: Target): object {
  const { dir } = uvOf(t)
  const label = 'uv venv (uv==0.13.8)'
  return { ...common(t, label, dir, ['uv'], UV_TXT), ...pipForm(t, label, dir, ['uv']) }
}
