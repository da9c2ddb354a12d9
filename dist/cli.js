import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  require_dist,
  run
} from "./chunks/chunk-QIZLY2O3.js";
import {
  __toESM
} from "./chunks/chunk-TBUJ64JI.js";

// src/cli.ts
var import_yaml = __toESM(require_dist(), 1);
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

// action.yml
var action_default = `name: dipy-wheels
description: >-
  Check out dipy at BUILD_COMMIT, build its C/C++ dependencies fresh, build, repair and test the
  wheels in a clean environment, and publish them to anaconda.org (nightly or staging) and as
  GitHub artifacts.
author: dipy developers
branding:
  icon: package
  color: blue

inputs:
  build-commit:
    description: >-
      The dipy ref to build: a tag (dipy tags are bare, e.g. 1.12.1), a branch, or a full or
      abbreviated SHA. Empty: the BUILD_COMMIT environment variable, then env.BUILD_COMMIT at the
      top of the running workflow file. Scheduled runs always build nightly-ref.
    required: false
    default: ''
  nightly-ref:
    description: The ref built on a schedule event (the old system forced master).
    required: false
    default: master
  repository:
    description: >-
      The git repository to check out: a URL, a file:// URL or a local path.
    required: false
    default: https://github.com/dipy/dipy.git
  path:
    description: Where to check it out, relative to GITHUB_WORKSPACE (must stay inside it).
    required: false
    default: dipy
  python-version:
    description: >-
      One or more CPython versions, separated by spaces, commas or newlines (e.g. "3.11" or
      "3.10 3.11 3.12"). Each gets its own wheel.
    required: false
    default: '3.12'
  dependencies:
    description: >-
      YAML list of C/C++ dependency recipes built fresh into one prefix before the wheels
      (keys: name, version, source, ref, sha256, build, args, script, platforms).
    required: false
    default: ''
  config-settings:
    description: >-
      PEP 517 config settings passed to the build backend, separated by spaces or newlines
      (key=value). On Windows setup-args=--vsenv is added.
    required: false
    default: compile-args=-v
  container:
    description: >-
      Linux only: "auto" builds inside the manylinux image chosen by the manylinux input, "off"
      builds on the host, anything else is a full image name.
    required: false
    default: auto
  manylinux:
    description: >-
      The manylinux policy on Linux: 2014, 2_28, 2_34, or auto: manylinux_2_28 in the container, and on
      the host (container: off) the oldest policy the wheel and the host glibc allow.
    required: false
    default: auto
  output-dir:
    description: The wheelhouse for the repaired wheels, relative to GITHUB_WORKSPACE.
    required: false
    default: wheelhouse
  test-requires:
    description: Extra packages installed next to each wheel before its test (spaces or newlines).
    required: false
    default: ''
  test-command:
    description: >-
      The command run in a clean venv, from an empty directory, to test each wheel (run by bash;
      "python" is the venv's). Empty: dipy's smoke test (import, get_info, AffineMap,
      have_openmp). "none" skips the test.
    required: false
    default: ''
  compiler-cache:
    description: Build with ccache, its directory kept across runs.
    required: false
    default: 'true'
  fail-fast:
    description: >-
      Stop at the first failing Python version. With false the others still build, are tested
      and published, and the step fails at the end with a summary of what failed.
    required: false
    default: 'true'
  upload:
    description: >-
      Where the wheels go: auto (schedule, or push of master: nightly; push of anything else:
      staging; pull_request and workflow_dispatch: none), nightly, staging or none.
    required: false
    default: auto
  dry-run:
    description: Do everything, print what would be uploaded and removed, send nothing.
    required: false
    default: 'false'
  nightly-channel:
    description: The anaconda.org owner for nightly wheels.
    required: false
    default: scipy-wheels-nightly
  staging-channel:
    description: The anaconda.org owner for release wheels staged for PyPI.
    required: false
    default: multibuild-wheels-staging
  nightly-token:
    description: anaconda.org token with api:write on the nightly channel.
    required: false
    default: ''
  staging-token:
    description: anaconda.org token with api:write on the staging channel.
    required: false
    default: ''
  labels:
    description: anaconda.org labels for the upload (spaces, commas or newlines).
    required: false
    default: main
  anaconda-url:
    description: >-
      The anaconda.org API URL. The install line in the summary always names pypi.anaconda.org; with
      another server, use that server's own pip index.
    required: false
    default: https://api.anaconda.org
  if-exists:
    description: >-
      What to do when a file of the same name is already on the channel: fail, skip or replace.
      Empty: replace for nightly, fail for staging. A replace never loses the published wheel.
    required: false
    default: ''
  keep-versions:
    description: >-
      Nightly only: remove versions beyond the newest N after the upload (never the one just
      uploaded). 0 keeps everything.
    required: false
    default: '0'
  artifact:
    description: >-
      Upload the wheelhouse as a GitHub artifact: auto (when the runner provides the artifact
      service), true or false.
    required: false
    default: auto
  artifact-name:
    description: The artifact name. Empty gives wheels-<python>-<os>-<arch>, unique per job.
    required: false
    default: ''
  stop-after:
    description: >-
      The last step to run: checkout, build (dependencies, build, repair), test or publish.
      E.g. "checkout" only checks that the ref exists and reports its commit and version.
    required: false
    default: publish

outputs:
  commit:
    description: The full SHA that was checked out.
  ref:
    description: The ref that was asked for.
  version:
    description: The [project] version of the checked-out pyproject.toml, when it has one.
  wheels:
    description: JSON array of the repaired, tested wheel paths.
  wheelhouse:
    description: The directory that holds the wheels.
  upload-target:
    description: 'JSON object: the upload decision (target, channel, labels, reason).'
  uploaded:
    description: JSON array of the URLs of the uploaded files.
  artifact-id:
    description: The id of the uploaded GitHub artifact, when one was uploaded.

runs:
  using: node24
  main: dist/index.js
`;

