/**
 * Removing a directory tree that may be busy for a moment: on Windows a virus scanner or the search indexer
 * holds files just written open, and rmSync fails with EBUSY or EPERM. node's rmSync retries those errors
 * (EBUSY, EMFILE, ENFILE, ENOTEMPTY, EPERM) with a linear backoff when given maxRetries (node's fs.rmSync
 * documentation); elsewhere a failure is real and reported at once.
 */
import * as fs from 'node:fs'

/** The retry options for this platform. */
export function removeRetries(platform: NodeJS.Platform = process.platform): fs.RmOptions {
  return platform === 'win32' ? { maxRetries: 10, retryDelay: 200 } : {}
}

/** rm -rf, retried on Windows. */
export function removeTree(target: string, platform: NodeJS.Platform = process.platform): void {
  fs.rmSync(target, { recursive: true, force: true, ...removeRetries(platform) })
}
