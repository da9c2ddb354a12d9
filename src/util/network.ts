import { CommandError } from '../errors.js'

const NETWORK_FAILURE =
  /could not resolve host|unable to access|connection (refused|reset|timed out)|timed out|early eof|rpc failed|remote end hung up|the remote end|tls|ssl|HTTP [0-9]*\s*5\d\d|returned error: 5\d\d|temporary failure/i

/** A command (git, a download) that failed on the network, so trying again may help. */
export function isNetworkFailure(err: unknown): boolean {
  return err instanceof CommandError && NETWORK_FAILURE.test(err.tail)
}
