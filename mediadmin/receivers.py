"""Signal glue: a shared file stays; cached thumbnails follow their source when it goes."""
from django.core.signals import request_finished
from django_cleanup.signals import cleanup_pre_delete

from . import audit, filesafety, thumbnails


def keep_shared_file(sender, file, **kwargs):
    """Before django-cleanup removes a file, keep it if another row or field still uses it."""
    audit.keep_shared_file(file)


def delete_thumbnails(sender, file, **kwargs):
    """Before django-cleanup removes a file, drop its sorl thumbnails and key-value entries."""
    if not file.name:  # kept by keep_shared_file: its thumbnails stay too
        return
    thumbnails.forget(file)


def connect():
    """Connect the receivers (called from AppConfig.ready); they run in this order."""
    cleanup_pre_delete.connect(keep_shared_file, dispatch_uid="mediadmin_keep_shared_file")
    cleanup_pre_delete.connect(delete_thumbnails, dispatch_uid="mediadmin_delete_thumbnails")
    # Files stored by a request whose transaction rolled back are deleted.
    request_finished.connect(filesafety.sweep, dispatch_uid="mediadmin_sweep_rolled_back_files")
