/** The header row of a step-summary table. */
export function headerRow(...names: string[]): Array<{ data: string; header: true }> {
  return names.map((data) => ({ data, header: true }))
}
