/**
 * The registry of platform modules: the names `dipy-wheels plan --os` takes (GitHub's RUNNER_OS names in
 * any case, and node's process.platform names), and each hosted runner's directories (actions/runner-images:
 * the runner user's home and the _work tree; the Windows images' D:\a).
 */
import { describe, expect, it } from 'vitest'
import { parseOs, runnerLayout } from '../../src/plan/runner-layout.js'

describe('the platform registry', () => {
  it('reads RUNNER_OS and process.platform names, and nothing else', () => {
    expect(['Linux', 'macOS', 'Windows'].map(parseOs)).toEqual(['linux', 'macos', 'windows'])
    expect(['darwin', 'win32', 'mac'].map(parseOs)).toEqual(['macos', 'windows', 'macos'])
    expect(['freebsd', 'win', 'osx', ''].map(parseOs)).toEqual([undefined, undefined, undefined, undefined])
  })

  it("gives each OS its hosted runner's temp directory", () => {
    expect(runnerLayout('linux').temp).toBe('/home/runner/work/_temp')
    expect(runnerLayout('macos').temp).toBe('/Users/runner/work/_temp')
    expect(runnerLayout('windows').temp).toBe('D:\\a\\_temp')
  })
})
