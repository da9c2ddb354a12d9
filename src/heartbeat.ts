/**
 * A heartbeat for a command that prints nothing for a while (a long compile step, a big download): after
 * every `intervalMs` of silence one line says what runs, for how long, and the last progress counter
 * `[k/n]` ninja printed (meson's backend prints one per finished step), so a log never looks stuck
 * without saying so. Any output resets the silence.
 */

/** The silence before a heartbeat: 30 s, scaled by DIPY_WHEELS_TIME_SCALE (a named test seam). */
export function heartbeatMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const scale = Number(env.DIPY_WHEELS_TIME_SCALE)
  return 30_000 * (Number.isFinite(scale) && scale > 0 ? scale : 1)
}

/** ninja's progress counter at the start of a line (`[12/340] Compiling C object …`). */
const NINJA = /^\s*\[(\d+)\/(\d+)\]/

/** 75 s → "1 min 15 s"; under a minute, "42 s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}

export class Heartbeat {
  private readonly started = Date.now()
  private last = Date.now()
  private counter: string | undefined
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly write: (line: string) => void
  ) {}

  start(): this {
    // Checked a few times per interval, so a heartbeat comes at most a quarter interval late.
    this.timer = setInterval(() => this.tick(), Math.max(10, this.intervalMs / 4))
    this.timer.unref?.()
    return this
  }

  /** Output arrived (any bytes): the silence starts again. */
  output(): void {
    this.last = Date.now()
  }

  /** A whole line of output: remembers ninja's counter. */
  line(text: string): void {
    this.last = Date.now()
    const m = NINJA.exec(text)
    if (m) this.counter = `[${m[1]}/${m[2]}]`
  }

  tick(now = Date.now()): void {
    const silent = now - this.last
    if (silent < this.intervalMs) return
    this.last = now
    this.write(
      `… still running: ${this.what}, for ${duration(now - this.started)} (nothing printed for ` +
        `${duration(silent)}${this.counter ? `; ninja's last progress ${this.counter}` : ''})`
    )
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }
}
