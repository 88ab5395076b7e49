"""Background tasks, through Django's task interface (django.tasks, or its django-tasks backport)."""
try:  # Django 6.0+
    from django.tasks import task
except ImportError:  # Django 5.2: the backport, same API
    from django_tasks import task

# The one direction of the tasks/thumbnails link at module level: thumbnails.scheduling
# imports this module inside _enqueue() only (tests/test_import_graph.py).
from . import thumbnails


@task()
def make_thumbnails(model_label: str, pk: int, field_name: str, name: str) -> int:
    """Make every named size of one stored image, if its row still holds it; return how many exist."""
    return thumbnails.warm_stored(model_label, pk, field_name, name)


@task()
def make_version_thumbnail(version_id: int) -> bool:
    """Make the small JPEG of a kept image version (services.versions); True when made."""
    from .services import versions  # lazy: services import the thumbnails package too

    return versions.version_thumbnail_make(version_id)
