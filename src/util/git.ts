/**
 * Every git command the action runs: argv only, with the transports that run commands switched off
 * (`protocol.ext.allow=never`, `protocol.fd.allow=never`) and GIT_PROTOCOL_FROM_USER=0, so that no URL
 * from an input or a .gitmodules file can pick a "user" transport (git-config(1) protocol.allow). Local
 * repositories get `protocol.file.allow=always`, since their submodules are file:// too (git >= 2.38.1
 * refuses file:// submodules by default).
 */
import * as path from 'node:path'
import { CommandError } from '../errors.js'
import type { Command } from '../exec.js'
import { retryBaseDelay } from './retry.js'

export const GIT_PROTOCOL_CONFIG: readonly string[] = [
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'protocol.fd.allow=never'
]

/** Added to every git child's environment. */
export const GIT_ENV: Readonly<Record<string, string>> = { GIT_PROTOCOL_FROM_USER: '0' }

/** Whether a location is on this machine (file:// or a path): git needs protocol.file allowed for it. */
export const isLocalGitSource = (location: string): boolean =>
  location.startsWith('file://') || path.isAbsolute(location)

/** `git [-c ...] [-C dir] args...` for a repository location (decides whether file:// is allowed). */
export function gitCommand(repository: string, args: string[], dir?: string): Command {
  const file = isLocalGitSource(repository) ? ['-c', 'protocol.file.allow=always'] : []
  return {
    command: 'git',
    args: [...GIT_PROTOCOL_CONFIG, ...file, ...(dir ? ['-C', dir] : []), ...args],
    env: { ...GIT_ENV }
  }
}

const NETWORK_FAILURE =
  /could not resolve host|unable to access|connection (refused|reset|timed out)|timed out|early eof|rpc failed|remote end hung up|the remote end|tls|ssl|HTTP [0-9]*\s*5\d\d|returned error: 5\d\d|temporary failure/i

/** A git command that failed on the network (worth retrying), not on the repository or the ref. */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof CommandError && NETWORK_FAILURE.test(err.tail)
}

/** The retry policy of clones, fetches and ls-remote. */
export const gitRetry = (what: string) => ({
  attempts: 4,
  baseDelayMs: retryBaseDelay(2000),
  retryable: isNetworkFailure,
  what
})
