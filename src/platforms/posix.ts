import * as path from 'node:path'
import { exactEnvKey, patchDirs, toolCacheArch, type PythonSearch } from './common.js'

const p = path.posix

/** Interpreter candidates shared by Linux and macOS: setup-python's tool cache, PATH, then pyenv. */
export function posixPythonCandidates(s: PythonSearch): string[] {
  const found: string[] = []
  const cache = p.join(s.toolCache, 'Python')
  for (const v of patchDirs(s.listDir(cache), s.version)) {
    found.push(p.join(cache, v, toolCacheArch(s.arch), 'bin', 'python3'))
  }
  const exe = `python${s.version}`
  for (const dir of (s.env.PATH ?? '').split(':').filter(Boolean)) {
    if (s.listDir(dir).includes(exe)) found.push(p.join(dir, exe))
  }
  const pyenv = p.join(s.env.PYENV_ROOT || p.join(s.home, '.pyenv'), 'versions')
  for (const v of patchDirs(s.listDir(pyenv), s.version)) {
    found.push(p.join(pyenv, v, 'bin', exe))
  }
  return found
}

/** What Linux and macOS share: POSIX paths, exact variable names, venvs with bin/. */
export const posix = {
  paths: p,
  envKey: exactEnvKey,
  pythonCommand: 'python3',
  venvBin: (venv: string): string => p.join(venv, 'bin'),
  venvPython: (venv: string): string => p.join(venv, 'bin', 'python')
}
