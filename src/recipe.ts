/**
 * What a dependency recipe is: one C/C++ library built from source into the shared prefix. Types only, below
 * the modules that hold recipes (the dependencies input, dependencies/recipes.ts, which parses and checks
 * them; the platform modules' built-in ones, like macOS's libomp) and the one that builds them.
 */
import type { PlatformName } from './host.js'

export type BuildSystem = 'cmake' | 'autotools' | 'meson' | 'script'

export type RecipeSource =
  | { kind: 'archive'; location: string /* URL, file:// URL or absolute path */; sha256: string }
  | {
      kind: 'git'
      url: string
      ref: string
      /** The commit `ref` named when the build started (resolveGitRefs), so a moved branch rebuilds. */
      commit?: string
    }

/**
 * A second archive a built-in recipe needs next to its source (LLVM's cmake/ modules next to openmp/):
 * verified by its sha256 and extracted beside the source's top directory, renamed `dir`. Not an input key.
 */
export interface Companion {
  location: string
  sha256: string
  dir: string
}

/** One C/C++ library built from source into the shared prefix. */
export interface Recipe {
  name: string
  version: string
  source: RecipeSource
  build: BuildSystem
  /** Extra arguments: to cmake/configure/meson setup, or $1... of a script. */
  args: string[]
  /** The bash script of a `build: script` recipe. */
  script?: string
  /** Build on these platforms only; all when absent. */
  platforms?: PlatformName[]
  /** Build from this directory of the source (e.g. openmp in LLVM's monorepo archive); the root when absent. */
  subdir?: string
  /** Built-in recipes only: archives extracted next to the source's top directory. */
  companions?: Companion[]
}
