/**
 * The recipe commands a plan will run, as `dipy-wheels plan` prints them. Two parts are only known at run
 * time and are shown as placeholders: the prefix's cache key (it hashes the compiler the run finds) and the
 * top directory of an extracted archive.
 */
import { planRecipeSteps, recipeSrcRoot, type RecipeStep } from '../dependencies/plan.js'
import type { Recipe } from '../dependencies/recipes.js'
import { platformModule } from '../platforms/index.js'
import type { BuildPlan } from './types.js'

export const KEY_PLACEHOLDER = '<key>'
export const SOURCE_PLACEHOLDER = '<source>'

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
  return deps.recipes.map((recipe) => {
    const root = p.join(recipeSrcRoot(recipe, layout, plan.platform), SOURCE_PLACEHOLDER)
    const src = recipe.subdir ? p.join(root, recipe.subdir) : root
    return {
      recipe,
      steps: planRecipeSteps(recipe, src, layout, plan.platform, deps.jobs, deps.windows)
    }
  })
}
