import { createHash } from 'node:crypto'
import * as fs from 'node:fs'

/** 16 hex digits of sha256 over the parts (NUL-separated): for cache directory names and keys. */
export function shortHash(...parts: string[]): string {
  const h = createHash('sha256')
  for (const p of parts) h.update(p).update('\0')
  return h.digest('hex').slice(0, 16)
}

/** The sha256 of a file, hex, streamed (wheels and source archives can be large). */
export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    fs.createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => h.update(chunk))
      .on('end', () => resolve(h.digest('hex')))
  })
}
