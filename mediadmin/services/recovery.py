"""Recoverable deletion: deleted rows keep a django-reversion version, their files go to the trash.

Deleting a product, a gallery image or a document (the admin's delete page, "Delete selected",
an inline's delete box) goes through delete_recoverably(): it saves a version of the row (a
product's version holds its gallery images and documents, models.py registers them), holds
the row's files so django-cleanup leaves them alone (keep_held_file, called by the receiver),
deletes the rows and, once the transaction commits, moves the files into one trash batch per
deleted row and storage (services.trash.quarantine: a file another row still references never moves).

recover() brings a deleted row back from its version: the rows and their relations first,
then their files from the trash batches they went to (restored byte for byte under their
names), then their thumbnails are scheduled after commit. Both put their lines on record.
"""
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial

import reversion
import reversion.revisions
from django.conf import settings
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils.translation import gettext as _

from .. import audit, thumbnails
from ..audit.listing import StoredFile
from ..models import FileEvent, Product, ProductDocument, ProductImage, original_file_name
from . import activity, trash
from .transactions import atomic_write

logger = logging.getLogger(__name__)

# (storage key, name) of files whose rows are being deleted: they go to the trash, not away.
# Released once moved, or when the service's transaction fails; if an outer transaction rolls
# back later (Django has no rollback hook), the name stays held: that file is then only ever
# kept, never deleted, which errs on the safe side (the audit lists it if it becomes an orphan).
_held = set()


class RecoveryRefused(Exception):
    """A row that cannot be brought back (its product is gone, its files were purged); says why."""


@dataclass
class Recovery:
    """What recover() did: the rows back, the files restored, the names still missing."""

    objects: list = field(default_factory=list)
    restored: list = field(default_factory=list)
    missing: list = field(default_factory=list)


def _file_fields(obj):
    return [f for f in obj._meta.concrete_fields if isinstance(f, models.FileField) and getattr(obj, f.name)]


def _rows_of(obj):
    """The row and the rows deleted with it (a product's gallery images and documents)."""
    if isinstance(obj, Product):
        return [obj, *obj.images.all(), *obj.documents.all()]
    return [obj]


def _files_of(rows):
    return [(row, f.name, getattr(row, f.name)) for row in rows for f in _file_fields(row)]


def files_deleted_with(objs):
    """What a delete page lists: the display name of each file the rows (and their gallery and documents) hold.

    A read, shown before anything is deleted (a file another row still uses will stay where it is).
    """
    files = _files_of([row for obj in objs for row in _rows_of(obj)])
    return [original_file_name(row, name) for row, name, _field_file in files]


def retention_days():
    """Whole days a deleted row's files stay in the trash (MEDIADMIN_TRASH_RETENTION), for pages to say."""
    return max(1, round(audit.trash_retention() / 86400))


def _key(field_file):
    return (audit.storage_key(field_file.storage), field_file.name)


def is_held(field_file) -> bool:
    """True while a recoverably deleted row's file waits for its move to the trash (after commit)."""
    return bool(field_file.name) and _key(field_file) in _held


def keep_held_file(field_file) -> bool:
    """django-cleanup glue: keep a file whose row is being deleted recoverably (it goes to the trash)."""
    if not field_file.name or _key(field_file) not in _held:
        return False
    field_file.name = None  # FieldFile.delete() does nothing without a name
    return True


def _product_of(row):
    return row if isinstance(row, Product) else row.product


def delete_recoverably(objs, *, user=None) -> int:
    """Delete each product, gallery image or document recoverably (see the module); the count deleted."""
    count = 0
    for obj in objs:
        delete_one(obj, user=user)
        count += 1
    return count


def delete_one(obj, *, user=None):
    """Save a version of the row (and the rows deleted with it), delete them, trash their files after commit."""
    rows = _rows_of(obj)
    files = _files_of(rows)
    keys = {_key(ff) for _row, _name, ff in files}
    _held.update(keys)
    try:
        with atomic_write():
            _save_version(obj, user)
            # On record before the delete: a deleted product's lines keep its id and name.
            _record_deletions(files, user)
            obj.delete()
            transaction.on_commit(partial(_move_to_trash, files, keys))
    except BaseException:
        _held.difference_update(keys)
        raise


@contextmanager
def _own_revision():
    """A revision saved when this block ends, even inside the admin's own (VersionAdmin's views open one).

    django-reversion merges a nested block into the outermost one, saved when that one ends,
    after our delete, and it then keeps only versions of rows that still exist. The deleted
    row's version must be saved before the delete: the block runs on an empty revision stack
    (reversion's context variable, restored afterwards). tests/test_recovery.py covers the
    admin's delete paths, which fail if reversion changes this.
    """
    token = reversion.revisions._stack.set([])
    try:
        with reversion.create_revision():
            yield
    finally:
        reversion.revisions._stack.reset(token)


def _save_version(obj, user, comment=None):
    with _own_revision():
        reversion.set_user(user if user is not None and user.is_authenticated else None)
        reversion.set_comment(comment or _("Deleted; its files were moved to the trash."))
        reversion.add_to_revision(obj)


def _record_deletions(files, user):
    activity.record_many(activity.Action.DELETE, user=user, files=_event_files(files),
                         detail=_("moved to the trash"))


def _event_files(files):
    # A document row knows its original name; an image's comes from its upload's line.
    return [(_product_of(row), getattr(row, "original_name", "") if name == "file" else "", field_file.name)
            for row, name, field_file in files]


