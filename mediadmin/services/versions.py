"""Versions: a replaced (or cleared) file is kept, restorable, until the retention ends.

The replace path of django-cleanup (contract 5): when a save changes a file field, django-cleanup
deletes the old file once the transaction commits and sends `cleanup_pre_delete` first. The
receivers (mediadmin/receivers.py) call note_replacement() on pre_save, which remembers who
replaced the file and its original name, and keep_replaced() from that signal, which copies
the old file into the `.versions/` folder of the trash's storage (contract 3), records a
FileVersion row (with a small thumbnail for images) and only then lets django-cleanup delete
the original. A file another row still references is never deleted, so it gets no version
(audit.keep_shared_file runs first and clears the name). If the copy fails, the original is
kept in place: nothing is lost.

version_restore() puts a version back as the current file (its bytes, under a new server-made
name) and the file it replaces becomes a version in turn, by the same path. versions_expire()
deletes versions past MEDIADMIN_VERSION_RETENTION (the `expire_versions` command).
"""
import io
import logging
import mimetypes
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_cleanup import cache as cleanup_cache

from .. import audit, filenames, filesafety, imaging, uploadlog
from ..files import stored_fingerprint
from ..models import IMAGE_DESCRIPTION_FIELDS, ORIGINAL_NAME_FIELDS, FileEvent, FileVersion, ProductDocument
from ..storage_errors import storage_errors
from . import activity, thumbnail_jobs
from .transactions import atomic_write

logger = logging.getLogger(__name__)

# Set on an instance between pre_save and the after-commit copy: {old stored name: Replacement}.
PENDING = "_mediadmin_replaced_files"
# Set by a caller that knows the user better than the current request (version_restore).
REPLACING_USER = "_mediadmin_replacing_user"
THUMBNAIL_SIZE = (160, 160)


class VersionUnavailable(Exception):
    """A version cannot be restored: its row or its file is gone. The message says which."""


@dataclass(frozen=True)
class Replacement:
    """What pre_save knew about a file about to be replaced: its original name, who replaced it, and
    for an image what described it (focal point, alt text, decorative mark)."""

    original_name: str
    user_id: int | None
    focal: tuple = (None, None)
    description: tuple = ("", None)  # (alt text, decorative); None: nothing recorded


def versions_alias(field):
    """The STORAGES alias that keeps the versions of a file field: the one its trash uses (contract 3).

    That is MEDIADMIN_TRASH_STORAGE, else the field's own storage. A bucket's public media
    prefix is never used: while the trash still sits there, versions go to the private storage.
    """
    alias = getattr(settings, "MEDIADMIN_TRASH_STORAGE", None) or _alias_of(field.storage)
    key = audit.storage_key(storages[alias])
    if key[0] == "bucket" and key == audit.storage_key(storages["default"]):
        return "private"
    return alias


def _alias_of(storage):
    key = audit.storage_key(storage)
    return next((alias for alias in settings.STORAGES if alias != "staticfiles"
                 and audit.storage_key(storages[alias]) == key), "default")


def version_field(version):
    """The model field a version belongs to, or None when its model or field no longer exists."""
    model = version.content_type.model_class()
    try:
        return model._meta.get_field(version.field_name) if model else None
    except Exception:  # noqa: BLE001 - a field removed since: the version is only deletable
        return None


def version_storage(version):
    """The storage a version's file and thumbnail are in (recorded with it: settings may change since)."""
    return storages[version.storage]


