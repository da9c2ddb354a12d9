/**
 * The CLI's help, one page per command, from action.yml's input descriptions (whole, wrapped; never cut at
 * the first period, which would stop at "e.g."). Build inputs go to `build` and `plan`, the inputs whose
 * description starts "Release only." to `release`.
 */
import { flagOf, inputsOf, RELEASE_ONLY, spec, type Command, type InputSpec } from './spec.js'
import { forTerminal } from './wording.js'

/** Words of `text` in lines of at most `width` characters. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

const INDENT = ' '.repeat(6)

function describe(name: string, s: InputSpec): string[] {
  const text = forTerminal((s.description ?? '').replace(RELEASE_ONLY, ''))
  const def = s.default ? ` [default: ${JSON.stringify(s.default)}]` : ''
  const head = `  ${flagOf(name)}${name.endsWith('token') ? ' (prefer the environment, see below)' : ''}`
  return [head, ...wrap(text + def, 74).map((l) => INDENT + l)]
}

const COMMON = [
  '  --workspace DIR',
  `${INDENT}Where the checkout, the wheelhouse and summary.md go [default: the current directory].`,
  '  --keep-temp',
  `${INDENT}Keep the build products in <workspace>/.dipy-wheels-tmp after the run (removed by default).`,
  '  --verbose',
  `${INDENT}Debug lines and the compiler's command lines (meson's compile-args=-v) in the log.`,
  '  --event NAME',
  `${INDENT}The GitHub event to act as [default: "workflow_dispatch", which uploads nothing].`,
  '  -h, --help       This help.      --version   The version of dipy-wheels.'
]

const TOKENS = [
  'Tokens: give them in the environment, not on the command line (where other users and the shell',
  'history can read them): INPUT_NIGHTLY_TOKEN, INPUT_STAGING_TOKEN, INPUT_PYPI_TOKEN.'
]

const PAGES: Record<Command, { usage: string[]; about: string[]; examples: string[] }> = {
  build: {
    usage: ['dipy-wheels [build] [--flag value ...]'],
    about: [
      'Checks out dipy at a ref, builds its C/C++ dependencies, builds, repairs and tests one wheel per',
      'Python version and (only when told to) uploads them: the same pipeline as the GitHub Action.'
    ],
    examples: [
      'dipy-wheels --build-commit 1.12.1 --container off --python-version 3.12',
      'dipy-wheels --build-commit master --python-version "3.11 3.12" --workspace ~/dw',
      'dipy-wheels --build-commit 1.12.1 --repository ~/src/dipy --stop-after checkout'
    ]
  },
  plan: {
    usage: [
      'dipy-wheels plan [--os linux|macos|windows] [--architecture x64|arm64|x86] [--json] [--flag value ...]'
    ],
    about: [
      'Prints what a build would run (commands, environment, directories) on this machine or on a',
      'GitHub-hosted runner of another OS, and runs nothing.'
    ],
    examples: [
      'dipy-wheels plan --build-commit 1.12.1 --python-version 3.12',
      'dipy-wheels plan --os windows --architecture x86 --json'
    ]
  },
  release: {
    usage: ['dipy-wheels release VERSION [--flag value ...]'],
    about: [
      'Moves the staged files of VERSION from the staging channel to the index (PyPI), complete and',
      'verified: every expected file staged, uploaded once, then read back from the index.',
      'PEP 740 attestations need Trusted Publishing (a GitHub job with id-token: write): with a token',
      'from this machine, attestations auto is off.'
    ],
    examples: [
      'INPUT_PYPI_TOKEN=pypi-... dipy-wheels release 1.12.1 --pypi-url https://<index>/legacy/ \\',
      '    --pypi-index-url https://<index>/simple/ --dry-run true'
    ]
  }
}

const PLAN_OPTIONS = [
  '  --os linux|macos|windows',
  `${INDENT}The runner to plan for; another OS than this one gets a GitHub-hosted runner's paths.`,
  '  --json',
  `${INDENT}The plan as JSON instead of text.`
]

export function help(command: Command): string {
  const page = PAGES[command]
  const inputs = inputsOf(command)
    .filter((n) => !(command === 'release' && n === 'version'))
    .flatMap((n) => describe(n, spec.inputs[n]))
  return [
    ...page.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}${u}`),
    '',
    ...page.about,
    '',
    'Commands: build (the default), plan, release.  dipy-wheels COMMAND --help for each.',
    '',
    'Options:',
    ...(command === 'plan' ? PLAN_OPTIONS : []),
    ...inputs,
    ...COMMON,
    '',
    ...TOKENS,
    '',
    'Examples:',
    ...page.examples.map((e) => `  ${e}`),
    ''
  ].join('\n')
}
