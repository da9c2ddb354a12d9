import { defineConfig } from 'vitest/config'

// Four projects: unit (pure, no processes), e2e (the bundle through the runner harness, fast fixtures),
// slow (real wheel builds of fixture packages), dipy (real dipy builds).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/unit/**/*.test.ts'],
          setupFiles: ['__tests__/unit/setup.ts']
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        test: {
          name: 'slow',
          include: ['__tests__/slow/**/*.test.ts'],
          testTimeout: 900_000,
          hookTimeout: 900_000,
          fileParallelism: false
        }
      },
      {
        test: {
          name: 'dipy',
          include: ['__tests__/dipy/**/*.test.ts'],
          testTimeout: 3_600_000,
          hookTimeout: 3_600_000,
          fileParallelism: false
        }
      }
    ]
  }
})
