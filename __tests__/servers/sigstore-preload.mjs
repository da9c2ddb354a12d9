// Loaded into the action's process by NODE_OPTIONS=--import (github-attest.ts): sigstore-js's mock Fulcio
// and Rekor (@sigstore/mock, through nock) at the public-good addresses, and the OIDC issuer's discovery
// document and JWKS (DW_TEST_ISSUER, DW_TEST_JWKS). Every other connection but loopback is refused, so
// nothing leaves the machine.
import nock from 'nock'
import { mockFulcio, mockRekor } from '@sigstore/mock'

nock.disableNetConnect()
nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/)
await mockFulcio({ baseURL: 'https://fulcio.sigstore.dev', strict: true })
await mockRekor({ baseURL: 'https://rekor.sigstore.dev', strict: true })
const issuer = process.env.DW_TEST_ISSUER
nock(issuer)
  .persist()
  .get('/.well-known/openid-configuration')
  .reply(200, { issuer, jwks_uri: `${issuer}/.well-known/jwks` })
  .get('/.well-known/jwks')
  .reply(200, JSON.parse(process.env.DW_TEST_JWKS))
