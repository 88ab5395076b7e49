"""Thumbnails through sorl-thumbnail: named sizes, failure-proof lookups, warm-up, scheduling.

Pages ask for a named size (MEDIADMIN_THUMBNAIL_SIZES) with thumbnail() / thumbnail_url();
the sizes are made after an upload commits, by the task in tasks.py (schedule()), or by
`manage.py warm_thumbnails`. A page lists many images: prefetch() loads their key-value
entries with one query first. A source that cannot be thumbnailed shows the placeholder, is
logged once and is not tried again until it changes (or RETRY_AFTER passes).
"""
import contextlib
import functools
import io
import logging
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.templatetags.static import static
from sorl.thumbnail import default
from sorl.thumbnail import delete as sorl_delete
from sorl.thumbnail import get_thumbnail, source_cache
from sorl.thumbnail.conf import defaults as sorl_defaults
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.images import ImageFile, deserialize_image_file
from sorl.thumbnail.kvstores.base import add_prefix
from sorl.thumbnail.kvstores.cached_db_kvstore import EMPTY_VALUE

from . import imaging, thumbnail_engine

logger = logging.getLogger(__name__)

PLACEHOLDER = "mediadmin/img/placeholder.svg"
FAILED_PREFIX = "mediadmin:thumbnail-failed:"
MISSING = "missing"
PENDING_PREFIX = "mediadmin:thumbnail-pending:"
PENDING_TIMEOUT = 300  # a job lost by the queue is asked for again after this many seconds
# Where prefetch_objects() leaves an instance's thumbnails: {(field name, size name): thumbnail}.
PREFETCHED = "_mediadmin_thumbnails"


def size_spec(size_name):
    """Return (geometry, options) for a named size from MEDIADMIN_THUMBNAIL_SIZES."""
    geometry, options = settings.MEDIADMIN_THUMBNAIL_SIZES[size_name]
    options = dict(options)
    if settings.MEDIADMIN_THUMBNAIL_FORMAT:
        options.setdefault("format", settings.MEDIADMIN_THUMBNAIL_FORMAT)
    return geometry, options


def placeholder_url():
    """URL of the image shown when a thumbnail cannot be made."""
    return static(PLACEHOLDER)


def thumbnail_file(field_file, size_name):
    """sorl's ImageFile of a named-size thumbnail: its name and key, without any I/O."""
    return ImageFile(_thumbnail_name_and_key(field_file, size_name)[0], default.storage)


def _thumbnail_name_and_key(field_file, size_name):
    geometry, options = size_spec(size_name)
    return _thumbnail_name(field_file.storage, field_file.name, geometry, tuple(sorted(options.items())))


@functools.lru_cache(maxsize=8192)
def _thumbnail_name(storage, name, geometry, options):
    # Hashing sorl's options and storage for every row of a page costs more than the rest
    # of the thumbnail column; name and key only depend on these arguments: memoized.
    backend = default.backend
    source = ImageFile(name, storage)
    options = dict(options)
    # The same option filling as sorl's ThumbnailBackend.get_thumbnail, which names the
    # file after them (tests/test_thumbnails.py checks both names agree).
    if sorl_settings.THUMBNAIL_PRESERVE_FORMAT:
        options.setdefault("format", backend._get_format(source))
    for key, value in backend.default_options.items():
        options.setdefault(key, value)
    for key, attr in backend.extra_options:
        value = getattr(sorl_settings, attr)
        if value != getattr(sorl_defaults, attr):
            options.setdefault(key, value)
    thumb_name = backend._get_thumbnail_filename(source, geometry, options)
    return thumb_name, add_prefix(ImageFile(thumb_name, default.storage).key)


def clear_names():
    """Forget the memoized thumbnail names (sorl settings or storages changed, e.g. in tests)."""
    _thumbnail_name.cache_clear()


def known(field_file, size_name):
    """The thumbnail if the key-value store says it was made, else None; never makes one.

    What prefetch() attached to the file object answers first, without a lookup.
    """
    if not field_file:
        return None
    attached = field_file.__dict__.get(PREFETCHED, {})
    if size_name in attached:
        return attached[size_name]
    return default.kvstore.get(thumbnail_file(field_file, size_name))


