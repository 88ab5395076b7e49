"""Signal glue: cached thumbnails follow their source when django-cleanup deletes it."""
from django_cleanup.signals import cleanup_pre_delete

from . import thumbnails


def delete_thumbnails(sender, file, **kwargs):
    """Before django-cleanup removes a file, drop its sorl thumbnails and key-value entries."""
    thumbnails.forget(file)


def connect():
    """Connect the receivers (called from AppConfig.ready)."""
    cleanup_pre_delete.connect(delete_thumbnails, dispatch_uid="mediadmin_delete_thumbnails")
