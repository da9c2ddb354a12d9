/**
 * How the dependency recipes are configured on an OS: what dependencies/plan.ts adds to the cmake,
 * autotools and meson steps, how the compilers find the prefix, and how the compiler counts in the
 * prefix's cache key. Each platform module supplies one (POSIX_RECIPES when it adds nothing).
 */
import type { WindowsRecipeTarget } from './windows-target.js'

/** The target a recipe is configured for when it is not the runner's own (plan.dependencies' target). */
export type RecipeTarget = WindowsRecipeTarget

export interface RecipeFlavour {
  /** cmake configure arguments for the target, before the prefix's, and variables removed for them. */
  cmakeTarget(target: RecipeTarget | undefined): { args: string[]; env?: Record<string, undefined> }
  /** cmake configure arguments after the prefix's (macOS: absolute install names in `libDir`). */
  cmakeInstall(libDir: string): string[]
  /** How autotools' `configure` script is run. */
  autotoolsConfigure(configure: string): { command: string; args: string[] }
  /** meson setup arguments for the target. */
  mesonTarget(target: RecipeTarget | undefined): string[]
  /** A meson machine file to write before the first meson recipe, if the target needs one. */
  mesonMachineFile(target: RecipeTarget | undefined): { path: string; text: string } | undefined
  /** The compilers read LIB and INCLUDE (MSVC), not -L in LDFLAGS. */
  msvcSearch: boolean
  /** The compiler as the prefix's cache key counts it (its identity, as compilerIdentity found it). */
  keyCompiler(compiler: string): string
}

/** The recipes of an OS with cc, a POSIX shell, and no target of its own. */
export const POSIX_RECIPES: RecipeFlavour = {
  cmakeTarget: () => ({ args: [] }),
  cmakeInstall: () => [],
  autotoolsConfigure: (configure) => ({ command: configure, args: [] }),
  mesonTarget: () => [],
  mesonMachineFile: () => undefined,
  msvcSearch: false,
  keyCompiler: (compiler) => compiler
}
