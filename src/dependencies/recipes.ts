import * as path from 'node:path'
import { isMap, isSeq, parseDocument, type Document } from 'yaml'
import { InputError } from '../errors.js'
import { PLATFORM_NAMES, type PlatformName } from '../host.js'
import { refProblem } from '../validate/git-ref.js'
import { gitSource } from '../validate/git-source.js'
import { hasControl } from '../validate/text.js'
import { endpointUrl } from '../validate/url.js'
import type { BuildSystem, Recipe, RecipeSource } from '../recipe.js'

export type { BuildSystem, Companion, Recipe, RecipeSource } from '../recipe.js'

export const BUILD_SYSTEMS: readonly BuildSystem[] = ['cmake', 'autotools', 'meson', 'script']
export const RECIPE_KEYS = [
  'name',
  'version',
  'source',
  'sha256',
  'ref',
  'build',
  'args',
  'script',
  'platforms',
  'subdir'
] as const
const PLATFORMS: readonly PlatformName[] = PLATFORM_NAMES
const INPUT = 'dependencies'
const EXAMPLE =
  'Example:\n- name: zlib\n  version: 1.3.1\n  source: https://zlib.net/zlib-1.3.1.tar.gz\n  sha256: <64 hex digits>\n  build: cmake'

const fail = (label: string, message: string): never => {
  throw new InputError(INPUT, `recipe ${label}: ${message}`)
}

/** A URL with a scheme (https://, file://, git+ssh://...) or an scp-like git address (git@host:path). */
const isUrl = (s: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(s) || /^[^/\\@]+@[^/\\:]+:/.test(s)

/** Local paths become absolute against the workspace; URLs are kept. */
function resolveLocation(value: string, workspace: string): string {
  return isUrl(value) ? value : path.resolve(workspace, value)
}

/** A git source: `ref:` given, a git+ URL, a git:// or ssh URL, an scp-like address or a path ending in .git. */
function looksLikeGit(source: string, hasRef: boolean): boolean {
  return (
    hasRef ||
    /^(git\+|git:\/\/|ssh:\/\/)/i.test(source) ||
    /^[^/\\@]+@[^/\\:]+:/.test(source) ||
    /\.git\/?(@[^/]+)?$/.test(source)
  )
}

/** The recipe's git source by the same rules as the repository input, the error naming the recipe. */
function checkedGitSource(label: string, url: string, workspace: string): string {
  try {
    return gitSource(INPUT, url, workspace)
  } catch (err) {
    return fail(label, `"source" ${(err as Error).message.replace(/^Input '[^']*': /, '')}`)
  }
}

/** An archive: https (http only to this machine), file:// or a local path; never ftp or another scheme. */
function checkedArchive(label: string, raw: string, workspace: string): string {
  if (hasControl(raw)) fail(label, `"source" contains a control character.`)
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) && !/^file:\/\//i.test(raw)) {
    try {
      endpointUrl(INPUT, raw, { allowQuery: true })
    } catch (err) {
      fail(label, `"source" ${(err as Error).message.replace(/^Input '[^']*': /, '')}`)
    }
    return raw
  }
  return resolveLocation(raw, workspace)
}

function str(label: string, key: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) fail(label, `"${key}" is missing.`)
    return undefined
  }
  if (typeof value !== 'string') fail(label, `"${key}" must be a single value, not a list or mapping.`)
  return (value as string).trim()
}

function list(label: string, key: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'string') {
    if (key === 'platforms') return [value.trim()]
    fail(label, `"${key}" must be a list, e.g. ${key}: ["-DFOO=ON", "-DBAR=OFF"].`)
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    fail(label, `"${key}" must be a list of strings.`)
  }
  return value as string[]
}

function parseSource(label: string, item: Record<string, unknown>, workspace: string): RecipeSource {
  const raw = str(label, 'source', item.source, true) as string
  if (raw.startsWith('-'))
    fail(label, `"source" ${JSON.stringify(raw)} begins with '-': give a URL or a path.`)
  let ref = str(label, 'ref', item.ref, false)
  const sha = str(label, 'sha256', item.sha256, false)
  if (looksLikeGit(raw, ref !== undefined)) {
    let url = raw.replace(/^git\+/i, '')
    // pip style: git+https://host/repo.git@v1.2 (an '@' after the last '/').
    const at = url.lastIndexOf('@')
    if (at > url.lastIndexOf('/') && at > url.lastIndexOf(':')) {
      if (ref !== undefined)
        fail(label, `give the git ref once: in "source" after '@' or in "ref", not both.`)
      ref = url.slice(at + 1)
      url = url.slice(0, at)
    }
    if (!ref) fail(label, `"ref" is missing: a git source needs a tag, branch or commit to build.`)
    const why = refProblem(ref!)
    if (why) fail(label, `"ref" ${JSON.stringify(ref)} is not a valid git ref: ${why}.`)
    if (sha !== undefined) {
      fail(label, `"sha256" applies to archives only: a git source is pinned by "ref" (use a commit SHA).`)
    }
    return { kind: 'git', url: checkedGitSource(label, url, workspace), ref: ref! }
  }
  if (sha === undefined) {
    fail(
      label,
      `"sha256" is missing: an archive source needs the sha256 of the archive, to verify the download.`
    )
  }
  if (!/^[0-9a-f]{64}$/i.test(sha!)) {
    fail(label, `"sha256" ${JSON.stringify(sha)} is not a sha256: give 64 hexadecimal digits.`)
  }
  return { kind: 'archive', location: checkedArchive(label, raw, workspace), sha256: sha!.toLowerCase() }
}

