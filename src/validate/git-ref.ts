/**
 * Refs by git's own rules (git-check-ref-format(1), with --allow-onelevel, since a tag or branch is given
 * without refs/heads/), plus one of ours: no leading '-', which git would read as an option.
 */
import { InputError } from '../errors.js'
import { hasControl } from './text.js'

const RULES: ReadonlyArray<[(ref: string) => boolean, string]> = [
  [(s) => s.length === 0, 'it is empty'],
  [(s) => s.length > 255, 'it is longer than 255 characters'],
  [(s) => s.startsWith('-'), "it begins with '-' (it would be read as an option)"],
  [(s) => hasControl(s), 'it contains a control character'],
  [(s) => / /.test(s), 'it contains a space'],
  [(s) => /[~^:]/.test(s), 'it contains one of ~ ^ :'],
  [(s) => /[?*[]/.test(s), 'it contains one of ? * ['],
  [(s) => s.includes('\\'), "it contains '\\'"],
  [(s) => s.includes('..'), "it contains '..'"],
  [(s) => s.includes('@{'), "it contains '@{'"],
  [(s) => s === '@', "it is the single character '@'"],
  [(s) => s.startsWith('/'), "it begins with '/'"],
  [(s) => s.endsWith('/'), "it ends with '/'"],
  [(s) => s.includes('//'), "it contains '//'"],
  [(s) => s.endsWith('.'), "it ends with '.'"],
  [(s) => s.split('/').some((c) => c.startsWith('.')), "a part between slashes begins with '.'"],
  [(s) => s.split('/').some((c) => c.endsWith('.lock')), "a part between slashes ends with '.lock'"]
]

/** Why a ref breaks git's rules, or undefined when it is a valid ref name. */
export function refProblem(ref: string): string | undefined {
  return RULES.find(([broken]) => broken(ref))?.[1]
}

/** Refuses a ref that is not a valid tag, branch or SHA name, naming the input and the rule. */
export function gitRef(input: string, ref: string): string {
  const why = refProblem(ref)
  if (why) {
    throw new InputError(
      input,
      `${JSON.stringify(ref)} is not a valid git ref: ${why}. Give a tag (e.g. 1.12.1), a branch or a commit SHA.`
    )
  }
  return ref
}
