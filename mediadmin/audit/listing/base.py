"""The listing interface and its reference backend: the plain Storage API walk.

`Lister` is what the scan asks of a storage, and it is also the plain implementation every
backend must agree with: it uses only `listdir`, `size` and `get_modified_time`, so it works
on any Django storage. The other backends (`local`, `s3`) override `batches()` and
`existing()` to get the same answer with fewer calls; the tests compare each one with this.
"""
from typing import NamedTuple

from django.core.exceptions import SuspiciousOperation


class StoredFile(NamedTuple):
    """A file found in storage: its name, size in bytes and modification time (epoch s)."""

    name: str
    size: int
    mtime: float

    def as_dict(self):
        """JSON-ready form."""
        return {"name": self.name, "size": self.size, "mtime": self.mtime}


def top_folder(name):
    """The top-level folder of a stored name ("" for a file at the root)."""
    return name.partition("/")[0] if "/" in name else ""


def folder_prefixes(skip):
    """The `skip` prefixes as folders ("a/b/"), empty ones left out."""
    return tuple(p if p.endswith("/") else p + "/" for p in skip if p)


def under(name, prefixes):
    """True when `name` is one of the folders `prefixes` or inside one."""
    return any(name == p.rstrip("/") or name.startswith(p) for p in prefixes)


class Lister:
    """Lists one storage for the audit; this base is the plain reference (Storage API only).

    `batches(skip)` yields `(folder, files)`: `files` a list of `(name, size, mtime)` tuples
    in StoredFile's field order (`StoredFile._make` turns one into a StoredFile; plain tuples
    keep the per-file cost of a 100,000-file scan down), `folder` the top-level folder they
    are all in, or None when a batch mixes folders. Names under a `skip` prefix are left
    out; a file deleted while it is listed is left out, not an error. The iterator has a
    `close()`, which stops any work the listing still has running.
    """

    def __init__(self, storage):
        self.storage = storage

    def batches(self, skip=()):
        """Batches of every file of the storage, one folder at a time (see the class)."""
        return self._walk("", folder_prefixes(skip))

    def existing(self, names):
        """The names among `names` that exist in the storage now."""
        return {name for name in names if self._exists(name)}

    def _walk(self, folder, skip):
        dirs, files = self.storage.listdir(folder)
        names = [f"{folder}{filename}" for filename in files]
        found = (self._stat(name) for name in names if not under(name, skip))
        yield top_folder(folder), [item for item in found if item]
        for dirname in dirs:
            sub = f"{folder}{dirname}/"
            if not under(sub, skip):
                yield from self._walk(sub, skip)

    def _exists(self, name):
        try:
            return self.storage.exists(name)
        except SuspiciousOperation:  # a row's name outside the storage ("../x"): not in it
            return False

    def _stat(self, name):
        """(name, size, mtime) of one file, or None when it was deleted since it was listed."""
        try:
            return name, self.storage.size(name), self.storage.get_modified_time(name).timestamp()
        except FileNotFoundError:
            return None
