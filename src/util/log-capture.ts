/**
 * Work that runs alongside the step in the foreground (the tools venv and the test venv during the
 * compile): what it writes to the log — workflow commands of @actions/core and the output of the commands
 * it runs — is held back and written in one group when the work is awaited, so the compile's log stays
 * whole. The writes are told apart by async context (node:async_hooks' AsyncLocalStorage): whatever runs
 * inside `alongside` writes to its own buffer.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

type Write = typeof process.stdout.write
const held = new AsyncLocalStorage<string[]>()
let patched = false

function patch(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as Write
  stream.write = function (this: unknown, chunk: unknown, ...rest: unknown[]): boolean {
    const buffer = held.getStore()
    if (!buffer) return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
    buffer.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'))
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined
    done?.()
    return true
  } as Write
}

/** Work started now; `settle` waits for it and writes its log (in a group titled `title`). */
export interface Alongside<T> {
  settle(title: string): Promise<T>
  /** Whether settle was called. */
  readonly settled: boolean
}

export function alongside<T>(work: () => Promise<T>): Alongside<T> {
  if (!patched) {
    patch(process.stdout)
    patch(process.stderr)
    patched = true
  }
  const buffer: string[] = []
  const outcome = held.run(buffer, () =>
    work().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error })
    )
  )
  let settled = false
  return {
    get settled() {
      return settled
    },
    async settle(title) {
      settled = true
      const r = await outcome
      const text = buffer.join('')
      // Its own groups become plain lines: the runner's log does not nest groups.
      const body = text.replace(/^::(end)?group::/gm, (_m, end: string | undefined) => (end ? '' : '— '))
      process.stdout.write(
        `::group::${title}\n${body}${body.endsWith('\n') || !body ? '' : '\n'}::endgroup::\n`
      )
      if (!r.ok) throw r.error
      return r.value
    }
  }
}
