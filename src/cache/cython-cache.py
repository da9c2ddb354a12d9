"""Cython with a cache of its output by content, for a build that runs Cython once per source.

Usage: python cython-cache.py --cache-dir=DIR [--basedir=DIR] [--log=FILE] -- <cython's own arguments>
(one word per option: meson takes a path-like argument of a [binaries] entry for a file the step needs)

Run by the build (meson's [binaries] cython entry) instead of `cython`. It runs Cython in this process
(Cython.Compiler.Main, as the `cython` command does) and records what Cython looked at:
- every file it opened for reading (its sha256): the source, the .pxd/.pxi it cimported or included,
  numpy's .pxd, Cython's own utility code;
- every path whose existence it asked about (os.path.exists/isfile/isdir), with the answer: a .pxd that
  appears earlier on the include path, or a new __init__.py, changes what Cython does.
A later call with the same arguments (the output path aside), the same working directory and the same
Cython version (paths under --basedir taken relative to it, so another workspace matches) reuses the stored output only when every recorded file still has the same content and
every recorded existence the same answer; otherwise Cython runs. Never a stale output: a miss costs one
Cython run, a wrong hit would cost a wrong wheel.

Outputs stored: the C/C++ file, the header files Cython wrote for it (public/api), its depfile when asked
for (-M), and what Cython printed. Calls that write other files (annotate, gdb, shared utility module) or
compile several sources run Cython uncached.
"""

import builtins
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time

FORMAT = 1  # bump when the entry layout changes
KEEP = 4  # entries kept per key (e.g. a .pxd toggled between two versions)

_real_open = builtins.open
_real_exists = os.path.exists
_real_isfile = os.path.isfile
_real_isdir = os.path.isdir

_reads = {}  # absolute path -> None (filled in at the end)
_probes = {}  # absolute path -> (kind, answer)
_recording = False


def _note_read(file, mode):
    if _recording and isinstance(file, (str, bytes, os.PathLike)) and not any(c in mode for c in "wax+"):
        _reads[os.path.abspath(os.fsdecode(file))] = None


def _open(file, mode="r", *args, **kwargs):
    _note_read(file, mode)
    return _real_open(file, mode, *args, **kwargs)


def _probe(kind, real):
    def probe(path):
        answer = real(path)
        if _recording and isinstance(path, (str, bytes, os.PathLike)):
            _probes.setdefault(os.path.abspath(os.fsdecode(path)) + "\0" + kind, answer)
        return answer

    return probe


# Before Cython is imported: its compiled modules keep the builtins they see at import.
builtins.open = _open
io.open = _open
os.path.exists = _probe("exists", _real_exists)
os.path.isfile = _probe("isfile", _real_isfile)
os.path.isdir = _probe("isdir", _real_isdir)

BASEDIR = None
BASE = "{basedir}"


def relative(path):
    """A path under BASEDIR as {basedir}/..., any other string as it is (the key's and the records' form)."""
    if BASEDIR and (path == BASEDIR or path.startswith(BASEDIR + os.sep)):
        return BASE + path[len(BASEDIR) :]
    return path


def absolute(path):
    return BASEDIR + path[len(BASE) :] if BASEDIR and path.startswith(BASE) else path


def key_word(word):
    """An argument in the key: an absolute path (or --opt=path) under BASEDIR made relative to it."""
    if word.startswith("-") and "=" in word:
        opt, value = word.split("=", 1)
        return opt + "=" + relative(value)
    return relative(word)


PROBES = {"exists": _real_exists, "isfile": _real_isfile, "isdir": _real_isdir}


def sha256_of(path):
    h = hashlib.sha256()
    try:
        with _real_open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


def still_valid(deps):
    for key, answer in deps["probes"].items():
        path, kind = key.split("\0")
        if PROBES[kind](absolute(path)) != answer:
            return False
    return all(sha256_of(absolute(path)) == digest for path, digest in deps["reads"].items())


def newest_first(bucket):
    """The entries of a key, the most recently stored or used first."""
    try:
        names = [n for n in os.listdir(bucket) if not n.startswith(".")]
    except OSError:
        return []
    return sorted(names, key=lambda n: os.stat(os.path.join(bucket, n)).st_mtime_ns, reverse=True)


