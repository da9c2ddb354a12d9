import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import { workflowBuildCommit } from './workflow-siblings.js'

/** Where the ref to build came from. */
export type RefSource = 'input' | 'env' | 'workflow' | 'schedule'

export interface ResolvedRef {
  ref: string
  source: RefSource
}

const REF_RULES: Array<[RegExp | ((s: string) => boolean), string]> = [
  [(s) => s.length === 0, 'it is empty'],
  [/^-/, "it begins with '-' (it would be read as an option)"],
  [/\s/, 'it contains whitespace'],
  // eslint-disable-next-line no-control-regex
  [/[\x00-\x1f\x7f]/, 'it contains a control character'],
  [/\.\./, "it contains '..'"],
  [/@\{/, "it contains '@{'"],
  [/\\/, "it contains '\\'"],
  [/[~^:?*[]/, 'it contains one of ~ ^ : ? * ['],
  [/\.lock$/, "it ends in '.lock'"],
  [/\/$/, "it ends in '/'"]
]

/**
 * Refuses a ref that is not a plain tag, branch or SHA, before any git call sees it.
 * The error names the input and the rule that was broken.
 */
export function validateRef(ref: string, input: string): string {
  for (const [rule, why] of REF_RULES) {
    const broken = typeof rule === 'function' ? rule(ref) : rule.test(ref)
    if (broken) {
      throw new InputError(
        input,
        `${JSON.stringify(ref)} is not a valid git ref: ${why}. Give a tag (e.g. 1.12.1), a branch or a commit SHA.`
      )
    }
  }
  return ref
}

/** The workflow file of GITHUB_WORKFLOW_REF (owner/repo/.github/workflows/x.yml@refs/heads/main), inside the workspace. */
export function workflowFilePath(workflowRef: string, workspace: string): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(workflowRef)
  if (!m) return undefined
  const file = path.resolve(workspace, m[1])
  return file.startsWith(path.resolve(workspace) + path.sep) ? file : undefined
}

/** env.BUILD_COMMIT at the top of a workflow file, read as a string (1.10 stays "1.10"). */
export const buildCommitFromWorkflow = workflowBuildCommit

export interface RefContext {
  input: string
  nightlyRef: string
  eventName: string
  envBuildCommit: string | undefined
  workflowRef: string
  workspace: string
}

/**
 * input → BUILD_COMMIT → env.BUILD_COMMIT of the running workflow → error.
 * A schedule event always builds the nightly ref, as the old system did.
 */
export function resolveBuildCommit(ctx: RefContext): ResolvedRef {
  if (ctx.eventName === 'schedule') {
    return { ref: validateRef(ctx.nightlyRef, 'nightly-ref'), source: 'schedule' }
  }
  if (ctx.input) return { ref: validateRef(ctx.input, 'build-commit'), source: 'input' }
  const fromEnv = ctx.envBuildCommit?.trim()
  if (fromEnv) return { ref: validateRef(fromEnv, 'build-commit'), source: 'env' }
  const file = workflowFilePath(ctx.workflowRef, ctx.workspace)
  if (file && fs.existsSync(file)) {
    let fromFile: string | undefined
    try {
      fromFile = buildCommitFromWorkflow(fs.readFileSync(file, 'utf8'))
    } catch (err) {
      throw new InputError(
        'build-commit',
        `could not read env.BUILD_COMMIT from ${file}: ${(err as Error).message}`
      )
    }
    if (fromFile) return { ref: validateRef(fromFile, 'build-commit'), source: 'workflow' }
  }
  throw new InputError(
    'build-commit',
    'no ref to build. Set the build-commit input, or BUILD_COMMIT in the env: block at the top of the workflow (e.g. BUILD_COMMIT: "1.12.1").'
  )
}
