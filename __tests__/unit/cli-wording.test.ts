/** The CLI's own words: typo suggestions, and workflow advice reworded for a terminal. */
import { describe, expect, it } from 'vitest'
import { distance, parseArgs, suggest, UsageError } from '../../src/cli/args.js'
import { forTerminal } from '../../src/cli/wording.js'

describe('did you mean', () => {
  it('measures edits as Levenshtein does', () => {
    // Textbook values: kitten → sitting is 3, a swap of two letters is 2.
    expect(distance('kitten', 'sitting')).toBe(3)
    expect(distance('pyhton-version', 'python-version')).toBe(2)
    expect(distance('', 'abc')).toBe(3)
  })

  it('suggests only close flags', () => {
    const known = ['python-version', 'build-commit', 'container']
    expect(suggest('pyhton-version', known)).toBe('python-version')
    expect(suggest('build-comit', known)).toBe('build-commit')
    expect(suggest('frobnicate', known)).toBeUndefined()
  })

  it('takes the release version as --release-version, never --version', () => {
    expect(parseArgs(['release', '--release-version', '1.2.3'], '/w').inputs).toEqual({ version: '1.2.3' })
    expect(parseArgs(['release', '1.2.3'], '/w').inputs).toEqual({ version: '1.2.3' })
    expect(parseArgs(['--version'], '/w').show).toBe('version')
    expect(() => parseArgs(['--release-version', '1'], '/w')).toThrow(UsageError)
  })

  it('points a bare ref to --build-commit, and a late command to its place', () => {
    expect(() => parseArgs(['1.12.1'], '/w')).toThrow('(to build that ref: --build-commit 1.12.1)')
    expect(() => parseArgs(['--container', 'off', 'plan'], '/w')).toThrow(
      '(the command comes first: dipy-wheels plan ...)'
    )
  })
})

describe('errors worded for a terminal', () => {
  it('names flags instead of inputs', () => {
    expect(forTerminal("Input 'build-commit': it is empty.")).toBe('--build-commit: it is empty.')
    expect(forTerminal('Check the container input name, or set upload: none.')).toBe(
      'Check --container name, or set --upload none.'
    )
    expect(forTerminal('build in the container (container: auto)')).toBe(
      'build in the container (--container auto)'
    )
  })

  it('replaces workflow steps by local remedies', () => {
    const linux = forTerminal(
      "add an actions/setup-python step with python-version: '3.11' before this action, or build in the manylinux container (container: auto)"
    )
    expect(linux).toBe(
      "install CPython 3.11 on this machine (e.g. `uv python install 3.11`, `pyenv install 3.11`, or your package manager's python3.11 with its venv module), or build in the manylinux container (--container auto)"
    )
    expect(
      forTerminal(
        'no ref to build. Set the build-commit input, or BUILD_COMMIT in the env: block at the top of the workflow (e.g. BUILD_COMMIT: "1.12.1").'
      )
    ).toBe(
      'no ref to build. Pass --build-commit REF (e.g. --build-commit 1.12.1), or set BUILD_COMMIT in the environment.'
    )
    expect(
      forTerminal(
        'Pass an anaconda.org token from a repository secret, e.g. `nightly-token: ${{ secrets.SCIPY_X }}`, or set upload: none.'
      )
    ).toBe(
      'Pass an anaconda.org token in the environment (e.g. export INPUT_NIGHTLY_TOKEN=...; not on the command line), or set --upload none.'
    )
  })

  it('leaves other text alone: YAML examples, unknown names, flags already written', () => {
    const yaml = '- name: zlib\n  version: 1.3.1\n  path: x'
    expect(forTerminal(yaml)).toBe(yaml)
    expect(forTerminal('the frob input is odd (mode: fast)')).toBe('the frob input is odd (mode: fast)')
    expect(forTerminal('--python-version: CPython 3.99')).toBe('--python-version: CPython 3.99')
    // An input's name in plain text is not advice (a release's upload refused by the index).
    const refusal = 'a.whl: the index refused the upload: 403 Forbidden'
    expect(forTerminal(refusal)).toBe(refusal)
  })
})
