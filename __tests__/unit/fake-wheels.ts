/** Wheels for stage tests: real zip files with the entries a repair tool would leave (grafted libraries). */
import * as fs from 'node:fs'
import * as path from 'node:path'
import { zipSync } from 'fflate'

export function writeWheel(file: string, entries: string[] = []): void {
  const files: Record<string, Uint8Array> = { 'pkg/__init__.py': new Uint8Array() }
  for (const e of entries) files[e] = new Uint8Array([1])
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, zipSync(files))
}