def file_field_names(model):
    """The FileField (and ImageField) names of a model."""
    return [f.name for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def note_replacement(instance):
    """pre_save glue: for each file field this save changes, remember the old file's original name and user."""
    if instance._state.adding or instance.pk is None or not cleanup_cache.has_cache(instance):
        return
    for field_name in file_field_names(type(instance)):
        old = cleanup_cache.get_field_attr(instance, field_name)
        old_name = getattr(old, "name", None)
        if old_name and old_name != getattr(instance, field_name).name:
            instance.__dict__.setdefault(PENDING, {})[old_name] = Replacement(
                user_id=_user_id(instance), **_stored_facts(instance, field_name, old_name))


def _stored_facts(instance, field_name, old_name):
    # The row names the client's file (a document's original_name, a gallery image's field-kept
    # one, a product's document name) and describes an image (focal point, alt text, decorative);
    # by now the form may have changed all of them (a new file starts centred): read the stored
    # row, one query at most.
    model = type(instance)
    column = ORIGINAL_NAME_FIELDS.get((model, field_name))
    focal_fields = getattr(model._meta.get_field(field_name), "focal_fields", None) or ()
    described_by = IMAGE_DESCRIPTION_FIELDS.get((model, field_name), ())
    columns = [name for name in (column, *focal_fields, *described_by) if name]
    found = {}
    if columns:
        found = model._base_manager.filter(pk=instance.pk, **{field_name: old_name}).values(*columns).first() or {}
    return {"original_name": found.get(column) or filenames.unsuffixed_name(old_name) or filenames.basename(old_name),
            "focal": tuple(found.get(name) for name in focal_fields) or (None, None),
            "description": tuple(found.get(name) for name in described_by) or ("", None)}


def _user_id(instance):
    user = instance.__dict__.get(REPLACING_USER) or uploadlog.current_user()
    return getattr(user, "pk", None)


def keep_replaced(*, instance, field_name, field_file):
    """After commit, before django-cleanup deletes a replaced file: keep a copy as a version.

    Returns the FileVersion, or None when there was nothing to keep (the file was already
    missing) or the copy failed; then the file's name is cleared so django-cleanup deletes
    nothing and the file stays where it was (the audit reports it later).
    """
    old_name = field_file.name
    pending = instance.__dict__.get(PENDING, {}).pop(old_name, None)
    try:
        return _store_version(type(instance), instance.pk, field_name, field_file, pending)
    except FileNotFoundError:
        logger.warning("No version of %s: the file was already missing from storage", old_name)
    except Exception:
        logger.exception("Kept %s in place: it could not be copied into the versions folder", old_name)
    field_file.name = None
    return None


def _store_version(model, pk, field_name, field_file, pending):
    """Copy the file into a new `.versions/<stamp>-<random>/` folder, check it, thumbnail it, record it."""
    field = model._meta.get_field(field_name)
    alias, name = versions_alias(field), field_file.name
    source, target = field_file.storage, storages[alias]
    folder = f"{audit.VERSIONS_PREFIX}{timezone.now():%Y%m%dT%H%M%SZ}-{secrets.token_hex(4)}/"
    with source.open(name, "rb") as fh:
        saved = target.save(folder + name, File(fh, name=filenames.basename(name)))
    stored = [saved]
    try:
        size, sha256 = stored_fingerprint(target, saved)
        if size != source.size(name):
            raise OSError(f"the copy of {name} has {size} bytes, not {source.size(name)}")
        version = _create_row(
            content_type=ContentType.objects.get_for_model(model), object_id=pk, field_name=field_name,
            name=saved, storage=alias, source_name=name, size=size, sha256=sha256,
            original_name=(pending.original_name if pending else filenames.basename(name))[:255],
            mime_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
            replaced_by_id=pending.user_id if pending else None,
            **_description_columns(pending),
        )
    except Exception:
        _delete_files(target, stored)
        raise
    if isinstance(field, models.ImageField):
        _schedule_thumbnail(version)  # by the task queue, like every thumbnail: never in the request
    return version


def _description_columns(pending):
    # What described an image when it was replaced; nothing for a file pre_save did not see.
    if pending is None:
        return {}
    (focal_x, focal_y), (alt_text, decorative) = pending.focal, pending.description
    return {"focal_x": focal_x, "focal_y": focal_y, "alt_text": (alt_text or "")[:250], "decorative": decorative}


def _schedule_thumbnail(version):
    from .. import tasks  # lazy: tasks imports the thumbnails package at module level

    try:
        tasks.make_version_thumbnail.enqueue(version.pk)
    except Exception:  # a queue that is down costs the preview, never the version
        logger.exception("Could not enqueue the thumbnail of version %s", version.pk)


def version_thumbnail_make(version_id):
    """Make the small JPEG of an image version beside it (the task's work); True when made."""
    version = FileVersion.objects.filter(pk=version_id).first()
    if version is None or version.thumbnail:
        return False  # expired or restored since, or made already
    folder = version.name.rsplit("/", 1)[0] + "/"
    name = _make_thumbnail(version_storage(version), version.name, folder)
    if name:
        FileVersion.objects.filter(pk=version_id).update(thumbnail=name)
    return bool(name)


def _create_row(**fields):
    # Not atomic_write(): this runs among the on_commit callbacks, where its rollback sweep would
    # take files stored by the same commit, whose "committed" callbacks have not run yet, for
    # rolled back. The copies made here are not tracked; _store_version deletes them on failure.
    with transaction.atomic():
        return FileVersion.objects.create(replaced_at=timezone.now(), **fields)


def _make_thumbnail(storage, name, folder):
    """A small JPEG of an image version, beside it; "" when the image cannot be read (logged)."""
    from PIL import Image

    try:
        with storage.open(name, "rb") as fh, imaging.open_restricted(fh) as img:
            img.draft("RGB", THUMBNAIL_SIZE)  # JPEG: decode at reduced scale
            img.thumbnail(THUMBNAIL_SIZE)
            rgba = (imaging.cmyk_to_srgb(img) if img.mode == "CMYK" else img).convert("RGBA")
            flat = Image.new("RGB", rgba.size, (255, 255, 255))
            flat.paste(rgba, mask=rgba.getchannel("A"))
            buf = io.BytesIO()
            flat.save(buf, "JPEG", quality=80)
    except Exception:  # noqa: BLE001 - a version without a thumbnail is still a version
        logger.warning("No thumbnail for the version %s", name, exc_info=True)
        return ""
    return storage.save(f"{folder}thumbnail.jpg", ContentFile(buf.getvalue(), name="thumbnail.jpg"))


def version_restore(*, version, user=None):
    """Make a version the current file of its row again; the file it replaces becomes a version.

    The version's bytes are copied back under a new server-made name in the field's folder, the
    row's file metadata (checksum, size, dimensions, type, original name) and an image's focal
    point, alt text and decorative mark follow, and the copy
    in `.versions/` is deleted after commit. Images get their thumbnails made after commit.
    Raises VersionUnavailable when the row or the version's file is gone.
    """
    field, storage = version_field(version), version_storage(version)
    with storage_errors(_("restoring a version"), storage):  # S3 refusing or unreachable: a message
        return _restore(version, field, storage, user)


def _restore(version, field, storage, user):
    if field is None or not storage.exists(version.name):
        raise VersionUnavailable(_("The file of version %(name)s is missing from the versions folder; "
                                   "nothing was changed.") % {"name": version})
    with atomic_write():
        if not FileVersion.objects.select_for_update().filter(pk=version.pk).exists():
            raise VersionUnavailable(_("Version %(name)s was already restored or has expired.") % {"name": version})
        instance = _locked_row(version, field)
        name = _copy_back(storage, version, field, instance)
        _set_current(instance, field, name, version)
        instance.__dict__[REPLACING_USER] = user
        instance.save()
        activity.record(FileEvent.Action.VERSION_RESTORE, user=user, product=getattr(instance, "product", instance),
                        original_name=version.original_name, stored_name=name)
        if isinstance(field, models.ImageField):
            thumbnail_jobs.schedule(instance, [field.name])
        version.delete()
        transaction.on_commit(lambda: _delete_files(storage, [version.name, version.thumbnail]))
    return instance


def _locked_row(version, field):
    row = field.model._base_manager.select_for_update().filter(pk=version.object_id).first()
    if row is None:
        raise VersionUnavailable(_("The %(row)s of version %(name)s no longer exists.")
                                 % {"row": field.model._meta.verbose_name, "name": version})
    return row


def _copy_back(storage, version, field, instance):
    """Store the version's bytes as a new file of the field (no re-encoding: byte for byte)."""
    stored_as = filenames.storage_name(version.original_name or version.source_name,
                                       filenames.extension(version.source_name))
    with storage.open(version.name, "rb") as fh:
        content = File(fh, name=stored_as)
        content.content_type = version.mime_type  # S3 takes the object's type from it
        name = field.storage.save(field.generate_filename(instance, stored_as), content)
    filesafety.track(field.storage, name, instance._state.db or "default")
    return name


def _set_current(instance, field, name, version):
    setattr(instance, field.attname, name)
    if isinstance(field, models.ImageField):
        field.update_dimension_fields(instance, force=True)
        if getattr(field, "hash_field", None):
            setattr(instance, field.hash_field, version.sha256)
    if isinstance(instance, ProductDocument) and field.name == "file":
        instance.size, instance.sha256, instance.content_type = version.size, version.sha256, version.mime_type
    column = ORIGINAL_NAME_FIELDS.get((type(instance), field.name))
    if column and version.original_name:
        setattr(instance, column, version.original_name)
    for name, value in zip(getattr(field, "focal_fields", None) or (), (version.focal_x, version.focal_y),
                           strict=False):
        setattr(instance, name, value)  # the point picked on this picture, or the centre
    described_by = IMAGE_DESCRIPTION_FIELDS.get((type(instance), field.name))
    if described_by and version.decorative is not None:  # the words written for this picture
        setattr(instance, described_by[0], version.alt_text)
        setattr(instance, described_by[1], version.decorative)


def _delete_files(storage, names):
    for name in filter(None, names):
        try:
            storage.delete(name)
        except Exception:  # noqa: BLE001 - the row is gone; a left copy is only space
            logger.exception("Could not delete the version file %s", name)


def version_retention():
    """Seconds a version is kept (MEDIADMIN_VERSION_RETENTION, default 30d)."""
    return audit.parse_age(getattr(settings, "MEDIADMIN_VERSION_RETENTION", "30d"))


def versions_expire(*, versions, progress=None):
    """Delete these versions, rows first then their files; the number deleted.

    Each row goes in its own transaction, so an interrupted run leaves whole versions.
    """
    deleted = 0
    for version in versions:
        storage = version_storage(version)
        with atomic_write():
            version.delete()
        _delete_files(storage, [version.name, version.thumbnail])
        deleted += 1
        if progress is not None:
            progress.step()
    return deleted
