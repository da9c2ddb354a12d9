import { describe, expect, it } from 'vitest'
import { parseRecipes, recipesFor } from '../../src/dependencies/recipes.js'
import { InputError } from '../../src/errors.js'

const SHA = 'ab'.repeat(32)
const WS = '/ws'

/** The message parseRecipes throws for `text`; fails the test when it does not throw an InputError. */
function errorOf(text: string): string {
  try {
    parseRecipes(text, WS)
  } catch (err) {
    expect(err).toBeInstanceOf(InputError)
    return (err as Error).message
  }
  throw new Error('parseRecipes accepted it')
}

describe('parseRecipes: valid forms', () => {
  it('treats an empty input as no dependencies', () => {
    expect(parseRecipes('', WS)).toEqual([])
    expect(parseRecipes('  \n', WS)).toEqual([])
    expect(parseRecipes('# nothing yet\n', WS)).toEqual([])
  })

  it('reads an archive recipe, keeping versions as written and lowercasing the sha256', () => {
    const text = `
- name: zlib
  version: 1.10
  source: https://zlib.net/zlib-1.3.1.tar.gz
  sha256: ${SHA.toUpperCase()}
  build: cmake
  args: [-DZLIB_BUILD_EXAMPLES=OFF, "-DX=a b"]
`
    expect(parseRecipes(text, WS)).toEqual([
      {
        name: 'zlib',
        version: '1.10',
        source: { kind: 'archive', location: 'https://zlib.net/zlib-1.3.1.tar.gz', sha256: SHA },
        build: 'cmake',
        args: ['-DZLIB_BUILD_EXAMPLES=OFF', '-DX=a b']
      }
    ])
  })

  it('resolves relative archive paths against the workspace and keeps file:// URLs', () => {
    const [a, b] = parseRecipes(
      `- {name: a, version: '1', source: vendor/a.tar.gz, sha256: ${SHA}, build: autotools}\n` +
        `- {name: b, version: '1', source: 'file:///srv/b.tar.gz', sha256: ${SHA}, build: meson}\n`,
      WS
    )
    expect(a.source).toEqual({ kind: 'archive', location: '/ws/vendor/a.tar.gz', sha256: SHA })
    expect(b.source).toEqual({ kind: 'archive', location: 'file:///srv/b.tar.gz', sha256: SHA })
  })

  it('reads git sources with ref, pip-style @ref, and scp-like addresses', () => {
    const recipes = parseRecipes(
      `
- {name: a, version: '1', source: 'https://github.com/o/a.git', ref: v1.0, build: cmake}
- {name: b, version: '1', source: 'git+https://github.com/o/b.git@v2.0', build: cmake}
- {name: c, version: '1', source: 'git@github.com:o/c.git', ref: main, build: cmake}
- {name: d, version: '1', source: 'git@github.com:o/d.git@abc123', build: cmake}
- {name: e, version: '1', source: ../e-repo, ref: v1, build: cmake}
`,
      WS
    )
    expect(recipes.map((r) => r.source)).toEqual([
      { kind: 'git', url: 'https://github.com/o/a.git', ref: 'v1.0' },
      { kind: 'git', url: 'https://github.com/o/b.git', ref: 'v2.0' },
      { kind: 'git', url: 'git@github.com:o/c.git', ref: 'main' },
      { kind: 'git', url: 'git@github.com:o/d.git', ref: 'abc123' },
      { kind: 'git', url: '/e-repo', ref: 'v1' }
    ])
  })

  it('reads a script recipe and platform filters', () => {
    const [r] = parseRecipes(
      `- name: omp\n  version: "17"\n  source: https://x.org/omp.tar.xz\n  sha256: ${SHA}\n  build: script\n` +
        `  platforms: [macos]\n  script: |\n    make PREFIX="$PREFIX" install\n`,
      WS
    )
    expect(r.script).toBe('make PREFIX="$PREFIX" install')
    expect(r.platforms).toEqual(['macos'])
    expect(recipesFor([r], 'macos')).toEqual([r])
    expect(recipesFor([r], 'linux')).toEqual([])
  })
})

