"""Signal glue: thumbnails follow their source, made after commit and deleted with it;
a file another row still references is never deleted; a replaced file is kept as a version; a
recoverably deleted row's file goes to the trash instead (services/recovery.py)."""
from django.apps import apps
from django.core.signals import request_finished, setting_changed
from django.db.models.signals import post_save, pre_save
from django_cleanup.signals import cleanup_pre_delete

from . import audit, filesafety, services, thumbnails
from .services import recovery
from .services.thumbnail_jobs import image_fields


def keep_shared_file(sender, file, **kwargs):
    """Before django-cleanup removes a file, keep it if another row or field still uses it.

    A recoverably deleted row's file is left to its move to the trash, which checks all of
    them at once (one query per file field, not one per file) right before they move.
    """
    if not recovery.is_held(file):
        audit.keep_shared_file(file)


def note_replacement(sender, instance, raw=False, **kwargs):
    """Before a save changes a file field, remember who replaced the old file and its original name."""
    if not raw:
        services.versions_note_replacement(instance)


def keep_version(sender, file, instance=None, updated=False, field_name=None, **kwargs):
    """Before django-cleanup removes a replaced (not a deleted row's) file, copy it into the versions."""
    if updated and file.name:  # no name: kept in place by keep_shared_file
        services.versions_keep_replaced(instance=instance, field_name=field_name, field_file=file)


def delete_thumbnails(sender, file, **kwargs):
    """Before django-cleanup removes a file, drop its sorl thumbnails and key-value entries."""
    if not file.name:  # kept by keep_shared_file: its thumbnails stay too
        return
    if recovery.is_held(file):  # going to the trash: its move drops them, for all its files at once
        return
    thumbnails.delete_thumbnails(file)


def keep_trashed_file(sender, file, **kwargs):
    """Before django-cleanup removes a file, keep it if its row was deleted recoverably (it goes to the trash)."""
    recovery.keep_held_file(file)


def note_new_images(sender, instance, raw=False, **kwargs):
    """Before a save stores its files, note which image fields hold a newly assigned file.

    For saves that call no service (the admin's gallery inline, plain save()); a save made
    by a service is claimed and scheduled by it (services/thumbnail_jobs.py).
    """
    if not raw:  # fixtures name files that are already stored
        services.thumbnails_note_new(instance)


def schedule_new_images(sender, instance, raw=False, **kwargs):
    """After the save, schedule the thumbnails of the images it stored (made after commit)."""
    services.thumbnails_schedule_new(instance)


def settings_changed(sender, setting, **kwargs):
    """Thumbnail names depend on sorl's settings and the storages: recompute them after a change."""
    if setting.startswith("THUMBNAIL_") or setting in ("STORAGES", "MEDIA_ROOT", "MEDIA_URL"):
        thumbnails.clear_names()


def connect():
    """Connect the receivers (called from AppConfig.ready); the three cleanup ones run in this order."""
    cleanup_pre_delete.connect(keep_shared_file, dispatch_uid="mediadmin_keep_shared_file")
    cleanup_pre_delete.connect(keep_version, dispatch_uid="mediadmin_keep_version")
    cleanup_pre_delete.connect(delete_thumbnails, dispatch_uid="mediadmin_delete_thumbnails")
    # A file going to the trash loses its thumbnails (dropped by its move), made again on recovery.
    cleanup_pre_delete.connect(keep_trashed_file, dispatch_uid="mediadmin_keep_trashed_file")
    setting_changed.connect(settings_changed, dispatch_uid="mediadmin_thumbnail_settings")
    for model in apps.get_app_config("mediadmin").get_models():
        if services.versions_file_field_names(model):
            pre_save.connect(note_replacement, sender=model,
                             dispatch_uid=f"mediadmin_versions_{model._meta.label_lower}")
        if image_fields(model):
            uid = f"mediadmin_thumbnails_{model._meta.label_lower}"
            pre_save.connect(note_new_images, sender=model, dispatch_uid=f"{uid}_pre")
            post_save.connect(schedule_new_images, sender=model, dispatch_uid=f"{uid}_post")
    # Files stored by a request whose transaction rolled back are deleted.
    request_finished.connect(filesafety.sweep, dispatch_uid="mediadmin_sweep_rolled_back_files")
