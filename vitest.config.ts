import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { defineConfig } from 'vitest/config'

/** The bundle imports requirements/*.txt and action.yml as text (esbuild's text loader); do the same here. */
const rawText = {
  name: 'raw-text',
  enforce: 'pre' as const,
  load(id: string) {
    const file = id.split('?')[0]
    if (/\.(txt|yml|py)$/.test(file)) return `export default ${JSON.stringify(readFileSync(file, 'utf8'))}`
    return undefined
  }
}

// Four projects: unit (pure, no processes), e2e (the bundle through the runner harness, fast fixtures),
// slow (real wheel builds of fixture packages), dipy (real dipy builds).
export default defineConfig({
  plugins: [rawText],
  test: {
    // One more worker than cores: the end-to-end tests wait on child processes and local servers much of
    // the time (on 2 cores, `npm test` took 182 s with vitest's default and 115 s with 3 workers).
    maxWorkers: availableParallelism() + 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts'],
          setupFiles: ['__tests__/unit/setup.ts']
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          setupFiles: ['__tests__/harness/cleanup-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: ['__tests__/slow/**/*.test.ts'],
          setupFiles: ['__tests__/harness/cleanup-setup.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false
        }
      },
      {
        extends: true,
        test: {
          name: 'dipy',
          include: ['__tests__/dipy/**/*.test.ts'],
          setupFiles: ['__tests__/harness/cleanup-setup.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 3_600_000,
          fileParallelism: false
        }
      }
    ]
  }
})
