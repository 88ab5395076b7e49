"""Storage audit: orphans, stale thumbnails, missing files, totals; quarantine, restore, purge.

Public entry points for the management command, the admin page and the receivers. The
parts: `references` (which rows use which file), `listing` (walking a storage), `scan`
(the report), `thumbs` (sorl's cache), `trash` (batches) and `safety` (root guard, ages).
"""
from django.conf import settings
from django.core.files.storage import storages

from .references import RowRef, file_fields, is_referenced, keep_shared_file, storage_key, where_used
from .safety import REFUSAL_HINT, nested_prefixes, parse_age, root_problem
from .scan import Report, scan
from .trash import (
    BatchRefused, MoveResult, UnknownBatch, batches, check_batch_id, purge, quarantine, restore, trash_for,
)

# Versions of replaced files (mediadmin/services/versions.py) sit in this folder of the trash's
# storage: kept on purpose, so the audit never lists them as orphans.
VERSIONS_PREFIX = ".versions/"

__all__ = [
    "BatchRefused", "RowRef", "Report", "MoveResult", "UnsafeRoot", "audit", "batches", "check_batch_id", "file_fields",
    "is_referenced", "keep_shared_file", "orphan_grace", "parse_age", "purge", "quarantine",
    "quarantine_orphans", "restore", "root_problem", "storage_for", "storage_key", "trash_for",
    "trash_retention", "UnknownBatch", "VERSIONS_PREFIX", "where_used",
]


class UnsafeRoot(Exception):
    """The storage's root is not a media folder: nothing is scanned or moved."""

    def __init__(self, problem):
        super().__init__(f"{problem} {REFUSAL_HINT}")
        self.problem = problem


def orphan_grace():
    """Seconds an unreferenced file is left alone (MEDIADMIN_ORPHAN_GRACE, default 24h)."""
    return parse_age(getattr(settings, "MEDIADMIN_ORPHAN_GRACE", "24h"))


def trash_retention():
    """Seconds a trash batch is kept by `--purge-trash` (MEDIADMIN_TRASH_RETENTION, default 30d)."""
    return parse_age(getattr(settings, "MEDIADMIN_TRASH_RETENTION", "30d"))


def storage_for(alias="default"):
    """The storage of a STORAGES alias, refused (UnsafeRoot) when its root is dangerous."""
    storage = storages[alias]
    problem = root_problem(storage)
    if problem:
        raise UnsafeRoot(problem)
    return storage


def audit(alias="default", *, progress=None, generic=False):
    """Scan the storage of `alias`, leaving out its trash, its versions and other storages nested in it."""
    storage = storage_for(alias)
    trash = trash_for(storage)
    skip = [trash.prefix, VERSIONS_PREFIX] if storage_key(trash.storage) == storage_key(storage) else []
    skip += nested_prefixes(alias, storage)  # e.g. a private storage inside MEDIA_ROOT
    return scan(storage, skip=skip, progress=progress, generic=generic)


def quarantine_orphans(report, *, alias="default", older_than=None, names=None, thumbnails=True,
                       progress=None):
    """Move a report's orphans (and stale thumbnails) past the grace period into a trash batch.

    `names` limits the move to those files; each one is checked against the database again
    right before it moves.
    """
    older_than = orphan_grace() if older_than is None else older_than
    candidates = report.candidates(older_than, thumbnails=thumbnails)
    if names is not None:
        wanted = set(names)
        candidates = [c for c in candidates if c[0].name in wanted]
    return quarantine(storage_for(alias), candidates, alias=alias, progress=progress)
