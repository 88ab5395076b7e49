"""Signal glue: cached thumbnails follow their source when django-cleanup deletes it."""
from django.core.signals import request_finished
from django_cleanup.signals import cleanup_pre_delete

from . import filesafety, thumbnails


def delete_thumbnails(sender, file, **kwargs):
    """Before django-cleanup removes a file, drop its sorl thumbnails and key-value entries."""
    thumbnails.forget(file)


def connect():
    """Connect the receivers (called from AppConfig.ready)."""
    cleanup_pre_delete.connect(delete_thumbnails, dispatch_uid="mediadmin_delete_thumbnails")
    # Files stored by a request whose transaction rolled back are deleted.
    request_finished.connect(filesafety.sweep, dispatch_uid="mediadmin_sweep_rolled_back_files")
