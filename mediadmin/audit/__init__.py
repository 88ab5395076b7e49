"""Storage audit (reads): orphans, stale thumbnails, missing files, totals, trash batches.

Public entry points for the management command, the admin page and the receivers. The
parts: `references` (which rows use which file), `listing` (one interface to list a
storage, a backend per kind: the plain Storage API walk, local disk, S3), `scan` (the
report; `speedups` holds its whole-batch helpers and GC pause), `thumbs` (sorl's cache), `trash`
(where the trash is, its batches) and `safety` (root guard, ages). Moving files (quarantine,
restore, purge) is mediadmin/services/trash.py.
"""
from django.conf import settings
from django.core.files.storage import storages
from django.utils.translation import gettext_lazy as _

from ..storage_errors import StorageUnavailable, storage_errors
from .references import (
    RowRef,
    file_fields,
    is_referenced,
    keep_shared_file,
    referenced_names,
    storage_key,
    where_used,
)
from .safety import REFUSAL_HINT, nested_prefixes, parse_age, public_trash, root_problem
from .scan import Report, scan
from .trash import BatchRefused, UnknownBatch, batches, check_batch_id, recently_restored, trash_alias, trash_for

# Versions of replaced files (mediadmin/services/versions.py) sit in this folder of the trash's
# storage: kept on purpose, so the audit never lists them as orphans.
VERSIONS_PREFIX = ".versions/"

__all__ = [
    "BatchRefused", "RowRef", "Report", "StorageUnavailable", "UnsafeRoot", "audit", "audited_aliases",
    "batches", "check_batch_id", "file_fields", "is_referenced", "keep_shared_file", "referenced_names", "orphan_grace",
    "parse_age", "public_trash", "recently_restored", "root_problem", "storage_for", "storage_key", "trash_for",
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


def audited_aliases():
    """STORAGES aliases holding uploads: all but the static files and a storage kept for the trash."""
    return [alias for alias in settings.STORAGES if alias != "staticfiles" and not _trash_only(alias)]


def _trash_only(alias):
    # The "trash" alias on S3: auditing it would call every quarantined file an orphan.
    if alias not in (trash_alias(), "trash"):
        return False
    return not any(storage_key(ref.field.storage) == storage_key(storages[alias]) for ref in file_fields())


def storage_for(alias="default"):
    """The storage of a STORAGES alias; UnsafeRoot when its root is dangerous or it holds only the trash."""
    storage = storages[alias]
    problem = root_problem(storage) or (_trash_only(alias) and _TRASH_ONLY % {"alias": alias})
    if problem:
        raise UnsafeRoot(problem)
    return storage


_TRASH_ONLY = _("STORAGES[%(alias)r] holds the trash (MEDIADMIN_TRASH_STORAGE), not uploads: list its "
                "batches with --list-trash from the storage they came from.")


def audit(alias="default", *, progress=None, generic=False):
    """Scan the storage of `alias`, leaving out its trash, its versions and other storages nested in it."""
    storage = storage_for(alias)
    trash = trash_for(storage, alias)
    skip = [trash.prefix, VERSIONS_PREFIX] if storage_key(trash.storage) == storage_key(storage) else [VERSIONS_PREFIX]
    skip += nested_prefixes(alias, storage)  # e.g. a private storage inside MEDIA_ROOT
    with storage_errors(_("scanning the storage %(alias)r") % {"alias": alias}, storage):
        return scan(storage, skip=skip, progress=progress, generic=generic)
