import type { Runner } from './exec.js'
import type { HostFacts } from './host.js'
import type { ActionInputs } from './inputs.js'
import type { CheckoutResult } from './stages/checkout.js'
import type { CompilerCacheState } from './stages/compiler-cache.js'
import type { PublishState } from './stages/publish.js'
import type { Timings } from './util/timings.js'

/** One Python version that failed, and at which step. */
export interface Failure {
  python: string
  step: string
  message: string
}

/** A repaired (and, once tested, tested) wheel. */
export interface WheelRecord {
  /** The Python version it was built for, as given (e.g. "3.11"). */
  python: string
  /** Absolute path in the wheelhouse. */
  path: string
  /** File name. */
  name: string
  /** The wheel's tags (python-abi-platform), e.g. cp311-cp311-manylinux_2_28_x86_64. */
  tags: string
  size: number
  sha256: string
  /** Libraries the repair tool grafted into the wheel. */
  grafted: string[]
  tested: boolean
}

/** Everything the pipeline has learnt so far; the report reads it at the end. */
export interface PipelineState {
  inputs: ActionInputs
  host: HostFacts
  runner: Runner
  timings: Timings
  checkout?: CheckoutResult
  /** Wheels that came through build and repair (and test, when tested is true). */
  wheels: WheelRecord[]
  failures: Failure[]
  /** URLs of the files uploaded to anaconda.org. */
  uploaded: string[]
  artifactId?: string
  /** ccache, when compiler-cache is on and it was found: where it came from, hits and misses per Python. */
  compilerCache?: CompilerCacheState
  /** The upload decision (made before checkout) and what the upload did. */
  publish?: PublishState
}