def storage_alias(storage) -> str | None:
    """The STORAGES alias addressing the same files as `storage` (the trash manifest names it)."""
    key = audit.storage_key(storage)
    for alias in settings.STORAGES:
        if alias != "staticfiles" and audit.storage_key(storages[alias]) == key:
            return alias
    return None


def _move_to_trash(files, keys):
    """After commit: one trash batch per storage for the deleted rows' files; shared files stay.

    Bounded per call, not per file: the shared-file check, the thumbnails' drop and the
    move's re-checks each read or write all the files of a storage at once.
    """
    try:
        by_alias = {}
        for row, name, field_file in files:
            by_alias.setdefault(storage_alias(field_file.storage), {})[field_file.name] = (row, name, field_file)
        for alias, named in by_alias.items():
            _trash_unshared(alias, named)
    except Exception:  # the rows are gone already; the files stay where they are (the audit lists them)
        logger.exception("Could not move the files of deleted rows to the trash")
    finally:
        _held.difference_update(keys)


def _trash_unshared(alias, named):
    """Keep the files another row references (django-cleanup's guard, in bulk); move the others, thumbnails dropped."""
    storage = audit.storage_for(alias)
    shared = audit.referenced_names(storage, named)
    for name in sorted(shared):
        logger.info("Kept %s: another row still references it", name)
    thumbnails.delete_thumbnails_many([
        field_file for name, (row, field_name, field_file) in named.items()
        if name not in shared and isinstance(row._meta.get_field(field_name), models.ImageField)])
    _quarantine(storage, alias, sorted(set(named) - shared))


def _quarantine(storage, alias, names):
    candidates = []
    for name in names:
        if storage.exists(name):
            stored = StoredFile(name, storage.size(name), storage.get_modified_time(name).timestamp())
            candidates.append((stored, "file", None))
    result = trash.quarantine(storage, candidates, alias=alias)
    for name, reason in result.skipped:
        logger.info("Kept %s out of the trash: %s", name, reason)
    return result


def versions_to_revert(version):
    """The versions recover() reverts: the row's own, and for a product its gallery and documents saved with it."""
    if version._model is not Product:
        return [version]
    children = [v for v in version.revision.version_set.all()
                if v._model in (ProductImage, ProductDocument)
                and str(v.field_dict.get("product_id", v.field_dict.get("product"))) == version.object_id]
    return [version, *children]


def _refuse_orphan(version):
    if version._model is Product:
        return
    product_id = version.field_dict.get("product_id", version.field_dict.get("product"))
    if not Product.objects.filter(pk=product_id).exists():
        raise RecoveryRefused(_("“%(name)s” belonged to a product that is deleted too: recover the product "
                                "first, it brings its gallery images and documents back.") % {
                                    "name": version.object_repr})


def recover(*, version, user=None) -> Recovery:
    """Bring back a deleted row from its version: rows, relations, files from the trash; thumbnails after commit.

    Raises RecoveryRefused (nothing changed) when the row exists again, its product is deleted
    too, or a file is neither in storage nor in the trash (purged after MEDIADMIN_TRASH_RETENTION).
    """
    outcome = Recovery()
    with atomic_write():
        _refuse_orphan(version)
        for each in versions_to_revert(version):
            if each._model._base_manager.filter(pk=each.object_id).exists():
                raise RecoveryRefused(_("“%(name)s” exists already.") % {"name": each.object_repr})
            each.revert()
            outcome.objects.append(each._model._base_manager.get(pk=each.object_id))
        _restore_files(outcome)
        _after_recovery(outcome, user)
        _save_version(outcome.objects[0], user, _("Recovered with its files from the trash."))
    return outcome


def _restore_files(outcome):
    """Put the recovered rows' files back from the trash batches they went to; refuse if one is lost.

    Every batch is checked before any file moves, so a refusal leaves the storage untouched.
    """
    batches = {}
    for _row, _name, field_file in _files_of(outcome.objects):
        if field_file.storage.exists(field_file.name):
            continue  # shared with another row, or never moved
        key = (storage_alias(field_file.storage), _trash_batch(field_file.name))
        batches.setdefault(key, []).append(field_file.name)
    outcome.missing = [n for (alias, batch), names in batches.items() for n in names
                       if not _batch_exists(alias, batch)]
    if outcome.missing:
        raise RecoveryRefused(_("These files are no longer in the trash (purged after the retention): "
                                "%(names)s") % {"names": ", ".join(outcome.missing)})
    for alias, batch in batches:
        result = trash.restore(audit.storage_for(alias), batch, alias=alias)
        outcome.restored.extend(e["name"] for e in result.done)


def _batch_exists(alias, batch):
    if alias is None or batch is None:
        return False
    try:
        audit.trash.checked_manifest(audit.trash_for(audit.storage_for(alias), alias), batch, alias)
    except audit.BatchRefused:
        return False
    return True


def _trash_batch(name):
    return (FileEvent.objects.filter(action=FileEvent.Action.TRASH_MOVE, stored_name=name)
            .exclude(trash_batch="").order_by("-time", "-id").values_list("trash_batch", flat=True).first())


def _after_recovery(outcome, user):
    files = _files_of(outcome.objects)
    for row, name, field_file in files:
        if isinstance(row._meta.get_field(name), models.ImageField):
            thumbnails.delete_thumbnails(field_file)  # forgets failures remembered while it was away
            thumbnails.schedule(row, name)  # after commit
    activity.record_many(activity.Action.RECOVER, user=user, files=_event_files(files))
