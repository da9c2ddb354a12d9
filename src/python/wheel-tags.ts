/**
 * PEP 503 project names. (The platform tags a target accepts are its platform module's: macos-target.ts's
 * macosPlatforms, windows-job.ts's windowsPipTarget.)
 */

/** PEP 503 normalised project name. */
export function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-')
}
