"""List local folders with GNU find: another process makes every `stat`, this one parses.

A walk in Python pays, under the GIL, for a DirEntry, a stat_result and a tuple per file
on top of the `stat` itself. `find -printf` makes the `stat` calls (relative to each
folder) in its own process while this one parses what it has printed so far, a quarter
of a megabyte at a time, with str.split and int/float mapped in C. Nothing here is required: when find
is missing, is not GNU find (no -printf), cannot read a folder or sees a file vanish
between listing and `stat`, `find_batches` returns None and the caller walks in Python.
"""
import os
import re
import shutil
import subprocess
from itertools import groupby

# Per file: the start point it was found under (a top-level folder), size, mtime, name.
FORMAT = "%H\\0%s\\0%T@\\0%p\\0"
FIELDS = 4
READ = 1 << 16           # per os.read (more would allocate a large buffer for each 4 KiB write)
PARSE = 1 << 18          # parsed at a time: small enough that find rarely waits on a full pipe
PIPE_SIZE = 1 << 20      # Linux lets find run up to this far ahead while a block is parsed
_OPERATOR = ("-", "!", "(", ")", ",")  # find would read a start point like these as an expression
_GLOB = re.compile(r"([*?\[\\])")


def find_batches(root, folders, skip=()):
    """[(folder, [(name, size, mtime), ...]), ...] for the files under top-level `folders` of `root`.

    Names are relative to `root` ("folder/sub/file.jpg"); only regular files, symlinks are
    not followed. `skip` holds folder prefixes ("a/b/") that are left out. None when find
    cannot be used or did not list everything: the caller then walks in Python.
    """
    find = shutil.which("find") if os.name == "posix" else None
    if find is None or not folders or any(f.startswith(_OPERATOR) for f in folders):
        return None
    command = [find, *folders, *_prune(skip), "-type", "f", "-printf", FORMAT]
    try:
        proc = subprocess.Popen(command, cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env={**os.environ, "LC_ALL": "C"})
    except OSError:
        return None
    with proc:
        fd = proc.stdout.fileno()
        _widen(fd)
        batches = _read(fd)
    return batches if proc.returncode == 0 else None


def _widen(pipe):
    """Enlarge the pipe (Linux) so find keeps listing while this process parses."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):  # not Linux, or above pipe-max-size
        pass


def _prune(skip):
    """find's expression that leaves out the skipped folders below the top level."""
    paths = [p.rstrip("/") for p in skip if "/" in p.rstrip("/")]
    if not paths:
        return []
    tests = []
    for path in paths:
        tests += ["-o"] * bool(tests) + ["-path", _GLOB.sub(r"\\\1", path)]
    return ["-type", "d", "(", *tests, ")", "-prune", "-o"]


def _read(fd):
    """Parse find's output as it comes, PARSE bytes at a time; None if it ends mid-record."""
    batches, tail, chunks, size = [], b"", [], 0
    while True:
        chunk = os.read(fd, READ)
        if chunk:
            chunks.append(chunk)
            size += len(chunk)
            if size < PARSE:
                continue
        tail = _parse(tail + b"".join(chunks), batches)
        chunks, size = [], 0
        if not chunk:
            return None if tail else batches


def _parse(data, batches):
    """Append the whole records of `data` to `batches`; return the bytes of the incomplete one."""
    end = data.rfind(b"\0") + 1
    tokens = os.fsdecode(data[:end]).split("\0")
    tokens.pop()  # the empty string after the last NUL
    whole = len(tokens) // FIELDS * FIELDS
    rest = tokens[whole:]
    tail = os.fsencode("".join(t + "\0" for t in rest)) + data[end:]
    if not whole:
        return tail
    files = list(zip(tokens[3:whole:FIELDS], map(int, tokens[1:whole:FIELDS]),
                     map(float, tokens[2:whole:FIELDS])))
    start = 0
    for folder, group in groupby(tokens[0:whole:FIELDS]):  # find lists one start point at a time
        count = len(list(group))
        batches.append((folder, files[start:start + count]))
        start += count
    return tail
