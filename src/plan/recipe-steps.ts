/**
 * The recipe commands a plan will run, as `dipy-wheels plan` prints them. The prefix's cache key is only
 * known at run time and is shown as a placeholder (it hashes the compiler the run finds); the source is at
 * its fixed directory (sources.ts's SOURCE_DIR_NAME). Each step carries the prefix's variables, extending
 * what the run finds (printed as $NAME).
 */
import { planRecipeSteps, prefixEnv, recipeSrcRoot, type RecipeStep } from '../dependencies/plan.js'
import type { Recipe } from '../dependencies/recipes.js'
import { SOURCE_DIR_NAME } from '../dependencies/sources.js'
import { platformModule } from '../platforms/index.js'
import type { BuildPlan } from './types.js'

export const KEY_PLACEHOLDER = '<key>'

export interface PlannedRecipe {
  recipe: Recipe
  steps: RecipeStep[]
}

/** Every recipe of the plan with its steps, in build order (the macOS libomp recipe is not included). */
export function plannedRecipes(plan: BuildPlan): PlannedRecipe[] {
  const p = platformModule(plan.platform).paths
  const deps = plan.dependencies
  const layout = {
    prefix: p.join(deps.cacheRoot, KEY_PLACEHOLDER, 'prefix'),
    buildRoot: p.join(deps.workDir, 'build'),
    srcRoot: p.join(deps.workDir, 'src')
  }
  // The variables the prefix extends, as the run will find them: shown by name.
  const names = Object.keys(prefixEnv(layout.prefix, plan.platform, {}))
  const base = Object.fromEntries(names.map((n) => [n, `$${n}`]))
  return deps.recipes.map((recipe) => {
    const root = p.join(recipeSrcRoot(recipe, layout, plan.platform), SOURCE_DIR_NAME)
    const src = recipe.subdir ? p.join(root, recipe.subdir) : root
    return {
      recipe,
      steps: planRecipeSteps(recipe, src, layout, plan.platform, deps.jobs, deps.windows, base)
    }
  })
}