describe('parseRecipes: errors name the recipe and the key', () => {
  const base = `name: zlib\n  version: '1'\n  source: https://z/z.tar.gz\n  sha256: ${SHA}\n  build: cmake`

  it('rejects an unknown key, listing the allowed ones', () => {
    const msg = errorOf(`- ${base}\n  configure_args: [x]\n`)
    expect(msg).toContain(`Input 'dependencies': recipe "zlib": unknown key "configure_args" (allowed: name,`)
    expect(msg).toContain('platforms')
  })

  it('names a recipe without a name by its position', () => {
    expect(errorOf(`- ${base}\n- version: '2'\n  bogus: 1\n`)).toContain('recipe #2: unknown key "bogus"')
    expect(errorOf(`- ${base}\n- {version: '2', source: x.tgz, sha256: ${SHA}, build: cmake}\n`)).toContain(
      'recipe #2: "name" is missing'
    )
  })

  it.each([
    ['sha256 missing', base.replace(/sha256: \w+/, ''), '"sha256" is missing'],
    ['sha256 malformed', base.replace(/sha256: \w+/, 'sha256: 1234'), '"sha256" "1234" is not a sha256'],
    ['version missing', base.replace("version: '1'", ''), '"version" is missing'],
    ['source missing', base.replace('source: https://z/z.tar.gz', ''), '"source" is missing'],
    ['unknown build', base.replace('build: cmake', 'build: scons'), '"build" "scons" is not one of cmake,'],
    ['script without build: script', `${base}\n  script: make`, '"script" is only used with build: script'],
    ['script missing', base.replace('build: cmake', 'build: script'), '"script" is missing'],
    ['args not a list', `${base}\n  args: -DX=1`, '"args" must be a list'],
    ['bad platform', `${base}\n  platforms: [linux, solaris]`, '"platforms" value "solaris"'],
    ['name a list', base.replace('name: zlib', 'name: [a]'), '"name" must be a single value'],
    ['option-like source', base.replace('https://z/z.tar.gz', '--upload-pack=x'), "begins with '-'"]
  ])('%s', (_case, recipe, expected) => {
    const msg = errorOf(`- ${recipe}\n`)
    expect(msg).toMatch(/^Input 'dependencies': recipe ("zlib"|#1): /)
    expect(msg).toContain(expected)
  })

  it('rejects git sources without a ref, with a sha256, or with a ref that looks like an option', () => {
    const git = "- {name: g, version: '1', source: 'https://h/g.git', build: cmake"
    expect(errorOf(`${git}}\n`)).toContain('recipe "g": "ref" is missing')
    expect(errorOf(`${git}, ref: v1, sha256: ${SHA}}\n`)).toContain(
      'recipe "g": "sha256" applies to archives only'
    )
    expect(errorOf(`${git}, ref: --force}\n`)).toContain(
      `recipe "g": "ref" "--force" is not a valid git ref: it begins with '-'`
    )
    expect(errorOf(`${git}, ref: '@'}\n`)).toContain(`recipe "g": "ref" "@" is not a valid git ref`)
  })

  it('rejects duplicate names', () => {
    expect(errorOf(`- ${base}\n- ${base}\n`)).toContain('recipe "zlib": the name is used twice')
  })

  it('names the recipe and the line of malformed YAML', () => {
    const msg = errorOf(`- ${base}\n- name: broken\n  args: [a, b\n  version: '1'\n`)
    expect(msg).toMatch(/^Input 'dependencies': recipe "broken": malformed YAML at line \d+, column \d+: /)
    expect(errorOf(`- ${base}\n  build: meson\n`)).toMatch(
      /recipe "zlib": malformed YAML at line 6.*unique \(key "build"\)/i
    )
  })

  it('requires a list of mappings', () => {
    expect(errorOf('name: zlib\n')).toContain('it must be a YAML list of recipes')
    expect(errorOf('- zlib\n')).toContain('recipe #1: each recipe must be a mapping')
  })
})
