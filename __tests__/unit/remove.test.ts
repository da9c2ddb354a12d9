/** Removals retry on Windows, where a scanner or the indexer holds new files open for a moment. */
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { describe, expect, it } from 'vitest'
import { removeRetries, removeTree } from '../../src/util/remove.js'

describe('removeTree', () => {
  it("gives node's rmSync retries on Windows (it retries EBUSY, EPERM, ENOTEMPTY...), none elsewhere", () => {
    const win = removeRetries('win32')
    expect(win.maxRetries).toBeGreaterThanOrEqual(3)
    expect((win.maxRetries ?? 0) * (win.retryDelay ?? 100)).toBeGreaterThanOrEqual(1000)
    expect(removeRetries('linux')).toEqual({})
    expect(removeRetries('darwin')).toEqual({})
  })

  it('removes a tree, with those options, and a missing path is no error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dw-rm-'))
    fs.mkdirSync(path.join(dir, 'a', 'b'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'a', 'b', 'f'), 'x')
    removeTree(dir, 'win32')
    expect(fs.existsSync(dir)).toBe(false)
    expect(() => removeTree(dir)).not.toThrow()
  })
})
