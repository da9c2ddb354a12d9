/**
 * A small validator for the JSON a server answers: each read names the field it expects, so a `null` or a
 * wrong type is an error naming the server and the field (`distributions[2].size`), never a TypeError.
 */
import { ServerDataError } from './server-data.js'

const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v)

/** A view of one JSON value at `path`, from `server`. */
export class Json {
  constructor(
    readonly value: unknown,
    readonly server: string,
    readonly path = 'the answer'
  ) {}

  private fail(expected: string): never {
    throw new ServerDataError(
      `${this.server}: ${this.path} is ${kind(this.value)}, expected ${expected}. The server's answer is not what its API documents.`
    )
  }

  private child(key: string | number, value: unknown): Json {
    const at =
      typeof key === 'number'
        ? `${this.path}[${key}]`
        : this.path === 'the answer'
          ? key
          : `${this.path}.${key}`
    return new Json(value, this.server, at)
  }

  object(): Record<string, unknown> {
    if (typeof this.value !== 'object' || this.value === null || Array.isArray(this.value))
      this.fail('an object')
    return this.value as Record<string, unknown>
  }

  /** A field of this object (which must be one). */
  get(key: string): Json {
    return this.child(key, this.object()[key])
  }

  /** The items of this list (which must be one). */
  items(): Json[] {
    if (!Array.isArray(this.value)) this.fail('a list')
    return (this.value as unknown[]).map((v, i) => this.child(i, v))
  }

  has(): boolean {
    return this.value !== undefined && this.value !== null
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('a string')
    return this.value as string
  }

  /** A string, or undefined when absent or null. */
  optString(): string | undefined {
    return this.has() ? this.string() : undefined
  }

  /** A non-negative integer (sizes, counts). */
  count(): number {
    if (typeof this.value !== 'number' || !Number.isSafeInteger(this.value) || this.value < 0) {
      this.fail('a non-negative integer')
    }
    return this.value as number
  }

  /** A list of strings (or an absent field: []). */
  strings(): string[] {
    return this.has() ? this.items().map((i) => i.string()) : []
  }

  /** An object whose values are all strings. */
  stringMap(): Record<string, string> {
    const o = this.object()
    for (const k of Object.keys(o)) this.child(k, o[k]).string()
    return o as Record<string, string>
  }
}
