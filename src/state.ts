import type { Runner } from './exec.js'
import type { HostFacts } from './host.js'
import type { ActionInputs } from './inputs.js'
import type { CheckoutResult } from './stages/checkout.js'
import type { Timings } from './util/timings.js'

/** One Python version that failed, and at which step. */
export interface Failure {
  python: string
  step: string
  message: string
}

/** Everything the pipeline has learnt so far; the report reads it at the end. */
export interface PipelineState {
  inputs: ActionInputs
  host: HostFacts
  runner: Runner
  timings: Timings
  checkout?: CheckoutResult
  failures: Failure[]
}