def log_line(log, record):
    if log:
        with _real_open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def parse(argv):
    global BASEDIR
    cache_dir, log, rest = None, None, list(argv)
    while rest and rest[0] != "--":
        opt = rest.pop(0)
        if opt.startswith("--cache-dir="):
            cache_dir = opt.split("=", 1)[1]
        elif opt.startswith("--basedir="):
            BASEDIR = os.path.abspath(opt.split("=", 1)[1])
        elif opt.startswith("--log="):
            log = opt.split("=", 1)[1]
        else:
            sys.exit("cython-cache: unknown option %r (usage: --cache-dir=DIR [--log=FILE] -- ARGS)" % opt)
    if not rest or cache_dir is None:
        sys.exit("cython-cache: usage: --cache-dir=DIR [--log=FILE] -- <cython arguments>")
    return cache_dir, log, rest[1:]


class Tee(io.TextIOBase):
    """Writes through to a stream and keeps a copy (Cython's messages are replayed on a hit)."""

    def __init__(self, stream):
        self.stream, self.copy = stream, io.StringIO()

    def write(self, s):
        self.copy.write(s)
        return self.stream.write(s)

    def flush(self):
        self.stream.flush()


def run_cython(args):
    """Cython's command line, in this process; (exit code, result set or None)."""
    from Cython.Compiler import Main
    from Cython.Compiler.Errors import PyrexError

    try:
        options, sources = Main.parse_command_line(args)
    except FileNotFoundError as e:
        print("cython: No such file or directory: '%s'" % e.filename, file=sys.stderr)
        return 1, None, None
    if options.show_version:
        from Cython import Utils

        Utils.print_version()
    try:
        result = Main.compile(sources, options)
    except (OSError, PyrexError) as e:
        sys.stderr.write(str(e) + "\n")
        return 1, None, options
    return (1 if result.num_errors > 0 else 0), result, options


def cacheable(options, sources):
    return (
        len(sources) == 1
        and options.output_file
        and not options.annotate
        and not getattr(options, "annotate_coverage_xml", None)
        and not options.gdb_debug
        and not options.working_path
        and not getattr(options, "shared_c_file_path", None)
        and not options.show_version
    )


def memo_file(cache_dir, args, version):
    """Where the parse of this exact command line is kept (location-free like the key)."""
    text = json.dumps([FORMAT, version, relative(os.getcwd()), [key_word(w) for w in args]])
    return os.path.join(cache_dir, "argv", hashlib.sha256(text.encode()).hexdigest() + ".json")


def read_memo(path, args):
    """(key, output, source, depfile) from an earlier parse of the same command line, or None."""
    try:
        with _real_open(path, encoding="utf-8") as f:
            m = json.load(f)
        word, src = args[m["output_at"]], args[m["source_at"]]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    prefix = m.get("output_prefix", "")
    if not word.startswith(prefix) or len(m.get("key", "")) != 64:
        return None
    output = os.path.abspath(word[len(prefix) :])
    return m["key"], output, os.path.relpath(os.path.abspath(src)), output + ".dep" if m["depfile"] else None


def parse_args(args, version):
    """Cython's own parse: ((key, output, source, depfile, memo) or None when not cacheable, the sources)."""
    from Cython.Compiler import Main

    try:
        options, sources = Main.parse_command_line(args)
    except BaseException:  # Cython reports the bad command line itself, when it runs
        return None, []
    if options is None or not cacheable(options, sources):
        return None, sources
    output = os.path.abspath(options.output_file)
    source = os.path.relpath(os.path.abspath(sources[0]))
    words = [a for a in args]
    at = words.index(options.output_file) if options.output_file in words else -1
    memo = None
    if at > 0 and words[at - 1] in ("-o", "--output-file"):
        del words[at - 1 : at + 1]
        memo = {"output_at": at, "output_prefix": ""}
    else:
        form = "--output-file=" + options.output_file
        if form in words:
            memo = {"output_at": words.index(form), "output_prefix": "--output-file="}
        words = [w for w in words if w != form]
    key_text = json.dumps([FORMAT, version, relative(os.getcwd()), [key_word(w) for w in words]])
    key = hashlib.sha256(key_text.encode()).hexdigest()
    depfile = output + ".dep" if getattr(options, "depfile", False) else None
    if memo is not None and sources[0] in args:
        memo.update(key=key, source_at=args.index(sources[0]), depfile=bool(depfile))
    else:
        memo = None
    return (key, output, source, depfile, memo), sources


