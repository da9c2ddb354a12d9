/**
 * GitHub's cache service (@actions/cache), for directories kept between jobs: the dependency prefixes and
 * the compiler cache. Loaded only when the runner offers the service; callers turn failures into warnings
 * (a cache can always be rebuilt).
 */
import { withoutSecrets } from '../exec.js'

export interface SharedCache {
  available(): boolean
  /** The key restored (exact, or by one of the prefixes), or undefined. Several directories: one entry. */
  restore(dir: string | string[], key: string, restoreKeys?: string[]): Promise<string | undefined>
  save(dir: string | string[], key: string): Promise<void>
}

/**
 * What @actions/cache reads from the environment in-process (the service's address and the runner's token).
 * Its tar and zstd children inherit the whole of process.env (its cacheUtils.getVersion and tar's
 * execCommands pass it on), so every other secret is taken out of process.env while it runs.
 */
const CACHE_SERVICE_VARS = new Set([
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_URL'
])

/** The service as the runner offers it to JavaScript actions (ACTIONS_CACHE_URL or ACTIONS_RESULTS_URL). */
export function githubCache(env: Readonly<Record<string, string | undefined>>): SharedCache {
  return {
    available: () => Boolean(env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL),
    async restore(dir, key, restoreKeys = []) {
      const cache = await import('@actions/cache')
      return withoutSecrets(CACHE_SERVICE_VARS, () => cache.restoreCache([dir].flat(), key, restoreKeys))
    },
    async save(dir, key) {
      const cache = await import('@actions/cache')
      await withoutSecrets(CACHE_SERVICE_VARS, () => cache.saveCache([dir].flat(), key))
    }
  }
}
