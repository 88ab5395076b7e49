"""The scan's speed-ups, kept out of its logic: whole-column helpers run in C, the GC paused.

A scan handles every file of a storage and every row of every file field, 100,000s of
each. A Python loop per item costs about as much again as the listing itself, so the
column helpers take a whole batch or field at once and run their loop in C (map, zip,
compress, sum); each says in its docstring what it computes, which is all the scan needs
to know. A listed file is a `(name, size, mtime)` tuple; a row is a `(pk, name)` tuple.

`paused_gc` keeps the cyclic garbage collector off for a whole scan (docs/performance.md).
"""
import contextlib
import gc
from itertools import compress, repeat
from operator import itemgetter

_NAME, _SIZE = itemgetter(0), itemgetter(1)  # of a listed (name, size, mtime)
_NAME_OF_ROW = itemgetter(1)                  # of a (pk, name) row


def by_name(files):
    """(name, file) pairs of listed `files`, for dict.update()."""
    return zip(map(_NAME, files), files, strict=True)


def total_size(files):
    """Bytes of the listed `files`."""
    return sum(map(_SIZE, files))


def any_name(files, predicate):
    """True when `predicate` holds for the name of one of the listed `files`."""
    return any(map(predicate, map(_NAME, files)))


def size_of(names, present):
    """Bytes of the files `names`, looked up in `present` (name -> listed file)."""
    return sum(map(_SIZE, map(present.__getitem__, names)))


def row_names(rows):
    """The names of (pk, name) `rows`, in order."""
    return list(map(_NAME_OF_ROW, rows))


def rows_named(rows, names, wanted):
    """The `rows` whose name (`names[i]` for `rows[i]`) is in the set `wanted`."""
    return list(compress(rows, map(wanted.__contains__, names)))


def starting_with(names, prefix):
    """The set of `names` that start with `prefix`.

    `names` (a list, set or dict view) is iterated twice side by side, in the same order.
    """
    return set(compress(names, map(str.startswith, names, repeat(prefix))))


@contextlib.contextmanager
def paused_gc():
    """Pause the cyclic collector (a context manager or, called, a decorator) and resume it.

    A scan builds 100,000s of tuples (listed files, rows, the name map) that hold no
    cycles; each collection while they live would walk all of them for nothing. Kept off
    until the scan returns, when they are freed by reference counting, so the collector
    never walks them at all.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
