#!/usr/bin/env bash
# Records what a new user sees on a first run of the CLI: the help, a plan, a cold build, a rerun in
# another workspace, and three mistakes. The Cython fixture stands in for dipy so that a build takes
# seconds. Everything lives under one folder (default /tmp/first-run, removed first); the transcript goes
# to stdout, each command shown after "$ " and followed by its exit code. docs/first-run.md is made from it.
#
#   bash scripts/first-run.sh [folder] > transcript.txt
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-/tmp/first-run}
rm -rf -- "$root"
mkdir -p -- "$root/tmp" "$root/toolcache"

# The fixture as a local git repository with a tag, the same checkout path as GitHub's.
cp -r -- "$here/__tests__/fixtures/dwcy" "$root/dwcy"
git -C "$root/dwcy" init -q -b main
git -C "$root/dwcy" add -A
git -C "$root/dwcy" -c user.name=first-run -c user.email=first-run@localhost commit -q -m fixture
git -C "$root/dwcy" tag 0.1.0

export RUNNER_TOOL_CACHE="$root/toolcache" TMPDIR="$root/tmp"
cli=(node "$here/dist/cli.js")
test_cmd="python -c 'import dwcy._answer as a; print(a.answer())'"

# Shows an argument as a person would type it: bare when safe, else in single quotes.
quote() {
  if [[ $1 =~ ^[A-Za-z0-9_./:=,+-]+$ ]]; then printf ' %s' "$1"; else printf " '%s'" "${1//\'/\'\\\'\'}"; fi
}

show() {
  printf '$ dipy-wheels'
  for a in "$@"; do quote "$a"; done
  printf '\n'
  "${cli[@]}" "$@" 2>&1
  printf '[exit %s]\n\n' "$?"
}

common=(--build-commit 0.1.0 --repository "$root/dwcy" --container off --python-version 3.11)
echo '## help'
show --help
echo '## plan'
show plan "${common[@]}" --workspace "$root/ws"
echo '## build'
show "${common[@]}" --workspace "$root/ws" --stop-after test --test-command "$test_cmd"
echo "## left in TMPDIR after the build: $(find "$root/tmp" -mindepth 1 | wc -l) entries"
echo '## rerun'
show "${common[@]}" --workspace "$root/ws2" --stop-after test --test-command "$test_cmd"
echo "## left in TMPDIR after the rerun: $(find "$root/tmp" -mindepth 1 | wc -l) entries"
echo '## mistakes'
show --pyhton-version 3.11 --build-commit 0.1.0
show --build-commit 0.1.0 --python-version 3.99 --container off --workspace "$root/ws3"
show --build-commit 0.1.0 --workspace /proc/nope
show release --help
