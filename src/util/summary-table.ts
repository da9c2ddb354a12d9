/** The header row of a step-summary table. */
export function headerRow(...names: string[]): Array<{ data: string; header: true }> {
  return names.map((data) => ({ data, header: true }))
}

/** Text made safe for the summary's HTML. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
