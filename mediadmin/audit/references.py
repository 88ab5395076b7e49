"""Which rows reference which stored file: every FileField of every installed model."""
import logging
import os
from dataclasses import dataclass

from django.apps import apps
from django.db import models

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FieldRef:
    """One concrete FileField (or ImageField) of one installed model."""

    model: type
    field: models.FileField

    @property
    def label(self):
        """`app_label.ModelName.field`, as shown in reports."""
        return f"{self.model._meta.label}.{self.field.name}"

    @property
    def title(self):
        """What staff read: `Gallery images: image`."""
        from django.utils.text import capfirst

        return f"{capfirst(self.model._meta.verbose_name_plural)}: {self.field.verbose_name}"

    def rows(self):
        """The model's base manager: every row, whatever the default manager filters."""
        return self.model._base_manager.all()


@dataclass(frozen=True)
class RowRef:
    """One row whose field references a file."""

    field: FieldRef
    pk: object

    @property
    def label(self):
        """`app_label.ModelName.field`."""
        return self.field.label

    @property
    def display(self):
        """What staff read: `Gallery image #12 (image)`."""
        from django.utils.text import capfirst

        opts = self.field.model._meta
        return f"{capfirst(opts.verbose_name)} #{self.pk} ({self.field.field.verbose_name})"

    @property
    def row_key(self):
        """`app_label.ModelName#pk`: the same for every file field of one row."""
        return f"{self.field.model._meta.label}#{self.pk}"

    @property
    def admin_change_url(self):
        """The row's admin change page, or None when its model has no admin."""
        from django.urls import NoReverseMatch, reverse

        opts = self.field.model._meta
        try:
            return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.pk])
        except NoReverseMatch:
            return None

    def as_dict(self):
        """JSON-ready form."""
        return {"field": self.label, "pk": self.pk, "admin_url": self.admin_change_url}


def storage_key(storage):
    """A value equal for two storage objects that address the same files."""
    bucket = getattr(storage, "bucket_name", None)
    if bucket:
        return ("bucket", getattr(storage, "endpoint_url", None) or "", bucket,
                (getattr(storage, "location", "") or "").strip("/"))
    location = getattr(storage, "location", None)
    if location:
        return ("path", os.path.realpath(location))
    return ("object", id(storage))


def file_fields(storage=None):
    """Every concrete FileField of every installed model; only those on `storage` when given."""
    key = storage_key(storage) if storage is not None else None
    found = []
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        for field in model._meta.local_concrete_fields:  # MTI parents count their own fields once
            if isinstance(field, models.FileField) and (key is None or storage_key(field.storage) == key):
                found.append(FieldRef(model, field))
    return found


def referenced_rows(ref, chunk_size=5000):
    """(pk, name) of every row of one field whose file name is not empty."""
    name = ref.field.attname
    rows = ref.rows().exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
    return rows.values_list("pk", name).iterator(chunk_size=chunk_size)


def where_used(storage, name):
    """Every row, of any model and field, whose file on `storage` is `name`."""
    if not name:
        return []
    found = []
    for ref in file_fields(storage):
        pks = ref.rows().filter(**{ref.field.attname: name}).values_list("pk", flat=True)
        found.extend(RowRef(ref, pk) for pk in pks)
    return found


def is_referenced(storage, name):
    """True when any row of any model still references `name` on `storage`."""
    return bool(name) and any(
        ref.rows().filter(**{ref.field.attname: name}).exists() for ref in file_fields(storage)
    )


# Names per `IN (...)` list: below SQLite's oldest limit of 999 parameters, fine for every backend.
NAMES_PER_QUERY = 500


def referenced_names(storage, names):
    """The subset of `names` that some row of any model still references on `storage`.

    is_referenced() for many names at once: one query per file field (per 500 names), not per name.
    """
    wanted = sorted({name for name in names if name})
    found = set()
    for ref in file_fields(storage) if wanted else ():
        attname = ref.field.attname
        for start in range(0, len(wanted), NAMES_PER_QUERY):
            chunk = wanted[start:start + NAMES_PER_QUERY]
            found.update(ref.rows().filter(**{f"{attname}__in": chunk}).values_list(attname, flat=True))
    return found


def keep_shared_file(field_file):
    """Stop django-cleanup deleting a file that another row still references; True if kept.

    django-cleanup sends `cleanup_pre_delete` with the FieldFile it is about to delete,
    after the transaction committed; `FieldFile.delete()` does nothing on a file without
    a name, so clearing the name of that private copy keeps the file in storage.
    """
    try:
        shared = is_referenced(field_file.storage, field_file.name)
    except Exception:  # when in doubt, keep: the audit reports it later as an orphan
        logger.warning("Kept %s: could not check its references", field_file.name, exc_info=True)
        shared = True
    if not shared:
        return False
    logger.info("Kept %s: another row still references it", field_file.name)
    field_file.name = None
    return True