// src/util/file-commands.ts
function parseFileCommands(text) {
  const out = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value = [];
      while (++i < lines.length && lines[i] !== delim) value.push(lines[i]);
      out[name] = value.join("\n");
    } else if (line.includes("=")) {
      const at = line.indexOf("=");
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

// src/cli.ts
var spec = (0, import_yaml.parse)(action_default);
function usage() {
  const lines = Object.entries(spec.inputs).map(
    ([name, s]) => `  --${name.padEnd(16)} ${(s.description ?? "").split(/(?<=\.)\s/)[0]} [default: ${JSON.stringify(s.default ?? "")}]`
  );
  return [
    "Usage: node dist/cli.js [--input value ...] [--workspace DIR] [--event NAME]",
    "",
    "Builds, repairs and tests wheels through the same pipeline as the action.",
    "  --workspace DIR    the workspace (default: the current directory)",
    "  --event NAME       the GitHub event to act as (default: workflow_dispatch, which uploads nothing)",
    "",
    "Inputs (see action.yml):",
    ...lines
  ].join("\n");
}
function parseArgs(argv) {
  const inputs = {};
  let workspace = process.cwd();
  let event = "workflow_dispatch";
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(usage() + "\n");
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m)
      throw new Error(`Unexpected argument ${JSON.stringify(arg)}: flags are --name value (see --help).`);
    const value = m[2] ?? argv[++i];
    if (value === void 0) throw new Error(`--${m[1]} needs a value.`);
    if (m[1] === "workspace") workspace = path.resolve(value);
    else if (m[1] === "event") event = value;
    else if (m[1] in spec.inputs) inputs[m[1]] = value;
    else throw new Error(`Unknown flag --${m[1]}: see --help for the inputs.`);
  }
  return { inputs, workspace, event };
}
function touch(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  return file;
}
async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err.message}
`);
    process.exit(2);
  }
  const { inputs, workspace, event } = args;
  fs.mkdirSync(workspace, { recursive: true });
  const temp = process.env.RUNNER_TEMP || fs.mkdtempSync(path.join(os.tmpdir(), "dipy-wheels-"));
  const files = path.join(temp, "_runner_file_commands");
  const env = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path.join(files, "event.json"),
    GITHUB_OUTPUT: touch(path.join(files, "output")),
    GITHUB_ENV: touch(path.join(files, "env")),
    GITHUB_PATH: touch(path.join(files, "path")),
    GITHUB_STATE: touch(path.join(files, "state")),
    GITHUB_STEP_SUMMARY: touch(path.join(files, "summary.html")),
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE || path.join(os.homedir(), ".cache", "dipy-wheels", "toolcache")
  };
  fs.writeFileSync(env.GITHUB_EVENT_PATH, "{}");
  for (const [name, s] of Object.entries(spec.inputs)) {
    env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] = inputs[name] ?? s.default ?? "";
  }
  Object.assign(process.env, env);
  process.chdir(workspace);
  await run();
  const outputs = parseFileCommands(fs.readFileSync(env.GITHUB_OUTPUT, "utf8"));
  process.stdout.write(
    `
Outputs:
${JSON.stringify(outputs, null, 2)}
Summary: ${env.GITHUB_STEP_SUMMARY}
`
  );
}
await main();