def prefetch(field_files, size_names):
    """Load the thumbnails of many images in the given sizes with at most one query.

    Each file object keeps what was found (and what was not), so known() and thumbnail(),
    from templates, widgets or the admin, make no further lookup for it. Returns
    {(image name, size name): thumbnail} for those that exist.
    """
    kvstore_prefetch = getattr(default.kvstore, "prefetch", None)
    if kvstore_prefetch is None:  # another kvstore: lookups stay one by one
        return {}
    field_files = [f for f in field_files if f]
    wanted = {(f.name, size): _thumbnail_name_and_key(f, size)[1] for f in field_files for size in size_names}
    values = kvstore_prefetch(set(wanted.values()))
    found = {pair: deserialize_image_file(values[key])
             for pair, key in wanted.items() if values.get(key) not in (None, EMPTY_VALUE)}
    for f in field_files:
        attached = f.__dict__.setdefault(PREFETCHED, {})
        attached.update((size, found.get((f.name, size))) for size in size_names)
    return found


def prefetch_objects(objects, fields_and_sizes):
    """prefetch() for (image field, size) pairs of model instances, one query per pair."""
    objects = list(objects)
    for field_name, size_name in fields_and_sizes:
        prefetch([getattr(obj, field_name) for obj in objects], [size_name])


def thumbnail_of(obj, field_name, size_name):
    """thumbnail() of an instance's image field (prefetch_objects() has attached its entry)."""
    return thumbnail(getattr(obj, field_name), size_name)


def thumbnail(field_file, size_name, make=None):
    """Return sorl's thumbnail of field_file in a named size, or None when it cannot be made.

    A size not made yet is made here when `make` is true (the default is the setting
    MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST); otherwise the task is asked for it and None returned.
    """
    if not field_file:
        return None
    found = known(field_file, size_name)
    if found is not None:
        return found
    if make is None:
        make = settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST
    if not make:
        return _request_later(field_file)
    made = _make(field_file, size_name)
    if made is not None and PREFETCHED in field_file.__dict__:
        field_file.__dict__[PREFETCHED][size_name] = made  # prefetched as absent: not any more
    return made


def _request_later(field_file):
    # A page never waits for a worker's job: it shows the placeholder and asks once (per
    # PENDING_TIMEOUT) for the image's sizes; the next page view finds them made.
    instance, field = getattr(field_file, "instance", None), getattr(field_file, "field", None)
    if instance is None or field is None or instance.pk is None:
        return None
    if cache.add(_pending_key(field_file), True, PENDING_TIMEOUT):
        _enqueue(instance._meta.label, instance.pk, field.name, field_file.name)
    return None


def _pending_key(field_file):
    return PENDING_PREFIX + ImageFile(field_file).key


def _make(field_file, size_name):
    # Only reached when the key-value store has no entry: the expensive, rare path.
    signature = source_signature(field_file)
    if cache.get(_failed_key(field_file)) == signature:
        return None  # failed before with the same bytes: the placeholder, silently
    if signature == MISSING:
        return _failed(field_file, signature, size_name, "missing source")
    try:
        # Header only; sorl would log a misleading "does not exist" for a non-image.
        imaging.probe(io.BytesIO(ImageFile(field_file).read()))
    except Exception:
        return _failed(field_file, signature, size_name, "not an image in an allowed format")
    _drop_unrecorded(field_file, size_name)
    geometry, options = size_spec(size_name)
    try:
        thumb = get_thumbnail(field_file, geometry, **options)
    except Exception:  # a broken file must never break a page
        return _failed(field_file, signature, size_name, "corrupt source", exc_info=True)
    # sorl swallows a source it cannot read and returns a thumbnail that was never
    # written; only a made thumbnail is recorded in its key-value store.
    if default.kvstore.get(thumb) is None:
        return _failed(field_file, signature, size_name, "unreadable source")
    return thumb


def _drop_unrecorded(field_file, size_name):
    # A thumbnail file without a key-value entry was cut short (an interrupted worker or
    # command): sorl would record it as it is, so it goes and is made again.
    thumb = thumbnail_file(field_file, size_name)
    if thumb.exists():
        thumb.delete()


def _failed(field_file, signature, size_name, reason, exc_info=False):
    logger.warning("Thumbnail %s of %r could not be made (%s); showing a placeholder until "
                   "the file changes", size_name, field_file.name, reason, exc_info=exc_info)
    cache.set(_failed_key(field_file), signature, settings.MEDIADMIN_THUMBNAIL_RETRY_AFTER)
    return None


