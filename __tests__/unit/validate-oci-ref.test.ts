import { describe, expect, it } from 'vitest'
import { containerInput, isImageReference } from '../../src/validate/oci-ref.js'

describe('image references (OCI grammar)', () => {
  it.each([
    'quay.io/pypa/manylinux_2_28_x86_64',
    'quay.io/pypa/manylinux2014_aarch64:2025.01.05-1',
    'ubuntu',
    'ubuntu:24.04',
    'localhost:5000/my/image',
    'registry.example.org:443/a__b/c-d/e.f:latest',
    `ghcr.io/o/r@sha256:${'a'.repeat(64)}`,
    `ghcr.io/o/r:v1@sha256:${'0'.repeat(64)}`,
    '[::1]:5000/img'
  ])('accepts %s', (ref) => {
    expect(isImageReference(ref)).toBe(true)
    expect(containerInput('container', ref)).toBe(ref)
  })

  it.each([
    '--privileged',
    '-v/:/host',
    'Ubuntu',
    'img:tag with space',
    'img:-tag',
    'a//b',
    'a/b/',
    'img@sha256:abc',
    'img:' + 'x'.repeat(129),
    `${'a'.repeat(256)}`,
    'img\n--privileged',
    'a..b',
    '',
    'host:port:tag/x'
  ])('refuses %j, naming the input', (ref) => {
    expect(isImageReference(ref)).toBe(false)
    expect(() => containerInput('container', ref)).toThrow(/^Input 'container': .*not auto, off or an image/s)
  })

  it('keeps auto and off', () => {
    expect(containerInput('container', 'auto')).toBe('auto')
    expect(containerInput('container', 'off')).toBe('off')
  })
})
