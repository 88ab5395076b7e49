"""The fast path for local disk: one `stat` per file, made by GNU find in another process.

An optimisation of the reference walk in `base.Lister`, which gives the same answer (the
tests compare them). The reference asks Django for each file's size and time, and
`FileSystemStorage` resolves and `stat`s the path again for each: two `safe_join`s and two
`stat`s per file, 7-10x the `find` floor at 100,000 files (docs/performance.md). Here:

- sizes and times come from the listing itself, one `stat` per file;
- GNU find makes those `stat` calls in its own process (`findwalk`), started at once, so it
  lists while the scan reads the database rows; without a usable find, `os.scandir` walks
  in Python, each `stat` relative to a descriptor of its folder (fstatat);
- `existing()` is one `lstat` per name instead of `Storage.exists()` (`safe_join` per call).

Symlinks are never files here: the walk does not follow them.
"""
import os

from .base import Lister, folder_prefixes, top_folder, under
from .findwalk import Unavailable, find_batches

_SCANDIR_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


class LocalLister(Lister):
    """A FileSystemStorage listed by GNU find, or a Python walk where find cannot be used."""

    def batches(self, skip=()):
        """Batches as `Lister.batches`; find (when used) is running when this returns.

        The returned generator has already run up to its first (empty) yield, so find
        lists while the caller does other work, and close() stops find even before the
        first batch.
        """
        batches = _local_batches(self.storage.location, folder_prefixes(skip))
        next(batches)
        return batches

    def existing(self, names):
        """The names among `names` that exist now: one `lstat` each."""
        root = os.path.join(self.storage.location, "")
        return {name for name in names if _lexists(root, name)}


def _lexists(root, name):
    """True when `name` is an entry under `root` (any type, a broken symlink too); never outside."""
    if name.startswith("/") or ".." in name.split("/"):
        return False
    try:
        os.lstat(root + name)
    except (OSError, ValueError):
        return False
    return True


def _local_batches(root, skip):
    if not os.path.isdir(root):
        yield None
        return
    entries, files = _read_folder(root, "")
    folders = [e.name for e in entries
               if e.is_dir(follow_symlinks=False) and not under(f"{e.name}/", skip)]
    found = find_batches(root, folders, skip)
    try:
        yield None
        yield "", files
        yield from _found_or_walked(found, root, folders, skip)
    finally:
        if found is not None:
            found.close()


def _found_or_walked(found, root, folders, skip):
    """find's batches, or the Python walk's when find is not there or fails before listing."""
    if found is not None:
        try:
            yield from found
            return
        except Unavailable:  # e.g. a find without -printf: nothing was listed, walk in Python
            pass
    yield from _walk(root, folders, skip)


def _walk(root, folders, skip):
    """Batches of the top-level `folders` of `root`, walked in Python."""
    stack = [(os.path.join(root, name), f"{name}/") for name in reversed(folders)]
    while stack:
        path, prefix = stack.pop()
        entries, files = _read_folder(path, prefix)
        yield top_folder(prefix), files
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                folder = f"{prefix}{e.name}/"
                if not under(folder, skip):  # skip prefixes are folders: checked once each
                    stack.append((os.path.join(path, e.name), folder))


def _read_folder(path, prefix):
    """The entries of one folder and its files as (name, size, mtime); symlinks are not files.

    Listed through a descriptor of the folder where the platform allows it, so each `stat`
    resolves one name relative to it (fstatat) rather than the whole path from the root.
    A folder or file removed while it is listed (a product deleted during the scan) is left
    out: it no longer exists, so it is neither an orphan nor a stored file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY) if _SCANDIR_FD else None
    except FileNotFoundError:
        return [], []
    try:
        with os.scandir(path if fd is None else fd) as scan:
            entries = list(scan)
        return entries, _files(entries, prefix)
    except FileNotFoundError:
        return [], []
    finally:
        if fd is not None:
            os.close(fd)


def _files(entries, prefix):
    # is_file() and stat() do not follow symlinks: a link is never treated as media.
    files = []
    for e in entries:
        if e.is_file(follow_symlinks=False):
            try:
                st = e.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            files.append((prefix + e.name, st.st_size, st.st_mtime))
    return files
