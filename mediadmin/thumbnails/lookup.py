"""Finding a named-size thumbnail, and making one now when asked to: the failure-proof path.

known() never makes anything; found_or_made() makes a missing size in the calling thread
(a worker, a command, or a request when MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST is on). A
source that cannot be thumbnailed gives None, is logged once and remembered (memo.py).
"""
import io

from .. import imaging
from . import memo, prefetching, sorl_adapter
from .sizes import size_names, size_spec, thumbnail_file


def known(field_file, size_name):
    """The thumbnail if the key-value store says it was made, else None; never makes one.

    What prefetch() attached to the file object answers first, without a lookup.
    """
    if not field_file:
        return None
    attached = prefetching.prefetched(field_file, size_name)
    if attached is not prefetching.NOT_PREFETCHED:
        return attached
    return sorl_adapter.recorded(thumbnail_file(field_file, size_name))


def found_or_made(field_file, size_name):
    """The thumbnail of a named size, made now if it is not recorded; None if it cannot be made."""
    if not field_file:
        return None
    found = known(field_file, size_name)
    if found is not None:
        return found
    made = _make(field_file, size_name)
    if made is not None:
        prefetching.update(field_file, size_name, made)  # prefetched as absent: not any more
    return made


def missing_sizes(field_file, sizes=None, check_files=False):
    """Named sizes of an image with no key-value entry (or, with check_files, no file either)."""
    missing = []
    for size in sizes or size_names():
        thumb = known(field_file, size)
        if thumb is not None and check_files and not thumb.exists():
            # The store outlived the file (a cleared cache folder): drop the entry.
            sorl_adapter.drop_entry(thumb)
            prefetching.discard(field_file, size)
            thumb = None
        if thumb is None:
            missing.append(size)
    return missing


def _make(field_file, size_name):
    # Only reached when the key-value store has no entry: the expensive, rare path.
    signature = memo.source_signature(field_file)
    if memo.failed_before(field_file, signature):
        return None  # failed before with the same bytes: the placeholder, silently
    reason = _unusable(field_file, signature)
    if reason:
        return memo.remember_failure(field_file, signature, size_name, reason)
    _drop_unrecorded(field_file, size_name)
    try:
        thumb = sorl_adapter.make(field_file, *size_spec(size_name, field_file))
    except Exception:  # a broken file must never break a page
        return memo.remember_failure(field_file, signature, size_name, "corrupt source", exc_info=True)
    # sorl swallows a source it cannot read and returns a thumbnail that was never
    # written; only a made thumbnail is recorded in its key-value store.
    if sorl_adapter.recorded(thumb) is None:
        return memo.remember_failure(field_file, signature, size_name, "unreadable source")
    return thumb


def _unusable(field_file, signature):
    # Why the source cannot be thumbnailed before sorl even tries, or None.
    if signature == memo.MISSING:
        return "missing source"
    try:
        # Header only; sorl would log a misleading "does not exist" for a non-image.
        imaging.probe(io.BytesIO(sorl_adapter.read_source(field_file)))
    except Exception:
        return "not an image in an allowed format"
    return None


def _drop_unrecorded(field_file, size_name):
    # A thumbnail file without a key-value entry was cut short (an interrupted worker or
    # command): sorl would record it as it is, so it goes and is made again.
    thumb = thumbnail_file(field_file, size_name)
    if thumb.exists():
        thumb.delete()