function parseRecipe(item: unknown, index: number, workspace: string): Recipe {
  let label = `#${index + 1}`
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    fail(label, `each recipe must be a mapping of keys (name, version, source, ...). ${EXAMPLE}`)
  }
  const rec = item as Record<string, unknown>
  if (typeof rec.name === 'string' && rec.name.trim()) label = JSON.stringify(rec.name.trim())
  for (const key of Object.keys(rec)) {
    if (!(RECIPE_KEYS as readonly string[]).includes(key)) {
      fail(label, `unknown key "${key}" (allowed: ${RECIPE_KEYS.join(', ')}).`)
    }
  }
  const name = str(label, 'name', rec.name, true) as string
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(name)) {
    fail(label, `"name" must be letters, digits and . _ + - (it names directories).`)
  }
  const version = str(label, 'version', rec.version, true) as string
  const source = parseSource(label, rec, workspace)
  const build = str(label, 'build', rec.build, true) as string
  if (!(BUILD_SYSTEMS as readonly string[]).includes(build)) {
    fail(label, `"build" ${JSON.stringify(build)} is not one of ${BUILD_SYSTEMS.join(', ')}.`)
  }
  const script = str(label, 'script', rec.script, false)
  if (build === 'script' && !script) fail(label, `"script" is missing: build: script needs the bash to run.`)
  if (build !== 'script' && script !== undefined) {
    fail(label, `"script" is only used with build: script (this recipe has build: ${build}).`)
  }
  const platforms = list(label, 'platforms', rec.platforms)
  for (const p of platforms ?? []) {
    if (!(PLATFORMS as readonly string[]).includes(p)) {
      fail(label, `"platforms" value ${JSON.stringify(p)} is not one of ${PLATFORMS.join(', ')}.`)
    }
  }
  const subdir = str(label, 'subdir', rec.subdir, false)
  if (subdir !== undefined && (/^[\\/]|^[A-Za-z]:/.test(subdir) || subdir.split(/[\\/]/).includes('..'))) {
    fail(label, `"subdir" ${JSON.stringify(subdir)} must be a relative path inside the source, without '..'.`)
  }
  const recipe: Recipe = {
    name,
    version,
    source,
    build: build as BuildSystem,
    args: list(label, 'args', rec.args) ?? []
  }
  if (script !== undefined) recipe.script = script
  if (platforms !== undefined) recipe.platforms = [...new Set(platforms)] as PlatformName[]
  if (subdir) recipe.subdir = subdir
  return recipe
}

/** The recipe an offset of the YAML text falls in, for syntax errors. */
function recipeAt(doc: Document, offset: number): string | undefined {
  if (!isSeq(doc.contents)) return undefined
  const items = doc.contents.items
  for (let i = 0; i < items.length; i++) {
    const node = items[i] as { range?: [number, number, number] } | null
    if (!node?.range || offset < node.range[0] || offset > node.range[2]) continue
    const name = isMap(node) ? node.get('name') : undefined
    return typeof name === 'string' && name ? JSON.stringify(name) : `#${i + 1}`
  }
  return undefined
}

/**
 * Parses the `dependencies` input: a YAML list of recipes. Every scalar stays a string (version 1.10 is
 * "1.10"). Empty text means no dependencies. Errors name the recipe (by name, else #position) and the key.
 */
export function parseRecipes(text: string, workspace: string): Recipe[] {
  if (!text.trim()) return []
  const doc = parseDocument(text, { schema: 'failsafe', prettyErrors: true, uniqueKeys: true })
  if (doc.errors.length > 0) {
    const err = doc.errors[0]
    const where = recipeAt(doc, err.pos[0])
    const at = err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : ''
    const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')
    const key =
      err.code === 'DUPLICATE_KEY' ? ` (key "${/^[^:\n]*/.exec(text.slice(err.pos[0]))?.[0].trim()}")` : ''
    throw new InputError(INPUT, `${where ? `recipe ${where}: ` : ''}malformed YAML${at}: ${first}${key}`)
  }
  const data: unknown = doc.toJS()
  if (data === null || data === undefined) return []
  if (!Array.isArray(data)) {
    throw new InputError(
      INPUT,
      `it must be a YAML list of recipes (each line of the list begins with '- '). ${EXAMPLE}`
    )
  }
  const recipes = data.map((item, i) => parseRecipe(item, i, workspace))
  const seen = new Set<string>()
  for (const r of recipes) {
    if (seen.has(r.name))
      fail(JSON.stringify(r.name), `the name is used twice: give each recipe its own name.`)
    seen.add(r.name)
  }
  return recipes
}

/** The recipes that apply to a platform, in order. */
export function recipesFor(recipes: Recipe[], platform: PlatformName): Recipe[] {
  return recipes.filter((r) => !r.platforms || r.platforms.includes(platform))
}
