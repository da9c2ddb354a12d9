/** How long each step took, for the summary and the log. */
export interface StepTiming {
  step: string
  seconds: number
  ok: boolean
}

export class Timings {
  readonly steps: StepTiming[] = []

  /** Runs `fn` and records its duration under `step`, failed or not. */
  async time<T>(step: string, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint()
    let ok = false
    try {
      const result = await fn()
      ok = true
      return result
    } finally {
      this.steps.push({ step, seconds: Number(process.hrtime.bigint() - start) / 1e9, ok })
    }
  }
}
