import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);
import {
  action_default,
  detectHost,
  getInputs,
  makePlan,
  messageOf,
  renderPlan,
  require_dist,
  run,
  terminalSafe,
  wheelArch
} from "./chunks/chunk-KA6ITH33.js";
import {
  __toESM
} from "./chunks/chunk-NRHADYF3.js";

// src/cli.ts
var import_yaml = __toESM(require_dist(), 1);
import * as fs from "node:fs";
import * as os from "node:os";
import * as path3 from "node:path";

// src/cli-plan.ts
import * as path from "node:path";

// src/plan/runner-layout.ts
var LAYOUTS = {
  linux: {
    home: "/home/runner",
    workspace: "/home/runner/work/dipy-wheels/dipy-wheels",
    temp: "/home/runner/work/_temp",
    toolCache: "/opt/hostedtoolcache"
  },
  macos: {
    home: "/Users/runner",
    workspace: "/Users/runner/work/dipy-wheels/dipy-wheels",
    temp: "/Users/runner/work/_temp",
    toolCache: "/Users/runner/hostedtoolcache"
  },
  windows: {
    home: "C:\\Users\\runneradmin",
    workspace: "D:\\a\\dipy-wheels\\dipy-wheels",
    temp: "D:\\a\\_temp",
    toolCache: "C:\\hostedtoolcache\\windows"
  }
};
function runnerLayout(platform) {
  return LAYOUTS[platform];
}
function parseOs(value) {
  const v = value.toLowerCase();
  if (v === "linux") return "linux";
  if (v === "macos" || v === "darwin" || v === "mac") return "macos";
  if (v === "windows" || v === "win32") return "windows";
  return void 0;
}

