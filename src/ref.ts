import * as fs from 'node:fs'
import * as path from 'node:path'
import { InputError } from './errors.js'
import { gitRef } from './validate/git-ref.js'
import { siblingBuildCommitWarning, siblingWorkflowPath, workflowBuildCommit } from './workflow-siblings.js'

/** Where the ref to build came from. */
export type RefSource = 'input' | 'env' | 'workflow' | 'schedule'

export interface ResolvedRef {
  ref: string
  source: RefSource
}

/**
 * Refuses a ref that is not a valid tag, branch or SHA name (git-check-ref-format rules), before any git
 * call sees it. The error names the input and the rule that was broken.
 */
export const validateRef = (ref: string, input: string): string => gitRef(input, ref)

/** The workflow file of GITHUB_WORKFLOW_REF (owner/repo/.github/workflows/x.yml@refs/heads/main), inside the workspace. */
export function workflowFilePath(workflowRef: string, workspace: string): string | undefined {
  const m = /^[^/]+\/[^/]+\/(.+?)@/.exec(workflowRef)
  if (!m) return undefined
  const file = path.resolve(workspace, m[1])
  return file.startsWith(path.resolve(workspace) + path.sep) ? file : undefined
}

/**
 * A warning when the wheel workflow this run is in and its sibling (build-wheels.yml, build-wheels-windows.yml)
 * set different BUILD_COMMITs: a release would build two dipy commits.
 */
export function siblingWarning(workflowRef: string, workspace: string): string | undefined {
  const file = workflowFilePath(workflowRef, workspace)
  const sibling = file ? siblingWorkflowPath(file) : undefined
  if (!file || !sibling || !fs.existsSync(file) || !fs.existsSync(sibling)) return undefined
  const read = (p: string) => ({ path: path.relative(workspace, p), content: fs.readFileSync(p, 'utf8') })
  return siblingBuildCommitWarning(read(file), read(sibling))
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
  // nightly-ref is checked on every event: a push compares the built ref with it.
  const nightlyRef = validateRef(ctx.nightlyRef, 'nightly-ref')
  if (ctx.eventName === 'schedule') return { ref: nightlyRef, source: 'schedule' }
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