def _failed_key(field_file):
    return FAILED_PREFIX + ImageFile(field_file).key


def source_signature(field_file):
    """'size:mtime' of a stored file, or MISSING (what a remembered failure is compared with)."""
    storage, name = field_file.storage, field_file.name
    try:
        if not storage.exists(name):
            return MISSING
        size = storage.size(name)
    except Exception:
        return MISSING
    try:
        return f"{size}:{storage.get_modified_time(name).timestamp()}"
    except (NotImplementedError, OSError):
        return str(size)


def thumbnail_url(field_file, size_name):
    """URL of the thumbnail in a named size, or of the placeholder."""
    thumb = thumbnail(field_file, size_name)
    return thumb.url if thumb else placeholder_url()


def missing_sizes(field_file, sizes=None, check_files=False):
    """Named sizes of an image with no key-value entry (or, with check_files, no file either)."""
    missing = []
    for size in sizes or settings.MEDIADMIN_THUMBNAIL_SIZES:
        thumb = known(field_file, size)
        if thumb is not None and check_files and not thumb.exists():
            # The store outlived the file (a cleared cache folder): forget the entry.
            default.kvstore.delete(thumb, delete_thumbnails=False)
            field_file.__dict__.get(PREFETCHED, {}).pop(size, None)
            thumb = None
        if thumb is None:
            missing.append(size)
    return missing


def warm(field_file, sizes=None, share_decode=True):
    """Make the thumbnails of one image in the given (default: all) named sizes; return how many exist.

    The source is read from storage once and, with share_decode, decoded once for all the
    sizes (a JPEG at the scale the largest one needs); nothing is kept after the call.
    """
    sizes = list(sizes or settings.MEDIADMIN_THUMBNAIL_SIZES)
    made = 0
    with source_cache(), _decoded_once(field_file, sizes, share_decode):
        for size_name in sizes:
            if thumbnail(field_file, size_name, make=True) is not None:
                made += 1
    cache.delete(_pending_key(field_file))
    return made


def _decoded_once(field_file, sizes, enabled):
    if not enabled or not field_file:
        return contextlib.nullcontext()
    return thumbnail_engine.shared_decode(field_file.name, [size_spec(size) for size in sizes])


def warm_stored(model_label, pk, field_name, name):
    """Make the named sizes of a row's image if the row still holds that file; return how many."""
    model = apps.get_model(model_label)
    instance = model._default_manager.filter(pk=pk).first()
    field_file = getattr(instance, field_name, None)
    if not field_file or field_file.name != name:
        return 0  # deleted or replaced since; a replacement schedules its own task
    return warm(field_file)


def schedule(instance, field_name):
    """Once the current transaction commits, enqueue the making of an image field's sizes."""
    name = getattr(instance, field_name).name
    if not name:
        return
    args = (instance._meta.label, instance.pk, field_name, name)
    # robust: a queue that is down must not turn a committed upload into an error page.
    transaction.on_commit(lambda: _enqueue(*args), robust=True)


def _enqueue(*args):
    from .tasks import make_thumbnails  # tasks imports this module

    try:
        return make_thumbnails.enqueue(*args)
    except Exception:  # a queue that is down costs thumbnails, never a page or an upload
        logger.exception("Could not enqueue thumbnails of %r", args[3])
        return None


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
        elif result.status == "SUCCESSFUL" and result.return_value == len(settings.MEDIADMIN_THUMBNAIL_SIZES):
            self.made += 1
        else:
            self.failed += 1


def regenerate_later(instance, field_name):
    """Drop an image field's thumbnails and enqueue their making now; the task's result, None on failure."""
    field_file = getattr(instance, field_name)
    forget(field_file)
    return _enqueue(instance._meta.label, instance.pk, field_name, field_file.name)


def regenerate(field_file):
    """Drop the cached thumbnails of an image and make them again; False if it failed."""
    forget(field_file)
    return warm(field_file) == len(settings.MEDIADMIN_THUMBNAIL_SIZES)


def forget(field_file):
    """Delete an image's cached thumbnails, key-value entries and remembered failure."""
    field_file.__dict__.pop(PREFETCHED, None)
    cache.delete(_failed_key(field_file))
    try:
        sorl_delete(field_file, delete_file=False)
    except Exception:
        logger.warning("Could not delete thumbnails of %r", field_file.name, exc_info=True)
