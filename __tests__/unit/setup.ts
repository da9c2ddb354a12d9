// Unit tests never start a process: the real @actions/exec fails loudly if anything reaches it.
import { vi } from 'vitest'

vi.mock('@actions/exec', () => {
  const refuse = (): never => {
    throw new Error('unit tests must not run external commands: pass a recording Runner instead')
  }
  return { exec: refuse, getExecOutput: refuse }
})
