/**
 * Where the wheels go (the upload step of dipy-wheels' build-wheels.yml: nightlies on schedule, tags to
 * staging): a pure decision from the event, the resolved ref and the inputs. It is made once, before
 * anything is built, so a required upload without its token fails in seconds instead of after the build.
 */
import { InputError } from '../errors.js'
import { DEFAULT_NIGHTLY_REF } from '../util/action-defaults.js'
import type { IfExists } from './anaconda/upload.js'

export type UploadTargetName = 'nightly' | 'staging' | 'none'

/** The decision; JSON-safe and free of secrets (it is the `upload-target` output). */
export interface UploadDecision {
  target: UploadTargetName
  /** The anaconda.org owner; empty for none. */
  channel: string
  labels: string[]
  /** Why, in words: "push of tag 1.9.0 → staging". */
  reason: string
  ifExists: IfExists
  dryRun: boolean
  /** 0 keeps every version (always 0 unless nightly). */
  keepVersions: number
  anacondaUrl: string
  /** The input that holds the token of this target. */
  tokenInput: 'nightly-token' | 'staging-token' | ''
}

export interface DecisionContext {
  eventName: string
  /** The resolved BUILD_COMMIT. */
  ref: string
  /** The ref scheduled builds use (input nightly-ref, default master). */
  nightlyRef: string
}

/** The upload input. */
export type UploadMode = 'auto' | 'nightly' | 'staging' | 'none'

/** The inputs the decision reads. */
interface DecisionInputs {
  upload: UploadMode
  dryRun: boolean
  nightlyChannel: string
  stagingChannel: string
  labels: readonly string[]
  anacondaUrl: string
  ifExists?: IfExists
  keepVersions: number
}

/** The tokens (never part of the decision itself). */
interface Tokens {
  nightlyToken: string
  stagingToken: string
}

/** The target for `upload: auto`: the old system's rules with its always-true `if:` fixed. */
export function autoTarget(ctx: DecisionContext): { target: UploadTargetName; reason: string } {
  if (ctx.eventName === 'schedule') return { target: 'nightly', reason: 'schedule event → nightly' }
  if (ctx.eventName === 'push') {
    if (ctx.ref === DEFAULT_NIGHTLY_REF || ctx.ref === ctx.nightlyRef) {
      return { target: 'nightly', reason: `push building ${ctx.ref} → nightly` }
    }
    return { target: 'staging', reason: `push building ${ctx.ref} → staging` }
  }
  return {
    target: 'none',
    reason: `${ctx.eventName || 'unknown'} event → no upload (set upload: nightly or staging to upload)`
  }
}

export function decideUpload(inputs: DecisionInputs, ctx: DecisionContext): UploadDecision {
  const { target, reason } =
    inputs.upload === 'auto'
      ? autoTarget(ctx)
      : { target: inputs.upload, reason: `upload: ${inputs.upload} (${ctx.eventName} event)` }
  const channel =
    target === 'nightly' ? inputs.nightlyChannel : target === 'staging' ? inputs.stagingChannel : ''
  return {
    target,
    channel,
    labels: [...inputs.labels],
    reason,
    ifExists: inputs.ifExists ?? (target === 'nightly' ? 'replace' : 'fail'),
    dryRun: inputs.dryRun,
    keepVersions: target === 'nightly' ? inputs.keepVersions : 0,
    anacondaUrl: inputs.anacondaUrl,
    tokenInput: target === 'nightly' ? 'nightly-token' : target === 'staging' ? 'staging-token' : ''
  }
}

/** The token of the decision's target ('' when there is none). */
export function tokenFor(decision: UploadDecision, inputs: Tokens): string {
  if (decision.target === 'nightly') return inputs.nightlyToken
  if (decision.target === 'staging') return inputs.stagingToken
  return ''
}

/**
 * Fails when an upload is required and its token is missing. A dry run needs none: it only reads, and
 * anonymous reads of public channels work.
 */
export function requireToken(decision: UploadDecision, inputs: Tokens): void {
  if (decision.target === 'none' || decision.dryRun || tokenFor(decision, inputs)) return
  // The secret names dipy-wheels has always used.
  const secret =
    decision.target === 'nightly' ? 'SCIPY_WHEELS_NIGHTLY_ACCESS' : 'MULTIBUILD_WHEELS_STAGING_ACCESS'
  throw new InputError(
    decision.tokenInput,
    `it is empty, but this run uploads to ${decision.target} (${decision.reason}, channel ${decision.channel}). ` +
      `Pass an anaconda.org token with api:write on ${decision.channel} from a repository secret, e.g. ` +
      `\`${decision.tokenInput}: \${{ secrets.${secret} }}\`, or set upload: none.`
  )
}

/** One line for the log and the summary. */
export function describeDecision(d: UploadDecision): string {
  if (d.target === 'none') return `Upload: none (${d.reason})`
  const labels = d.labels.join(', ')
  return (
    `Upload: ${d.target} to anaconda.org/${d.channel} with label${d.labels.length > 1 ? 's' : ''} ${labels} ` +
    `(${d.reason}; if-exists: ${d.ifExists}${d.keepVersions ? `; keep ${d.keepVersions} versions` : ''}` +
    `${d.dryRun ? '; dry run' : ''})`
  )
}