def main(argv):
    global _recording
    cache_dir, log, args = parse(argv)
    import Cython  # its version only: the compiler (~0.15 s to import) is imported when Cython runs

    # The parse of this command line as an earlier call kept it (a hit then needs no compiler import).
    memo_path = memo_file(cache_dir, args, Cython.__version__)
    parsed = read_memo(memo_path, args)
    how = "kept" if parsed else "cython"
    if parsed is None:
        full, sources = parse_args(args, Cython.__version__)
        if full is None:
            code, _, _ = run_cython(args)
            log_line(log, {"source": " ".join(sources), "result": "uncached"})
            return code
        parsed, memo = full[:4], full[4]
        if memo is not None:
            try:
                os.makedirs(os.path.dirname(memo_path), exist_ok=True)
                tmp = memo_path + ".%d.tmp" % os.getpid()
                with _real_open(tmp, "w", encoding="utf-8") as f:
                    json.dump(memo, f)
                os.replace(tmp, memo_path)
            except OSError:
                pass  # only a later call's speed depends on it
    key, output, source, depfile = parsed
    bucket = os.path.join(cache_dir, key[:2], key)

    # A hit: the newest valid entry's files, put where this call asked for them.
    for name in newest_first(bucket):
        entry = os.path.join(bucket, name)
        try:
            with _real_open(os.path.join(entry, "deps.json"), encoding="utf-8") as f:
                deps = json.load(f)
        except (OSError, ValueError):
            continue
        if not still_valid(deps):
            continue
        out_dir = os.path.dirname(output)
        os.makedirs(out_dir, exist_ok=True)
        shutil.copyfile(os.path.join(entry, "output"), output)
        for extra in deps["extras"]:
            shutil.copyfile(os.path.join(entry, "extra-" + extra), os.path.join(out_dir, extra))
        if depfile and "depfile" in deps:
            shutil.copyfile(os.path.join(entry, "depfile"), depfile)
        sys.stdout.write(deps["stdout"])
        sys.stderr.write(deps["stderr"])
        os.utime(entry)  # most recently used first
        log_line(log, {"source": source, "result": "hit", "parse": how})
        return 0

    # A miss: run Cython, recording what it read and asked about.
    started = time.time() - 1
    out, err = Tee(sys.stdout), Tee(sys.stderr)
    sys.stdout, sys.stderr = out, err
    _recording = True
    try:
        code, result, options = run_cython(args)
    finally:
        _recording = False
        sys.stdout, sys.stderr = out.stream, err.stream
    log_line(log, {"source": source, "result": "miss" if code == 0 else "failed", "parse": how})
    if code != 0 or not _real_isfile(output):
        return code
    out_dir = os.path.dirname(output)
    written = {output}
    extras = []
    for r in result.values():
        for attr in ("h_file", "api_file", "i_file"):
            path = getattr(r, attr, None)
            if path and _real_isfile(path) and os.path.getmtime(path) >= started:
                if os.path.dirname(os.path.abspath(path)) != out_dir:
                    return code  # written elsewhere: not cached
                extras.append(os.path.basename(path))
                written.add(os.path.abspath(path))
    if depfile:
        written.add(depfile)
    reads = {relative(p): sha256_of(p) for p in _reads if p not in written}
    probes = {relative(k): v for k, v in _probes.items() if k.split("\0")[0] not in written}
    deps = {
        "reads": {p: d for p, d in reads.items() if d is not None},
        "probes": probes,
        "extras": sorted(set(extras)),
        "stdout": out.copy.getvalue(),
        "stderr": err.copy.getvalue(),
    }
    try:
        os.makedirs(bucket, exist_ok=True)
        tmp = tempfile.mkdtemp(prefix=".new-", dir=bucket)
        shutil.copyfile(output, os.path.join(tmp, "output"))
        for extra in deps["extras"]:
            shutil.copyfile(os.path.join(out_dir, extra), os.path.join(tmp, "extra-" + extra))
        if depfile and _real_isfile(depfile):
            shutil.copyfile(depfile, os.path.join(tmp, "depfile"))
            deps["depfile"] = True
        with _real_open(os.path.join(tmp, "deps.json"), "w", encoding="utf-8") as f:
            json.dump(deps, f)
        name = "%d-%s" % (time.time_ns(), hashlib.sha256(json.dumps(deps["reads"], sort_keys=True).encode()).hexdigest()[:16])
        os.replace(tmp, os.path.join(bucket, name))
        for n in newest_first(bucket)[KEEP:]:
            shutil.rmtree(os.path.join(bucket, n), ignore_errors=True)
    except OSError as e:  # a cache that cannot be written never fails the build
        sys.stderr.write("cython-cache: could not store %s: %s\n" % (source, e))
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
