"""Listing a storage for the audit: one interface, a backend per kind of storage.

`lister_for(storage)` picks the backend; every backend is a `Lister` and yields the same
batches of `(name, size, mtime)` tuples (StoredFile's fields), so the scan never knows
which one it has:

- `base.Lister`: the plain Storage API walk (`listdir`, `size`, `get_modified_time`), any
  backend. It is the reference: the others are optimisations that must agree with it.
- `local.LocalLister`: FileSystemStorage; one `stat` per file, made by GNU find in another
  process while the scan reads the database (`findwalk`), or a Python walk without it.
- `s3.S3Lister`: django-storages' S3 backend; `ListObjectsV2`, 1,000 keys with size and
  time per request instead of two `HEAD` requests per file.
"""
from django.core.files.storage import FileSystemStorage

from .base import Lister, StoredFile, top_folder
from .local import LocalLister
from .s3 import S3Lister, is_s3

__all__ = ["Lister", "LocalLister", "S3Lister", "StoredFile", "is_s3", "lister_for", "top_folder"]


def lister_for(storage, *, generic=False):
    """The Lister of `storage`: its fast backend if it has one, the plain walk when `generic`."""
    if not generic and isinstance(storage, FileSystemStorage):
        return LocalLister(storage)
    if not generic and is_s3(storage):
        return S3Lister(storage)
    return Lister(storage)
