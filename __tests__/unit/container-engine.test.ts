/** The engine's failures told apart by what docker prints (texts of docker/cli and the registries). */
import { describe, expect, it } from 'vitest'
import { classifyEngineFailure, engineMessage, registryOf } from '../../src/container/engine.js'

describe('classifyEngineFailure', () => {
  const cases: Array<[string, ReturnType<typeof classifyEngineFailure>]> = [
    [
      'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?',
      'daemon'
    ],
    [
      'error during connect: Get "http://%2F%2F.%2Fpipe%2Fdocker_engine/v1.24/version": open //./pipe/docker_engine: The system cannot find the file specified.',
      'daemon'
    ],
    [
      'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: Get "http://%2Fvar%2Frun%2Fdocker.sock/v1.24/version": dial unix /var/run/docker.sock: connect: permission denied',
      'permission'
    ],
    [
      'Error response from daemon: Get "https://quay.io/v2/": dial tcp: lookup quay.io on 127.0.0.53:53: no such host',
      'dns'
    ],
    [
      'Error response from daemon: Get "https://quay.io/v2/": dial tcp: lookup quay.io: Temporary failure in name resolution',
      'dns'
    ],
    [
      'Error response from daemon: Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io on 10.0.0.2:53: server misbehaving',
      'dns'
    ],
    [
      'Error response from daemon: manifest for quay.io/pypa/manylinux_2_28_x86_64:nope not found: manifest unknown: manifest unknown',
      'not-found'
    ],
    [
      "Error response from daemon: pull access denied for nothing/here, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
      'not-found'
    ],
    ['Error response from daemon: Head "https://ghcr.io/v2/o/i/manifests/1": unauthorized', 'auth'],
    ['Error response from daemon: Get "https://quay.io/v2/": net/http: TLS handshake timeout', 'transient'],
    ['Error response from daemon: received unexpected HTTP status: 503 Service Unavailable', 'transient'],
    ['Error response from daemon: toomanyrequests: You have reached your pull rate limit.', 'transient'],
    ['something else entirely', 'other']
  ]
  for (const [text, kind] of cases) {
    it(`${kind}: ${text.slice(0, 60)}`, () => expect(classifyEngineFailure(text)).toBe(kind))
  }
})

describe('registryOf and the messages', () => {
  it('names the registry of an image reference (Docker Hub for a bare name)', () => {
    expect(registryOf('quay.io/pypa/manylinux_2_28_x86_64')).toBe('quay.io')
    expect(registryOf('localhost:5000/img:1')).toBe('localhost:5000')
    expect(registryOf('pypa/manylinux')).toBe('docker.io')
    expect(registryOf('debian:bookworm')).toBe('docker.io')
  })

  it('a name resolution failure names the host and the way out, in one line', () => {
    const m = engineMessage(
      'dns',
      { engine: 'docker', image: 'quay.io/pypa/x:1' },
      'lookup quay.io: no such host'
    )
    expect(m).toBe(
      "Cannot pull quay.io/pypa/x:1: the registry's name quay.io does not resolve (lookup quay.io: no such host). " +
        "Check the image name and this runner's DNS, load the image beforehand (docker load), or set container: off to build on the host."
    )
    expect(m).not.toContain('\n')
  })
})
