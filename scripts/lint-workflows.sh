#!/usr/bin/env bash
# Lints .github/workflows with the pinned tools of requirements/lint.txt (installed into .venv-lint by
# .ci/run), then checks that the two wheel workflows build the same BUILD_COMMIT and that the release's
# default expected set (src/release/default-set.ts) is the one their matrices build. Exits non-zero on any
# finding. Run from anywhere: bash scripts/lint-workflows.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv-lint/bin
for tool in actionlint zizmor shellcheck; do
  if [ ! -x "$bin/$tool" ]; then
    echo "error: $bin/$tool is missing. Install the pinned linters first:" >&2
    echo "  python3 -m venv .venv-lint && .venv-lint/bin/python -m pip install --only-binary :all: -r requirements/lint.txt" >&2
    exit 2
  fi
done

# actionlint: syntax, expressions, matrix and step-output types, runner labels, the with: keys of `uses: ./`
# against action.yml, and shellcheck on every run: block (the pinned shellcheck, not whatever is on PATH).
# No workflow has a Python run: block, so pyflakes is off rather than silently depending on PATH.
"$bin/actionlint" -version | sed -n 1p
"$bin/actionlint" -shellcheck "$bin/shellcheck" -pyflakes=

# zizmor, offline: every audit that reads only the files. Its five online audits (impostor-commit,
# ref-confusion, known-vulnerable-actions, stale-action-refs, ref-version-mismatch) need the GitHub API and
# are not run here; the pinned SHAs carry their version in a comment so a reader can check them by hand.
"$bin/zizmor" --version
"$bin/zizmor" --offline --no-progress --color never .github/workflows

npm run -s check:build-commit
npm run -s check:release-set
