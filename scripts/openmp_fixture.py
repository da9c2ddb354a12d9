"""Lays out an OpenMP fixture for a real run of the action (ci.yml, on every runner OS).

    python scripts/openmp_fixture.py DIR [dwomp|dwmp]

Writes into DIR:
  <package>/               the package of __tests__/fixtures/<package> as a git repository tagged 0.1.0:
                           dwomp (setuptools, a C extension; the default) or dwmp (meson-python, Cython,
                           meson's OpenMP lookup: dipy's own build path)
  libdwmath-1.0.0.tar.gz   __tests__/fixtures/clib as a source archive, for a cmake dependency recipe
and gives the action's inputs: `repository`, `build-commit` and `dependencies` (the recipe, with the
archive's sha256 and a file:// URL), as step outputs when GITHUB_OUTPUT is set, else as JSON on stdout.
The unit and slow tests lay out the same files with __tests__/harness/openmp-fixture.ts.
Standard library only, so that it runs with any Python 3.9+ on Linux, macOS and Windows.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "__tests__" / "fixtures"
PACKAGES = ("dwomp", "dwmp")
CLIB = ROOT / "__tests__" / "fixtures" / "clib"
TAG = "0.1.0"
CLIB_NAME = "libdwmath-1.0.0"

GIT_ENV = {
    "GIT_AUTHOR_NAME": "dipy-wheels CI",
    "GIT_AUTHOR_EMAIL": "ci@example.invalid",
    "GIT_COMMITTER_NAME": "dipy-wheels CI",
    "GIT_COMMITTER_EMAIL": "ci@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "init.defaultBranch=master", "-c", "core.autocrlf=false", *args],
        cwd=cwd,
        env={**os.environ, **GIT_ENV},
        check=True,
        stdout=subprocess.DEVNULL,
    )


def make_repo(dest: Path, package: str) -> Path:
    repo = dest / package
    shutil.copytree(FIXTURES / package, repo, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "dwomp")
    git(repo, "tag", TAG)
    return repo


def make_archive(dest: Path) -> Path:
    archive = dest / f"{CLIB_NAME}.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(CLIB, arcname=CLIB_NAME)
    return archive


def recipe(archive: Path) -> str:
    sha256 = hashlib.sha256(archive.read_bytes()).hexdigest()
    # JSON strings are YAML strings: the URI and the hash need no further quoting rules.
    return "\n".join(
        [
            "- name: dwmath",
            "  version: 1.0.0",
            f"  source: {json.dumps(archive.resolve().as_uri())}",
            f"  sha256: {sha256}",
            "  build: cmake",
            "",
        ]
    )


def write_outputs(outputs: dict[str, str]) -> None:
    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        print(json.dumps(outputs, indent=2))
        return
    with open(target, "a", encoding="utf-8") as out:
        for key, value in outputs.items():
            if "\n" in value:
                # GitHub's multi-line output syntax, with a delimiter that cannot occur in the value.
                delimiter = f"EOF_{uuid.uuid4().hex}"
                out.write(f"{key}<<{delimiter}\n{value}\n{delimiter}\n")
            else:
                out.write(f"{key}={value}\n")
    print(f"fixture laid out: {outputs['repository']} (tag {TAG}), recipe:\n{outputs['dependencies']}")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] not in PACKAGES):
        print(f"usage: {argv[0]} DIR (an empty or missing directory) [{'|'.join(PACKAGES)}]", file=sys.stderr)
        return 2
    package = argv[2] if len(argv) == 3 else PACKAGES[0]
    dest = Path(argv[1]).resolve()
    if dest.exists() and any(dest.iterdir()):
        print(f"error: {dest} is not empty: give a new directory.", file=sys.stderr)
        return 2
    dest.mkdir(parents=True, exist_ok=True)
    repo = make_repo(dest, package)
    archive = make_archive(dest)
    write_outputs({"repository": str(repo), "build-commit": TAG, "dependencies": recipe(archive)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
