/**
 * One source, two readers: the pipeline words its errors for a workflow (inputs, steps, secrets); at a
 * terminal the CLI rewords them for a person (flags, local remedies). The rules below map the workflow
 * forms the pipeline uses to their command-line forms; text they do not match passes unchanged.
 */
import { envOf, flagOf, spec } from './spec.js'

const known = (name: string): boolean => name in spec.inputs

type Rule = [RegExp, (...groups: string[]) => string]

const RULES: Rule[] = [
  // Whole workflow remedies first, then the generic input spellings.
  [
    /add an actions\/setup-python step with python-version: '([^']+)'(?: and architecture: \S+)? before this action(?: \([^)]*\))?/g,
    (v) =>
      `install CPython ${v} on this machine (e.g. \`uv python install ${v}\`, \`pyenv install ${v}\`, or your ` +
      `package manager's python${v} with its venv module)`
  ],
  [
    /Set the build-commit input, or BUILD_COMMIT in the env: block at the top of the workflow \(e\.g\. BUILD_COMMIT: "([^"]+)"\)\./g,
    (v) => `Pass --build-commit REF (e.g. --build-commit ${v}), or set BUILD_COMMIT in the environment.`
  ],
  [
    /from a repository secret, e\.g\. `([a-z-]+): \$\{\{ secrets\.[A-Z_]+ \}\}`/g,
    (input) => `in the environment (e.g. export ${envOf(input)}=...; not on the command line)`
  ],
  [/\bGITHUB_WORKSPACE\b/g, () => 'the workspace'],
  // The CLI runs as a workflow_dispatch event, which a person did not dispatch: say why, then the flag.
  [
    /\bworkflow_dispatch event → no upload \(([^()]*)\)/g,
    (advice) => `a local run acts as workflow_dispatch, which uploads nothing unless told: ${advice}`
  ],
  [/^Input '([a-z-]+)': /gm, (input) => (known(input) ? `${flagOf(input)}: ` : `Input '${input}': `)],
  [
    /(?<![\w-])(?:the )?([a-z][a-z-]*) input(?:'s)?\b/g,
    (input) => (known(input) ? flagOf(input) : `the ${input} input`)
  ],
  // `name: value` only as advice (after set/use/with/try, or in parentheses): never a server's text.
  [
    /(?<=\b(?:set|use|with|try) |\()([a-z][a-z-]*): ([A-Za-z0-9_.-]+)\b/g,
    (input, value) =>
      known(input) && input !== 'version' ? `${flagOf(input)} ${value}` : `${input}: ${value}`
  ]
]

/** The message as a person at a terminal should read it. */
export function forTerminal(message: string): string {
  let out = message
  for (const [re, to] of RULES) out = out.replace(re, (_m, ...g: string[]) => to(...g))
  return out
}
