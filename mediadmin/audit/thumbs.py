"""sorl-thumbnail's cache seen from the storage: which thumbnails are stale, and why."""
import json

from sorl.thumbnail import default
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.images import ImageFile

from ..thumbnails import sorl_adapter
from .references import storage_key

# Why a thumbnail is stale (values of StaleThumbnail.reason).
NO_ENTRY = "no_entry"            # no key-value entry names it: sorl no longer knows it
SOURCE_GONE = "source_gone"      # its source image is no longer in storage
SOURCE_ORPHAN = "source_orphan"  # its source is an orphan that no row references


def prefix():
    """The folder sorl writes thumbnails to (THUMBNAIL_PREFIX, default `cache/`)."""
    value = sorl_settings.THUMBNAIL_PREFIX or "cache/"
    return value if value.endswith("/") else value + "/"


def stores_thumbnails(storage):
    """True when sorl writes its thumbnails to `storage`."""
    return storage_key(default.storage) == storage_key(storage)


def thumbnail_sources():
    """Map each thumbnail name known to sorl's key-value store to its source's name."""
    key_prefix = sorl_settings.THUMBNAIL_KEY_PREFIX
    names, lists = {}, {}
    for raw_key, value in sorl_adapter.raw_entries(f"{key_prefix}||"):
        _, identity, key = raw_key.split("||", 2)
        try:
            data = json.loads(value)
        except (TypeError, ValueError):
            continue
        if identity == "image" and isinstance(data, dict):
            names[key] = data.get("name")
        elif identity == "thumbnails" and isinstance(data, list):
            lists[key] = data
    sources = {}
    for source_key, thumb_keys in lists.items():
        for thumb_key in thumb_keys:
            if names.get(thumb_key):
                sources[names[thumb_key]] = names.get(source_key)
    return sources


def stale_reason(name, sources, present, orphaned):
    """Why the thumbnail `name` is stale, or None while its source is in use."""
    if name not in sources:
        return NO_ENTRY
    source = sources[name]
    if not source or source not in present:
        return SOURCE_GONE
    if source in orphaned:
        return SOURCE_ORPHAN
    return None


def is_known(name):
    """True when sorl's key-value store has an entry for the thumbnail `name` (it is in use)."""
    try:
        return default.kvstore.get(ImageFile(name, default.storage)) is not None
    except Exception:
        return True  # when in doubt, keep it