// src/cli-plan.ts
function targetHost(host, target) {
  const platform = target.os ? parseOs(target.os) : host.platform;
  if (!platform) throw new Error(`--os ${target.os}: use linux, macos or windows.`);
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
  const p = target.platform === "windows" ? path.win32 : path.posix;
  const move = (dir) => p.join(target.workspace, ...path.relative(host.workspace, dir).split(path.sep));
  return { ...inputs, checkoutDir: move(inputs.checkoutDir), outputDir: move(inputs.outputDir) };
}
function printPlan(target) {
  const host = detectHost();
  let planHost = targetHost(host, target);
  let inputs = retarget(getInputs(host), host, planHost);
  if (planHost.platform === "windows" && planHost.arch === "x86") {
    planHost = { ...planHost, arch: "AMD64" };
    inputs = { ...inputs, architecture: inputs.architecture || "x86" };
  }
  const plan = makePlan(inputs, planHost);
  process.stdout.write(`${target.json ? JSON.stringify(plan, null, 2) : renderPlan(plan)}
`);
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
  constructor(debug = false) {
    this.debug = debug;
  }
  debug;
  annotations = [];
  secrets = [];
  pending = "";
  atLineStart = true;
  mask(text) {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join("***");
    return terminalSafe(out);
  }
  /** One complete line (without its newline): the text to print for it, newline included, or ''. */
  renderLine(line) {
    const cmd = line.startsWith("::") ? parseCommand(line.replace(/\r$/, "")) : void 0;
    if (!cmd) return `${this.mask(line)}
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
        const message = this.mask(cmd.message);
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
  push(text) {
    let data = this.pending + text;
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

// src/cli/result-table.ts
import * as path2 from "node:path";
var parse = (text, fallback) => {
  if (!text) return fallback;
  try {
    return JSON.parse(text);
  } catch {
    return fallback;
  }
};
function columns(rows) {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd());
}
function resultTable(outputs, errors) {
  const rows = [];
  const ref = outputs.ref ? ` (${outputs.ref}${outputs.version ? `, version ${outputs.version}` : ""})` : "";
  rows.push(["commit", outputs.commit ? `${outputs.commit}${ref}` : "not checked out"]);
  const wheels = parse(outputs.wheels, []);
  const uploaded = parse(outputs.uploaded, []);
  const target = parse(
    outputs["upload-target"],
    {}
  );
  if (wheels.length === 0) rows.push(["built", "no wheel"]);
  for (const wheel of wheels) {
    const name = path2.basename(wheel);
    const places = [path2.dirname(wheel)];
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
    "       node dist/cli.js plan [--os linux|macos|windows] [--architecture x64|arm64|x86] [--json] [--input value ...]",
    "       node dist/cli.js release VERSION [--input value ...]   (the same as --command release --version VERSION)",
    "",
    "Builds, repairs and tests wheels through the same pipeline as the action.",
    "`plan` prints what would run (commands, environment, directories) on any runner, and runs nothing.",
    "  --workspace DIR    the workspace (default: the current directory)",
    "  --event NAME       the GitHub event to act as (default: workflow_dispatch, which uploads nothing)",
    "",
    "Inputs (see action.yml):",
    ...lines
  ].join("\n");
}
var PLAN_FLAGS = /* @__PURE__ */ new Set(["os", "architecture"]);
function parseArgs(argv, planning) {
  const inputs = {};
  const target = {};
  let workspace = process.cwd();
  let event = "workflow_dispatch";
  if (argv[0] === "release") {
    inputs.command = "release";
    argv = argv.slice(1);
    if (argv[0] !== void 0 && !argv[0].startsWith("-")) inputs.version = argv.shift();
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") {
      process.stdout.write(usage() + "\n");
      process.exit(0);
    }
    if (planning && arg === "--json") {
      target.json = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!m)
      throw new Error(`Unexpected argument ${JSON.stringify(arg)}: flags are --name value (see --help).`);
    const value = m[2] ?? argv[++i];
    if (value === void 0) throw new Error(`--${m[1]} needs a value.`);
    if (m[1] === "workspace") workspace = path3.resolve(value);
    else if (m[1] === "event") event = value;
    else if (planning && PLAN_FLAGS.has(m[1])) target[m[1]] = value;
    else if (m[1] in spec.inputs) inputs[m[1]] = value;
    else throw new Error(`Unknown flag --${m[1]}: see --help for the inputs.`);
  }
  return { inputs, workspace, event, target };
}
function plainStdout(log) {
  const write = process.stdout.write.bind(process.stdout);
  const filtered = (chunk, ...rest) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    const out = log.push(text);
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
  fs.mkdirSync(path3.dirname(file), { recursive: true });
  fs.writeFileSync(file, "");
  return file;
}
async function main() {
  let args;
  const argv = process.argv.slice(2);
  const planning = argv[0] === "plan";
  try {
    args = parseArgs(planning ? argv.slice(1) : argv, planning);
  } catch (err) {
    process.stderr.write(`${err.message}
`);
    process.exit(2);
  }
  const { inputs, workspace, event } = args;
  fs.mkdirSync(workspace, { recursive: true });
  const temp = process.env.RUNNER_TEMP || fs.mkdtempSync(path3.join(os.tmpdir(), "dipy-wheels-"));
  const files = path3.join(temp, "_runner_file_commands");
  const env = {
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: path3.join(files, "event.json"),
    GITHUB_OUTPUT: touch(path3.join(files, "output")),
    GITHUB_ENV: touch(path3.join(files, "env")),
    GITHUB_PATH: touch(path3.join(files, "path")),
    GITHUB_STATE: touch(path3.join(files, "state")),
    GITHUB_STEP_SUMMARY: touch(path3.join(files, "summary.html")),
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: process.env.RUNNER_TOOL_CACHE || path3.join(os.homedir(), ".cache", "dipy-wheels", "toolcache")
  };
  fs.writeFileSync(env.GITHUB_EVENT_PATH, "{}");
  for (const [name, s] of Object.entries(spec.inputs)) {
    const key = `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;
    env[key] = inputs[name] ?? process.env[key] ?? process.env[key.replace(/-/g, "_")] ?? s.default ?? "";
  }
  Object.assign(process.env, env);
  process.chdir(workspace);
  if (planning) {
    try {
      printPlan(args.target);
    } catch (err) {
      process.stderr.write(`${messageOf(err)}
`);
      process.exit(2);
    }
    return;
  }
  const log = new PlainLog(process.env.RUNNER_DEBUG === "1");
  const restore = plainStdout(log);
  try {
    await run();
  } finally {
    const rest = log.flush();
    restore();
    process.stdout.write(rest);
  }
  const outputs = parseFileCommands(fs.readFileSync(env.GITHUB_OUTPUT, "utf8"));
  const errors = log.annotations.filter((a) => a.level === "error").map((a) => a.message);
  process.stdout.write(
    resultTable(outputs, errors) + `
Outputs: ${env.GITHUB_OUTPUT}
Summary: ${env.GITHUB_STEP_SUMMARY}
`
  );
}
await main();
