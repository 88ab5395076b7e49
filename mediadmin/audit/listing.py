"""Walk a storage: (name, size, mtime) of every file, with a fast path per known backend.

The generic walk uses only the Storage API (`listdir`, `size`, `get_modified_time`), so it
works on any backend. Local disk and S3 get a fast path that reads size and time in the
same call as the listing (one `stat` per file; one request per 1,000 keys on S3) instead
of one or two extra calls per file. On local disk GNU find makes those `stat` calls in
another process when it is installed (see `findwalk`); otherwise Python walks the folders.
"""
import os
from typing import NamedTuple

from django.core.files.storage import FileSystemStorage

from .findwalk import Unavailable, find_batches

_SCANDIR_FD = os.scandir in os.supports_fd and hasattr(os, "O_DIRECTORY")


class StoredFile(NamedTuple):
    """A file found in storage: its name, size in bytes and modification time (epoch s)."""

    name: str
    size: int
    mtime: float

    def as_dict(self):
        """JSON-ready form."""
        return {"name": self.name, "size": self.size, "mtime": self.mtime}


def _under(name, prefixes):
    return any(name == p.rstrip("/") or name.startswith(p) for p in prefixes)


def iter_files(storage, skip=(), generic=False):
    """Yield a StoredFile for every file of `storage`, leaving out names under `skip` prefixes."""
    for _folder, files in iter_batches(storage, skip, generic):
        yield from (StoredFile(*f) for f in files)


def iter_batches(storage, skip=(), generic=False):
    """Yield (top-level folder or None when mixed, [(name, size, mtime), ...]) batches of files.

    Batches (a folder on disk, a page of keys on S3) of plain tuples keep the per-file work
    of a scan small; StoredFile(*item) makes one a StoredFile.
    """
    skip = tuple(p if p.endswith("/") else p + "/" for p in skip if p)
    if not generic and isinstance(storage, FileSystemStorage):
        return _iter_local(storage, skip)
    if not generic and _is_s3(storage):
        return _iter_s3(storage, skip)
    return _iter_generic(storage, "", skip)


def existing(storage, names):
    """The names among `names` that exist in `storage` now (one lstat each on local disk)."""
    if not isinstance(storage, FileSystemStorage):
        return {name for name in names if storage.exists(name)}
    root = os.path.join(storage.location, "")
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


def top_folder(name):
    """The top-level folder of a stored name ("" for a file at the root)."""
    return name.partition("/")[0] if "/" in name else ""


def _iter_generic(storage, folder, skip):
    dirs, files = storage.listdir(folder)
    names = [f"{folder}{filename}" for filename in files]
    kept = [name for name in names if not _under(name, skip)]
    yield top_folder(folder), [item for item in map(_size_and_time(storage), kept) if item]
    for dirname in dirs:
        sub = f"{folder}{dirname}/"
        if not _under(sub, skip):
            yield from _iter_generic(storage, sub, skip)


def _size_and_time(storage):
    def one(name):
        try:
            return name, storage.size(name), storage.get_modified_time(name).timestamp()
        except FileNotFoundError:  # deleted since the folder was listed
            return None
    return one


def _iter_local(storage, skip):
    """Batches of a local storage; GNU find, when it is used, is running when this returns.

    The returned generator has already run up to its first (empty) yield, so find lists
    while the caller does other work, and close() stops find even before the first batch.
    """
    batches = _local_batches(storage.location, skip)
    next(batches)
    return batches


def _local_batches(root, skip):
    if not os.path.isdir(root):
        yield None
        return
    entries, files = _read_folder(root, "")
    folders = [e.name for e in entries
               if e.is_dir(follow_symlinks=False) and not _under(f"{e.name}/", skip)]
    found = find_batches(root, folders, skip)
    try:
        yield None
        yield "", files
        if found is not None:
            try:
                yield from found
                return
            except Unavailable:  # e.g. a find without -printf: nothing was listed, walk in Python
                pass
        yield from _walk(root, folders, skip)
    finally:
        if found is not None:
            found.close()


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
                if not _under(folder, skip):  # skip prefixes are folders: checked once each
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
        # is_file() and stat() do not follow symlinks: a link is never treated as media.
        files = []
        for e in entries:
            if e.is_file(follow_symlinks=False):
                try:
                    st = e.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                files.append((prefix + e.name, st.st_size, st.st_mtime))
        return entries, files
    except FileNotFoundError:
        return [], []
    finally:
        if fd is not None:
            os.close(fd)


def _is_s3(storage):
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # django-storages is optional
        return False
    return isinstance(storage, S3Storage)


def _iter_s3(storage, skip):
    location = (storage.location or "").strip("/")
    prefix = f"{location}/" if location else ""
    client = storage.connection.meta.client
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=storage.bucket_name, Prefix=prefix)
    for page in pages:
        batch = []
        for obj in page.get("Contents", ()):
            name = obj["Key"][len(prefix):]
            if name and not name.endswith("/") and not _under(name, skip):
                batch.append((name, obj["Size"], obj["LastModified"].timestamp()))
        yield None, batch
