// Unit tests never start a process: the real @actions/exec fails loudly if anything reaches it.
import { vi } from 'vitest'

vi.mock('@actions/exec', () => {
  const refuse = (): never => {
    throw new Error('unit tests must not run external commands: pass a recording Runner instead')
  }
  return { exec: refuse, getExecOutput: refuse }
})

// Nor do they reach the network: a connection to anything but this machine (loopback, a unix socket)
// throws where it is made. Tests that need a server start one on 127.0.0.1.
import net from 'node:net'

type ConnectArgs = Parameters<typeof net.Socket.prototype.connect>
const connect = net.Socket.prototype.connect
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i
net.Socket.prototype.connect = function guarded(this: net.Socket, ...args: ConnectArgs) {
  // net.connect() hands its normalized arguments on as one array ([options, callback]).
  const raw = args as unknown[]
  const [first, second] = Array.isArray(raw[0]) ? (raw[0] as unknown[]) : raw
  const o =
    typeof first === 'object' && first !== null
      ? (first as { host?: string; port?: number; path?: string })
      : typeof first === 'string' && !/^\d+$/.test(first)
        ? { path: first }
        : { port: Number(first), host: typeof second === 'string' ? second : undefined }
  const host = o.host ?? 'localhost'
  if (!o.path && !LOOPBACK.test(host)) {
    throw new Error(
      `unit tests must not reach the network (a connection to ${host}:${o.port}): start a server on 127.0.0.1`
    )
  }
  return connect.apply(this, args)
} as typeof connect
