/**
 * The heartbeat of a quiet command: a real command that prints ninja's counter and then sleeps gets a line
 * naming it, its running time and the last counter; a command that keeps printing gets none.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ExecRunner } from '../../src/exec.js'
import { duration, heartbeatMs } from '../../src/heartbeat.js'

describe('heartbeat', () => {
  let written: string[]
  beforeEach(() => {
    written = []
    // 30 s × 0.02 = 0.6 s of silence before a heartbeat.
    vi.stubEnv('DIPY_WHEELS_TIME_SCALE', '0.02')
    const write = process.stdout.write.bind(process.stdout)
    vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: never[]) => {
      written.push(String(chunk))
      return write(chunk, ...rest)
    }) as typeof process.stdout.write)
  })
  afterEach(() => {
    vi.restoreAllMocks()
    vi.unstubAllEnvs()
  })
  const beats = (): string[] =>
    written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('… still running'))

  it('the interval is 30 s, scaled by DIPY_WHEELS_TIME_SCALE; durations read as a person says them', () => {
    expect(heartbeatMs({})).toBe(30_000)
    expect(heartbeatMs({ DIPY_WHEELS_TIME_SCALE: '0.5' })).toBe(15_000)
    expect(duration(42_400)).toBe('42 s')
    expect(duration(75_000)).toBe('1 min 15 s')
  })

  it('a command silent for longer than the interval: one line with what, how long and ninja [k/n]', async () => {
    const runner = new ExecRunner(process.env)
    await runner.run(
      {
        command: 'sh',
        args: ['-c', 'echo "[3/7] Compiling C object a.o"; sleep 2; echo "[7/7] Linking target a.so"']
      },
      { what: 'the wheel build for Python 3.11' }
    )
    const lines = beats()
    expect(lines.length, written.join('')).toBeGreaterThanOrEqual(1)
    expect(lines.length).toBeLessThanOrEqual(3)
    expect(lines[0]).toMatch(
      /^… still running: the wheel build for Python 3\.11, for \d s \(nothing printed for \d s; ninja's last progress \[3\/7\]\)$/
    )
  })

  it('a command that keeps printing, or a silent (captured) one, gets none', async () => {
    const runner = new ExecRunner(process.env)
    await runner.run({
      command: 'sh',
      args: ['-c', 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do echo "line $i"; sleep 0.1; done']
    })
    await runner.run({ command: 'sleep', args: ['1.5'] }, { silent: true })
    expect(beats()).toEqual([])
  })
})
