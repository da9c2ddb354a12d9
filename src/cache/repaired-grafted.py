"""Finds the system libraries auditwheel would graft into a built wheel, and their sha256.

Run by the tools venv's python (pyelftools comes with auditwheel) where the repair runs, with the repair's
variables. Usage: repaired-grafted.py WHEEL BASE.EXT... ; prints one JSON object mapping each BASE.EXT (the
source library's file name, as auditwheel's copylib renames it) to {"source": path, "sha256": hex}, or to
{"source": null} when no library of that name is found.

The search follows auditwheel's lddtree.ldd (src/auditwheel/lddtree.py, pypa/auditwheel): a DT_NEEDED
name is looked for in the ELF's DT_RPATH (ignored when it has DT_RUNPATH), its DT_RUNPATH, then
AUDITWHEEL_LD_LIBRARY_PATH and LD_LIBRARY_PATH, then /etc/ld.so.conf (with its includes) followed by
/lib, /lib64, /usr/lib, /usr/lib64, then the interpreter's directory; the first existing file of the same
ELF class and machine wins, taken through its symlinks. Libraries needed by a found library are searched
the same way (with the first ELF's paths first).
"""

import glob
import hashlib
import io
import json
import os
import sys
import zipfile

from elftools.elf.dynamic import DynamicSegment
from elftools.elf.elffile import ELFFile


def dirs(value, origin):
    out = []
    for d in (value or "").split(":"):
        if "$ORIGIN" in d or "${ORIGIN}" in d:
            if origin is None:
                continue  # inside the unpacked wheel: nothing there is grafted from outside
            d = d.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)
        if d and os.path.isdir(d):
            out.append(os.path.normpath(d))
    return out


def ld_so_conf(conf, seen):
    out = []
    try:
        with open(conf) as f:
            lines = [ln.split("#", 1)[0].strip() for ln in f]
    except OSError:
        return out
    for line in filter(None, lines):
        if line.startswith("include "):
            pattern = line[8:].strip()
            if not pattern.startswith("/"):
                pattern = os.path.join(os.path.dirname(conf), pattern)
            for inc in sorted(glob.glob(pattern)):
                if inc not in seen:
                    seen.add(inc)
                    out += ld_so_conf(inc, seen)
        else:
            out.append(os.path.normpath(line))
    return out


def dynamic(elf, origin):
    needed, rpath, runpath = [], [], []
    for seg in elf.iter_segments():
        if isinstance(seg, DynamicSegment):
            for t in seg.iter_tags():
                if t.entry.d_tag == "DT_NEEDED":
                    needed.append(t.needed)
                elif t.entry.d_tag == "DT_RPATH":
                    rpath = dirs(t.rpath, origin)
                elif t.entry.d_tag == "DT_RUNPATH":
                    runpath = dirs(t.runpath, origin)
            break
    interp = [s.get_interp_name() for s in elf.iter_segments() if s.header.p_type == "PT_INTERP"]
    return needed, ([] if runpath else rpath) + runpath, interp


def main():
    wheel, wanted = sys.argv[1], set(sys.argv[2:])
    env = dirs(os.environ.get("AUDITWHEEL_LD_LIBRARY_PATH"), None) + dirs(
        os.environ.get("LD_LIBRARY_PATH"), None
    )
    conf = ld_so_conf("/etc/ld.so.conf", set()) + ["/lib", "/lib64", "/usr/lib", "/usr/lib64"]
    found, done, interp_dirs = {}, set(), []

    def walk(queue):
        nonlocal interp_dirs
        while queue and len(found) < len(wanted):
            elf, origin, top = queue.pop(0)
            needed, own, interp = dynamic(elf, origin)
            top = own if top is None else top  # each ELF of the wheel is a first ELF of lddtree
            for i in interp:
                interp_dirs = [os.path.dirname(i), "/usr" + os.path.dirname(i)]
            kind = (elf.elfclass, elf["e_machine"])
            for soname in needed:
                if soname in done:
                    continue
                for d in top + own + env + conf + interp_dirs:
                    real = os.path.realpath(os.path.join(d, soname))
                    if not os.path.isfile(real):
                        continue
                    with open(real, "rb") as f:
                        data = f.read()
                    lib = ELFFile(io.BytesIO(data))
                    if (lib.elfclass, lib["e_machine"]) != kind:
                        continue
                    done.add(soname)
                    name = os.path.basename(real)
                    if name in wanted and name not in found:
                        found[name] = {"source": real, "sha256": hashlib.sha256(data).hexdigest()}
                    queue.append((lib, os.path.dirname(real), top))
                    break

    # One ELF of the wheel at a time (decompressed only when needed): done once every source is found.
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if len(found) == len(wanted):
                break
            base = os.path.basename(name)
            if base.endswith(".so") or ".so." in base:
                data = z.read(name)
                if data[:4] == b"\x7fELF":
                    walk([(ELFFile(io.BytesIO(data)), None, None)])
    print(json.dumps({n: found.get(n, {"source": None}) for n in sorted(wanted)}))


main()
