/**
 * Sees the environment every process of a run started with, whatever started it: polls /proc (Linux) for
 * processes started after the watch whose environment holds `marker` (a variable the test gives the run, which
 * every child inherits), and records each one's argv and environment once per program it runs (a pid that
 * execs again is seen again). /proc/<pid>/environ is the environment the program was started with (proc(5)).
 *
 * A process caught between fork and exec still shows its parent's environment and argv: `skip` leaves those
 * out (the action's own node process, which holds the run's credentials by design).
 */
import * as fs from 'node:fs'

export interface SeenProcess {
  pid: number
  /** The parent's pid (proc(5): the field after the state in /proc/<pid>/stat). */
  ppid: number
  argv: string[]
  env: Record<string, string>
}

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'latin1')
  } catch {
    return undefined
  }
}

const pids = (): number[] =>
  fs
    .readdirSync('/proc')
    .filter((f) => /^\d+$/.test(f))
    .map(Number)

export interface ProcWatch {
  /** Stops polling and returns every process seen, in the order seen. */
  stop(): SeenProcess[]
}

export function watchProcesses(marker: string, skip: (argv: string[]) => boolean, everyMs = 15): ProcWatch {
  // What each pid runs now: a process is new to the watch when its pid runs something else later (pids are
  // reused, and not in order).
  const last = new Map<number, string | undefined>(pids().map((pid) => [pid, read(`/proc/${pid}/cmdline`)]))
  const seen: SeenProcess[] = []
  const poll = (): void => {
    for (const pid of pids()) {
      const cmdline = read(`/proc/${pid}/cmdline`)
      if (!cmdline || last.get(pid) === cmdline) continue
      last.set(pid, cmdline)
      const environ = read(`/proc/${pid}/environ`)
      if (environ === undefined || !environ.split('\0').includes(marker)) continue
      const argv = cmdline.split('\0').filter((a) => a !== '')
      if (skip(argv)) continue
      const stat = read(`/proc/${pid}/stat`) ?? ''
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      const env: Record<string, string> = {}
      for (const kv of environ.split('\0')) {
        const at = kv.indexOf('=')
        if (at > 0) env[kv.slice(0, at)] = kv.slice(at + 1)
      }
      seen.push({ pid, ppid, argv, env })
    }
  }
  const timer = setInterval(poll, everyMs)
  return {
    stop: () => {
      clearInterval(timer)
      poll()
      return seen
    }
  }
}
