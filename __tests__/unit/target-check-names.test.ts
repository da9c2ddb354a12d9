/** The target check's index answers go through the same door: a file name with a path or control bytes stops it. */
import { describe, expect, it } from 'vitest'
import { projectFiles, type FetchPage } from '../../src/python/target-check.js'

const page =
  (files: unknown[]): FetchPage =>
  async () => ({
    status: 200,
    contentType: 'application/vnd.pypi.simple.v1+json',
    body: JSON.stringify({ files })
  })

describe('target check: index names', () => {
  it('passes ordinary names and refuses a path or a control character, naming the index and the entry', async () => {
    const ok = [{ filename: 'scipy-1.14.0-cp312-cp312-win_amd64.whl', yanked: false }]
    await expect(projectFiles('http://127.0.0.1:1/simple', 'scipy', page(ok))).resolves.toEqual(ok)
    await expect(
      projectFiles(
        'http://127.0.0.1:1/simple',
        'scipy',
        page([...ok, { filename: '../../scipy-1.0-py3-none-any.whl' }])
      )
    ).rejects.toThrow(
      /^the index at 127\.0\.0\.1:1 sent the file entry 1 whose file name .* holds a path separator/
    )
    await expect(
      projectFiles(
        'http://127.0.0.1:1/simple',
        'scipy',
        page([{ filename: 'scipy-1.0.tar.gz\n::warning::x' }])
      )
    ).rejects.toThrow(
      /file entry 0 whose file name "scipy-1\.0\.tar\.gz\\n::warning::x" holds a control character/
    )
  })
})
