"""List local folders with GNU find: another process makes every `stat`, this one parses.

A walk in Python pays, under the GIL, for a DirEntry, a stat_result and a tuple per file
on top of the `stat` itself. `find -printf` makes the `stat` calls (relative to each
folder) in its own process while this one parses what it has printed so far, a quarter
of a megabyte at a time, with str.split and int/float mapped in C, and the scan builds
its map of names as the batches come. find starts as soon as `find_batches` is called,
and a thread reads its pipe into a queue from then on (os.read releases the GIL), so
find never waits on a full pipe while the caller does something else first (the scan
reads the database rows). Nothing here is required: when find is missing or
is not GNU find (no -printf), the caller walks in Python; when it fails
part-way (an unreadable folder) the scan stops with an error, as the walk in Python
does. A file or folder removed during the scan is left out, not an error.
"""
import os
import queue
import re
import shutil
import subprocess
import threading
from itertools import groupby

# Per file: the start point it was found under (a top-level folder), size, mtime, name.
FORMAT = "%H\\0%s\\0%T@\\0%p\\0"
FIELDS = 4
READ = 1 << 16           # per os.read (more would allocate a large buffer for each 4 KiB write)
PARSE = 1 << 18          # parsed at a time
PIPE_SIZE = 1 << 20      # Linux lets find run this far ahead while the reading thread waits for the GIL
_OPERATOR = ("-", "!", "(", ")", ",")  # find would read a start point like these as an expression
_GLOB = re.compile(r"([*?\[\\])")


class Unavailable(Exception):
    """find failed before listing anything (not GNU find, say): walk in Python instead."""


def find_batches(root, folders, skip=()):
    """Batches (folder, [(name, size, mtime), ...]) of the files under top-level `folders` of `root`.

    Names are relative to `root` ("folder/sub/file.jpg"); only regular files, symlinks are
    not followed. `skip` holds folder prefixes ("a/b/") that are left out. find is running
    when this returns: an iterator that yields while find still runs (its close() stops
    find, even before the first batch), or None when find cannot be used. The iterator
    raises Unavailable if find fails before a batch came out (walk in Python then),
    OSError if it fails later (an unreadable folder).
    """
    find = shutil.which("find") if os.name == "posix" else None
    if find is None or not folders or any(f.startswith(_OPERATOR) for f in folders):
        return None
    # -ignore_readdir_race: a file deleted between find's readdir and its stat (a product
    # deleted during the scan) is left out silently, as the walk in Python leaves it out.
    command = [find, *folders, "-ignore_readdir_race", *_prune(skip), "-type", "f", "-printf", FORMAT]
    try:
        proc = subprocess.Popen(command, cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, env={**os.environ, "LC_ALL": "C"})
    except OSError:
        return None
    batches = _listed(proc, root)
    next(batches)  # runs up to its first yield: the pipe is drained, and close() stops find
    return batches


def _listed(proc, root):
    """Batches of a running find; yields None once first, when the drain thread runs."""
    listed = False
    chunks = queue.SimpleQueue()
    _widen(proc.stdout.fileno())
    drain = threading.Thread(target=_drain, args=(proc.stdout, chunks), name="find-drain", daemon=True)
    drain.start()
    try:
        yield None
        for batch in _batches(chunks):
            listed = True
            yield batch
    except OSError as exc:  # output that is not find -printf's (another find)
        proc.kill()
        if not listed:
            raise Unavailable(str(exc)) from exc
        raise
    except BaseException:  # closed early or interrupted: do not wait for the whole walk
        proc.kill()
        raise
    finally:
        drain.join()  # at the end of find's output, reached at once once find is killed
        proc.stdout.close()
        proc.wait()
    if proc.returncode and not listed:
        raise Unavailable(f"find exited with status {proc.returncode}")
    if proc.returncode:
        raise OSError(f"find could not list every file under {root} (exit status {proc.returncode}): "
                      "a folder may be unreadable by this user. Fix its permissions and run the scan again.")


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


def _drain(pipe, chunks):
    """Put everything read from `pipe` on the queue `chunks`, then b"" (or the OSError)."""
    fd = pipe.fileno()
    try:
        while True:
            chunk = os.read(fd, READ)
            chunks.put(chunk)
            if not chunk:
                return
    except OSError as exc:
        chunks.put(exc)


def _batches(chunks):
    """Parse find's output as it comes off the queue, PARSE bytes at a time."""
    tail = b""
    while True:
        data, ended = _take(chunks)
        batches = []
        tail = _parse(tail + data, batches)
        yield from batches
        if ended:
            if tail:
                raise OSError("find's output ended in the middle of a file's record.")
            return


def _take(chunks):
    """(at least PARSE bytes of output, or all that is left; True when the output ended)."""
    parts, size = [], 0
    while size < PARSE:
        chunk = chunks.get()
        if isinstance(chunk, OSError):
            raise chunk
        if not chunk:
            return b"".join(parts), True
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts), False


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
                     map(float, tokens[2:whole:FIELDS]), strict=True))
    start = 0
    for folder, group in groupby(tokens[0:whole:FIELDS]):  # find lists one start point at a time
        count = len(list(group))
        batches.append((folder, files[start:start + count]))
        start += count
    return tail
