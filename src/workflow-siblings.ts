/**
 * The two wheel workflows (Linux/macOS and Windows) each carry `env: BUILD_COMMIT:` at the top, as the old
 * dipy-wheels did with its two CI configurations. A release bumps both; forgetting one builds two different
 * dipy versions under one release. This module compares them: the CI check (scripts/check-build-commit.mjs)
 * fails on a disagreement, and the action warns when the workflow it runs in disagrees with its sibling.
 *
 * Pure and dependency-light on purpose: only `yaml`, so that node runs this file directly (type stripping)
 * from scripts/. Values are read with YAML's failsafe schema, where every scalar is a string: an unquoted
 * 1.10 stays "1.10" instead of becoming the number 1.1 (YAML 1.2 spec, 10.1 "Failsafe Schema").
 */
import { parse } from 'yaml'

/** The wheel workflows, each the sibling of the other. */
export const WHEEL_WORKFLOWS = ['build-wheels.yml', 'build-wheels-windows.yml'] as const

export interface WorkflowFile {
  /** The file's path as the caller knows it (used in messages only). */
  path: string
  /** The file's text. */
  content: string
}

/** A workflow's top-level env.BUILD_COMMIT as a string, or undefined when it has none (or an empty one). */
export function workflowBuildCommit(content: string): string | undefined {
  const doc = parse(content, { schema: 'failsafe' }) as { env?: Record<string, unknown> } | null
  const value = doc?.env?.BUILD_COMMIT
  return typeof value === 'string' && value.trim() ? value.trim() : undefined
}

/** The base name of a path in either flavour (a/b.yml, a\b.yml). */
const baseName = (file: string): string => file.split(/[\\/]/).pop() ?? file

/**
 * The sibling of a wheel workflow: the same directory, the other name of WHEEL_WORKFLOWS, in the path's own
 * separator. Undefined for any other workflow (ci.yml has no sibling).
 */
export function siblingWorkflowPath(workflowPath: string): string | undefined {
  const base = baseName(workflowPath)
  const i = (WHEEL_WORKFLOWS as readonly string[]).indexOf(base)
  if (i < 0) return undefined
  return workflowPath.slice(0, workflowPath.length - base.length) + WHEEL_WORKFLOWS[1 - i]
}

type Read = { ok: true; value: string | undefined } | { ok: false; error: string }

function read(file: WorkflowFile): Read {
  try {
    return { ok: true, value: workflowBuildCommit(file.content) }
  } catch (err) {
    return { ok: false, error: `${file.path} is not valid YAML: ${(err as Error).message.split('\n')[0]}` }
  }
}

/**
 * For the running action: a warning when the workflow it runs in and its sibling both set BUILD_COMMIT and
 * the two differ, or when the sibling cannot be read. Undefined when they agree, or when either sets none
 * (a workflow may rely on the build-commit input instead).
 */
export function siblingBuildCommitWarning(running: WorkflowFile, sibling: WorkflowFile): string | undefined {
  const a = read(running)
  const b = read(sibling)
  if (!b.ok) return `could not compare BUILD_COMMIT with the sibling workflow: ${b.error}`
  if (!a.ok || a.value === undefined || b.value === undefined || a.value === b.value) return undefined
  return (
    `BUILD_COMMIT disagrees between the wheel workflows: ${running.path} builds ${JSON.stringify(a.value)}, ` +
    `${sibling.path} builds ${JSON.stringify(b.value)}. A release should build one dipy commit on every ` +
    `OS: set the same env.BUILD_COMMIT at the top of both files.`
  )
}

/**
 * For CI: the problems that make the wheel workflows disagree. Each file must set a BUILD_COMMIT, and all
 * must set the same one. An empty list means they agree.
 */
export function buildCommitProblems(files: WorkflowFile[]): string[] {
  const problems: string[] = []
  const values = new Map<string, string>()
  for (const file of files) {
    const r = read(file)
    if (!r.ok) problems.push(r.error)
    else if (r.value === undefined)
      problems.push(`${file.path} sets no env.BUILD_COMMIT at the top (e.g. BUILD_COMMIT: '1.12.1').`)
    else values.set(file.path, r.value)
  }
  if (new Set(values.values()).size > 1) {
    const list = [...values].map(([file, value]) => `${file}: ${JSON.stringify(value)}`).join(', ')
    problems.push(
      `env.BUILD_COMMIT differs between the wheel workflows (${list}): set the same value in each.`
    )
  }
  return problems
}
