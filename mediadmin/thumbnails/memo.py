"""What the cache remembers about a source: a failure, and a pending request for its sizes.

A source that could not be thumbnailed is not tried again while its bytes are the same
(same signature) and for at most MEDIADMIN_THUMBNAIL_RETRY_AFTER seconds; a page that
asked the task for an image's sizes does not ask again for PENDING_TIMEOUT seconds.
"""
import logging

from django.conf import settings
from django.core.cache import cache

from . import sorl_adapter

# The package's logger: records keep the name "mediadmin.thumbnails" they always had.
logger = logging.getLogger(__package__)

FAILED_PREFIX = "mediadmin:thumbnail-failed:"
MISSING = "missing"
PENDING_PREFIX = "mediadmin:thumbnail-pending:"
PENDING_TIMEOUT = 300  # a job lost by the queue is asked for again after this many seconds


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


def failed_before(field_file, signature):
    """True when making a thumbnail of these very bytes failed within RETRY_AFTER."""
    return cache.get(_failed_key(field_file)) == signature


def remember_failure(field_file, signature, size_name, reason, exc_info=False):
    """Log a failure once and remember it for RETRY_AFTER; returns None (no thumbnail)."""
    logger.warning("Thumbnail %s of %r could not be made (%s); showing a placeholder until "
                   "the file changes", size_name, field_file.name, reason, exc_info=exc_info)
    cache.set(_failed_key(field_file), signature, settings.MEDIADMIN_THUMBNAIL_RETRY_AFTER)


def clear_failure(field_file):
    """Forget a remembered failure: the next lookup tries again."""
    cache.delete(_failed_key(field_file))


def clear_failures(field_files):
    """clear_failure() of many images, in one cache call."""
    cache.delete_many([_failed_key(field_file) for field_file in field_files])


def _failed_key(field_file):
    return FAILED_PREFIX + sorl_adapter.source_key(field_file)


def mark_pending(field_file):
    """True (and noted for PENDING_TIMEOUT) unless the sizes were already asked for."""
    return cache.add(_pending_key(field_file), True, PENDING_TIMEOUT)


def clear_pending(field_file):
    """The sizes were made: a later miss may ask again."""
    cache.delete(_pending_key(field_file))


def _pending_key(field_file):
    return PENDING_PREFIX + sorl_adapter.source_key(field_file)
