"""Whole-column helpers of the scan: each runs its loop in C (map, zip, compress, sum).

A scan handles every file of a storage and every row of every file field, 100,000s of
each; a Python loop per item costs about as much again as the listing itself. These
helpers take a whole batch or field at once and keep the scan's own code plain. A listed
file is a `(name, size, mtime)` tuple; a row is a `(pk, name)` tuple.
"""
from itertools import compress, repeat
from operator import itemgetter

_NAME, _SIZE = itemgetter(0), itemgetter(1)  # of a listed (name, size, mtime)
_NAME_OF_ROW = itemgetter(1)                  # of a (pk, name) row


def by_name(files):
    """(name, file) pairs of listed `files`, for dict.update()."""
    return zip(map(_NAME, files), files)


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
