"""Making the named sizes off the request: after commit, on a page's miss, on regeneration.

The sizes of an image are made by the task mediadmin.tasks.make_thumbnails, which calls
warm_stored(); warm() is also what `manage.py warm_thumbnails` runs. tasks.py imports this
package, so the task is imported lazily, in _enqueue() only (see there).
"""
import contextlib
import logging
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from .. import thumbnail_engine
from . import lookup, memo, prefetching, sorl_adapter
from .sizes import size_names, size_spec

# The package's logger: records keep the name "mediadmin.thumbnails" they always had.
logger = logging.getLogger(__package__)


def schedule(instance, field_name):
    """Once the current transaction commits, enqueue the making of an image field's sizes.

    The image is marked pending now (memo.mark_pending), so a page rendered in the same
    request or response (the new row's placeholder) finds the task asked for and does not
    queue a second one. If the queue refuses the task, pages ask again after PENDING_TIMEOUT.
    """
    field_file = getattr(instance, field_name)
    if not field_file.name:
        return
    memo.mark_pending(field_file)
    args = (instance._meta.label, instance.pk, field_name, field_file.name)
    # robust: a queue that is down must not turn a committed upload into an error page.
    transaction.on_commit(lambda: _enqueue(*args), robust=True)


def request_later(field_file):
    """Ask the task for an image's sizes once (per PENDING_TIMEOUT); always None (nothing to show yet).

    A page never waits for a worker's job: it shows the placeholder, and the next page view
    finds the sizes made.
    """
    instance, field = getattr(field_file, "instance", None), getattr(field_file, "field", None)
    if instance is None or field is None or instance.pk is None:
        return None
    if memo.mark_pending(field_file):
        _enqueue(instance._meta.label, instance.pk, field.name, field_file.name)
    return None


def _enqueue(*args):
    # The one lazy import of the package: tasks.py imports mediadmin.thumbnails at module
    # level (the worker loads the task from there), so importing it back here at module
    # level would be a cycle (tests/test_import_graph.py).
    from ..tasks import make_thumbnails

    try:
        return make_thumbnails.enqueue(*args)
    except Exception:  # a queue that is down costs thumbnails, never a page or an upload
        logger.exception("Could not enqueue thumbnails of %r", args[3])
        return None


def warm(field_file, sizes=None, share_decode=True):
    """Make the thumbnails of one image in the given (default: all) named sizes; return how many exist.

    The source is read from storage once and, with share_decode, decoded once for all the
    sizes (a JPEG at the scale the largest one needs); nothing is kept after the call.
    """
    sizes = list(sizes or size_names())
    made = 0
    with sorl_adapter.source_cache(), _decoded_once(field_file, sizes, share_decode):
        for size_name in sizes:
            if lookup.found_or_made(field_file, size_name) is not None:
                made += 1
    memo.clear_pending(field_file)
    return made


def _decoded_once(field_file, sizes, enabled):
    if not enabled or not field_file:
        return contextlib.nullcontext()
    return thumbnail_engine.shared_decode(field_file.name, [size_spec(size, field_file) for size in sizes])


def warm_stored(model_label, pk, field_name, name):
    """Make the named sizes of a row's image if the row still holds that file; return how many."""
    model = apps.get_model(model_label)
    instance = model._default_manager.filter(pk=pk).first()
    field_file = getattr(instance, field_name, None)
    if not field_file or field_file.name != name:
        return 0  # deleted or replaced since; a replacement schedules its own task
    return warm(field_file)


@dataclass
class Regeneration:
    """What a regeneration did: images whose sizes were all made, made only in part, or queued."""

    made: int = 0
    failed: int = 0
    queued: int = 0

    def add(self, result):
        """Count one enqueued task's result (None: the queue refused it)."""
        if result is None:
            self.failed += 1
        elif not result.is_finished:
            self.queued += 1
        elif result.status == "SUCCESSFUL" and result.return_value == len(size_names()):
            self.made += 1
        else:
            self.failed += 1


def regenerate_later(instance, field_name):
    """Drop an image field's thumbnails and enqueue their making now; the task's result, None on failure."""
    field_file = getattr(instance, field_name)
    delete_thumbnails(field_file)
    memo.mark_pending(field_file)  # the next page's placeholder must not queue it again
    return _enqueue(instance._meta.label, instance.pk, field_name, field_file.name)


def regenerate(field_file):
    """Drop the cached thumbnails of an image and make them again; False if it failed."""
    delete_thumbnails(field_file)
    return warm(field_file) == len(size_names())


def delete_thumbnails(field_file):
    """Delete an image's thumbnail files, their key-value entries and its remembered failure.

    The image itself stays; its sizes are made again on the next warm() or page miss.
    """
    prefetching.discard(field_file)
    memo.clear_failure(field_file)
    try:
        sorl_adapter.delete_thumbnails(field_file)
    except Exception:
        logger.warning("Could not delete thumbnails of %r", field_file.name, exc_info=True)


def delete_thumbnails_many(field_files):
    """delete_thumbnails() of many images at once: a bounded number of queries, not a few per size and image."""
    field_files = [field_file for field_file in field_files if field_file and field_file.name]
    for field_file in field_files:
        prefetching.discard(field_file)
    memo.clear_failures(field_files)
    try:
        sorl_adapter.delete_thumbnails_many(field_files)
    except Exception:
        logger.warning("Could not delete the thumbnails of %d images", len(field_files), exc_info=True)
