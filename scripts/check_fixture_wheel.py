"""Checks a repaired wheel of an OpenMP fixture (dwomp: setuptools; dwmp: meson-python + Cython) as a
user would, on any runner OS.

    python scripts/check_fixture_wheel.py --wheelhouse DIR --os linux|macos|windows --arch ARCH
        [--package dwomp|dwmp] [--manylinux POLICY] [--macos-target X.Y]

Run it with the Python the wheel was built for: it picks the wheel of that interpreter (cpXY) and checks
  1. the platform tag: manylinux_2_N_<arch> (exactly manylinux_<POLICY>_<arch> with --manylinux),
     macosx_<X>_<Y>_<arch> for the deployment target (default 11.0), or win32 / win_amd64 / win_arm64;
  2. the libraries the repair grafted into the wheel: the OpenMP runtime (libgomp on Linux, libomp on
     macOS, vcomp140.dll on Windows) and libdwmath, the library of the cmake recipe;
  3. that the wheel installs in a new venv (no index, no dependencies) and, run from an empty directory with
     no library path, imports and computes the right answers with two OpenMP threads.
Prints one line per check; exits 1 when any check fails, 2 on bad arguments. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ARCHES = {
    "linux": {"x86_64": "x86_64", "aarch64": "aarch64"},
    "macos": {"x86_64": "x86_64", "arm64": "arm64"},
    "windows": {"x64": "win_amd64", "x86": "win32", "arm64": "win_arm64"},
}

# What each OS's repair tool grafts, as paths inside the wheel. auditwheel: <pkg>.libs/<name>-<8 hex>.so...
# (auditwheel's repair.py); delocate: <pkg>/.dylibs/<original name> (delocate's delocating.py);
# delvewheel: <pkg>.libs/<name>[-<hash>].dll (delvewheel's _wheel_repair.py, name mangling on by default).
# {pkg} is the package's name.
GRAFTED = {
    "linux": {
        "OpenMP runtime (libgomp)": r"^{pkg}\.libs/libgomp-[0-9a-f]{{8}}\.so(\.\d+)*$",
        "libdwmath": r"^{pkg}\.libs/libdwmath-[0-9a-f]{{8}}\.so(\.\d+)*$",
    },
    "macos": {
        "OpenMP runtime (libomp)": r"^{pkg}/\.dylibs/libomp\.dylib$",
        "libdwmath": r"^{pkg}/\.dylibs/libdwmath(\.\d+)*\.dylib$",
    },
    "windows": {
        "OpenMP runtime (vcomp140.dll)": r"(?i)^{pkg}\.libs/vcomp140(-[0-9a-f]+)?\.dll$",
        "libdwmath": r"(?i)^{pkg}\.libs/dwmath(-[0-9a-f]+)?\.dll$",
    },
}
PACKAGES = ("dwomp", "dwmp")

N = 100_000
# Computed here, not by the package: the sum of dw_add(i, 1) = i + 1 for i in [0, N).
EXPECTED = {"add": 5, "psum": N * (N + 1) // 2, "threads": 2}

PROBE = """
import json, {pkg} as p
print(json.dumps({{
    "file": p.__file__,
    "add": p.add(2, 3),
    "psum": p.psum({n}),
    "threads": p.threads_used(),
    "openmp": p.OPENMP,
}}))
"""


class Checks:
    def __init__(self) -> None:
        self.failed = 0

    def report(self, ok: bool, what: str, detail: str) -> bool:
        print(f"{'ok  ' if ok else 'FAIL'} {what}: {detail}")
        self.failed += 0 if ok else 1
        return ok


def find_wheel(wheelhouse: Path, package: str, python_tag: str) -> Path | None:
    wheels = sorted(wheelhouse.glob(f"{package}-*-{python_tag}-{python_tag}-*.whl"))
    return wheels[0] if len(wheels) == 1 else None


def platform_pattern(args: argparse.Namespace) -> str:
    arch = ARCHES[args.os][args.arch]
    if args.os == "linux":
        policy = re.escape(args.manylinux) if args.manylinux else r"2_\d+"
        return rf"^manylinux_{policy}_{arch}$"
    if args.os == "macos":
        major, _, minor = args.macos_target.partition(".")
        return rf"^macosx_{int(major)}_{int(minor or 0)}_{arch}$"
    return rf"^{arch}$"


def clean_env() -> dict[str, str]:
    """No library path and no Python variables: only what a fresh shell has, plus two OpenMP threads."""
    if os.name == "nt":
        root = os.environ.get("SYSTEMROOT", r"C:\Windows")
        env = {"SYSTEMROOT": root, "PATH": os.path.join(root, "System32")}
    else:
        env = {"PATH": "/usr/bin:/bin"}
    env["OMP_NUM_THREADS"] = "2"
    return env


def run_in_venv(wheel: Path, package: str, checks: Checks) -> None:
    with tempfile.TemporaryDirectory(prefix=f"{package}-check-") as tmp:
        venv = Path(tmp) / "venv"
        empty = Path(tmp) / "empty"
        empty.mkdir()
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        install = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
             "--no-index", "--no-deps", str(wheel)],
            capture_output=True, text=True,
        )
        if not checks.report(install.returncode == 0, "installs in a new venv", install.stderr.strip() or "yes"):
            return
        probe = subprocess.run(
            [str(python), "-c", PROBE.format(pkg=package, n=N)], cwd=empty, env=clean_env(), capture_output=True, text=True
        )
        if not checks.report(probe.returncode == 0, "imports from an empty directory", probe.stderr.strip() or "yes"):
            return
        got = json.loads(probe.stdout.strip().splitlines()[-1])
        inside = Path(got["file"]).resolve().is_relative_to(venv.resolve())
        checks.report(inside, "the module comes from the venv", got["file"])
        for key, want in EXPECTED.items():
            checks.report(got[key] == want, f"computes {key}", f"{got[key]} (expected {want})")
        checks.report(got["openmp"] > 0, "built with OpenMP", f"_OPENMP = {got['openmp']}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheelhouse", required=True, type=Path)
    parser.add_argument("--os", required=True, choices=sorted(ARCHES))
    parser.add_argument("--arch", required=True)
    parser.add_argument("--package", default="dwomp", choices=PACKAGES, help="the fixture (default dwomp)")
    parser.add_argument("--manylinux", default="", help="Linux: the exact policy, e.g. 2_28")
    parser.add_argument("--macos-target", default="11.0", help="macOS: the deployment target (default 11.0)")
    args = parser.parse_args(argv)
    if args.arch not in ARCHES[args.os]:
        parser.error(f"--arch {args.arch} is not one of {', '.join(ARCHES[args.os])} for --os {args.os}")
    if not re.fullmatch(r"\d+(\.\d+)?", args.macos_target):
        parser.error(f"--macos-target {args.macos_target} is not a version such as 11.0")

    checks = Checks()
    python_tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    wheel = find_wheel(args.wheelhouse, args.package, python_tag)
    found = sorted(p.name for p in args.wheelhouse.glob("*.whl")) if args.wheelhouse.is_dir() else []
    if not checks.report(wheel is not None, f"one {python_tag} wheel in {args.wheelhouse}", ", ".join(found) or "none"):
        return 1
    assert wheel is not None
    platform = wheel.name[: -len(".whl")].split("-")[-1]
    pattern = platform_pattern(args)
    # A wheel may carry several platform tags joined by '.' (PEP 425 compressed tag sets).
    checks.report(
        any(re.match(pattern, tag) for tag in platform.split(".")),
        "platform tag",
        f"{platform} (expected {pattern})",
    )
    names = zipfile.ZipFile(wheel).namelist()
    for what, graft in GRAFTED[args.os].items():
        graft = graft.format(pkg=args.package)
        hits = [n for n in names if re.match(graft, n)]
        checks.report(len(hits) == 1, f"grafted {what}", ", ".join(hits) or f"nothing matches {graft}")
    run_in_venv(wheel, args.package, checks)
    print(f"{wheel.name}: {'all checks passed' if checks.failed == 0 else f'{checks.failed} check(s) failed'}")
    return 0 if checks.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
