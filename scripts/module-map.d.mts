// Types of module-map.mjs, for __tests__/unit/layers.test.ts.
export interface ModuleInfo {
  lines: number
  /** Every specifier the module names, in source order (`<computed>` for a computed import()). */
  specifiers: string[]
  /** Its relative specifiers, resolved (src-relative, without .ts). */
  resolved: string[]
  /** The modules of src it imports. */
  imports: string[]
}
export function specifiers(file: string, text: string): string[]
export function moduleGraph(root: string): Map<string, ModuleInfo>
export function directoryOf(mod: string): string
export function directoryGraph(modules: Map<string, ModuleInfo>): Map<string, Map<string, string[]>>
export function cycles(graph: Map<string, Map<string, unknown> | Set<string>>): string[][]
export function directoryCycles(modules: Map<string, ModuleInfo>): string[]
