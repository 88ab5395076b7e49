"""Writes of the file history: one FileEvent per file operation (who, what, which file, which product).

The services call record() inside their own transaction, so a rolled-back upload leaves no
line; the trash (quarantine, restore, purge) calls record_files() once per batch. The user is
passed by the entry point; code that has none at hand (the trash, called by the audit page
and the command) asks request_user(), the user of the request being served, if any.
"""
from .. import filenames, uploadlog
from ..models import FileEvent, Product

Action = FileEvent.Action


def request_user():
    """The authenticated user of the request being served (uploadlog's middleware), else None."""
    request = uploadlog.current_request()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _product_fields(product: Product | None):
    if product is None:
        return {}
    return {"product": product if product.pk else None, "product_pk": product.pk,
            "product_label": str(product)[:200]}


def original_name_of(stored_name: str) -> str:
    """The name a stored file was uploaded under, as first recorded, else its display name."""
    first = (FileEvent.objects.filter(stored_name=stored_name).exclude(original_name="")
             .order_by("time", "id").values_list("original_name", flat=True).first())
    return first or filenames.display_name(stored_name)


def record(action, *, user, product=None, original_name="", stored_name="", detail="", trash_batch=""):
    """Put one file operation on record and return it; the original name defaults to the upload's."""
    return FileEvent.objects.create(
        action=action, user=_user(user), **_product_fields(product), stored_name=stored_name[:255],
        original_name=(original_name or original_name_of(stored_name) if stored_name else original_name)[:255],
        detail=detail, trash_batch=trash_batch)


def record_file(action, *, user, field_file, product=None, original_name="", detail=""):
    """record() for a stored file (a FieldFile): its stored name, its upload's original name."""
    return record(action, user=user, product=product, original_name=original_name,
                  stored_name=field_file.name or "", detail=detail)


def original_names_of(stored_names) -> dict:
    """original_name_of() for many names in one query: {stored name: original name}."""
    found = {}
    rows = (FileEvent.objects.filter(stored_name__in=list(stored_names)).exclude(original_name="")
            .order_by("-time", "-id").values_list("stored_name", "original_name"))
    for stored, original in rows:
        found[stored] = original  # the earliest line wins: it comes last
    return {name: found.get(name) or filenames.display_name(name) for name in stored_names}


def record_many(action, *, user, files, trash_batch="", detail=""):
    """One line per (product, original name, stored name) in `files`, written in two queries."""
    user, files = _user(user), list(files)
    known = original_names_of([stored for _p, original, stored in files if not original])
    FileEvent.objects.bulk_create([
        FileEvent(action=action, user=user, **_product_fields(product), stored_name=stored[:255],
                  original_name=(original or known[stored])[:255], trash_batch=trash_batch, detail=detail)
        for product, original, stored in files
    ])


def record_files(action, *, user, names, trash_batch="", detail=""):
    """One line per stored name without a product (trash batches move many files at once)."""
    record_many(action, user=user, files=[(None, "", name) for name in names], trash_batch=trash_batch,
                detail=detail)


def pending_files(instance):
    """(field, original name, replaces) for each file the instance's next save stores, read before it."""
    from django.db import models

    return [
        (field.name, filenames.display_name(getattr(instance, field.name).name), not instance._state.adding)
        for field in instance._meta.concrete_fields
        if isinstance(field, models.FileField) and getattr(instance, field.name)
        and not getattr(instance, field.name)._committed
    ]


def record_saved(pending, *, instance, user, product):
    """After the save: an upload (new row) or replace (existing row) line per file pending_files() listed."""
    for field_name, original, replaces in pending:
        record(Action.REPLACE if replaces else Action.UPLOAD, user=user, product=product,
               original_name=original, stored_name=getattr(instance, field_name).name)


def record_trash(action, names, batch):
    """A trash move, restore or purge of these names in one batch, by the current request's user."""
    record_files(action, user=request_user(), names=names, trash_batch=batch)


TRASH_MOVE, TRASH_RESTORE, TRASH_PURGE = Action.TRASH_MOVE, Action.TRASH_RESTORE, Action.TRASH_PURGE
