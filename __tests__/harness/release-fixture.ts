/**
 * A staged release for the tests: small real wheels (one installable on this host: cp311 manylinux_2_28
 * x86_64) and an sdist, put on the anaconda.org test server through its upload protocol, with the globs
 * that expect exactly them.
 */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { uploadFile } from '../servers/anaconda/protocol-client.js'
import { makeSdist } from './sdist-factory.js'
import { makeWheel } from './wheel-factory.js'

export const RELEASE_TAGS = [
  'cp311-cp311-manylinux_2_28_x86_64',
  'cp312-cp312-manylinux_2_28_x86_64',
  'cp311-cp311-win_amd64'
]

/** The expected input for the set: one glob per wheel slot, and the sdist. */
export function expectedGlobs(name: string): string {
  return [...RELEASE_TAGS.map((t) => `${name}-*-${t}.whl`), `${name}-*.tar.gz`].join('\n')
}

/** Writes the wheels and the sdist into dir; each wheel's module records its tag (`TAG`). */
export async function makeReleaseFiles(
  dir: string,
  name: string,
  version: string,
  opts: { sizeBytes?: number } = {}
): Promise<string[]> {
  const wheels = await Promise.all(
    RELEASE_TAGS.map((tag) =>
      makeWheel(dir, {
        name,
        version,
        tag,
        sizeBytes: opts.sizeBytes,
        module: `__version__ = ${JSON.stringify(version)}\nTAG = ${JSON.stringify(tag)}\n`
      })
    )
  )
  return [...wheels, await makeSdist(dir, name, version)]
}

/** Stages the files on the test server's channel `owner` under `labels`. */
export async function stage(
  apiUrl: string,
  token: string,
  owner: string,
  name: string,
  version: string,
  files: string[],
  labels = ['main']
): Promise<void> {
  for (const file of files) {
    await uploadFile(apiUrl, token, owner, {
      name,
      version,
      basename: path.basename(file),
      data: fs.readFileSync(file),
      labels
    })
  }
}
