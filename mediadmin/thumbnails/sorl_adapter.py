"""The one module that knows sorl-thumbnail's internals; everything else in mediadmin asks it.

It names thumbnails without I/O (sorl's private option filling and file naming), reads and
drops key-value entries (including the raw keys the storage audit lists), makes and deletes
thumbnails. The private parts of sorl used here are listed in PRIVATE_API and checked by
tests/test_sorl_adapter.py, so a sorl upgrade that changes them fails there, loudly, instead
of silently naming thumbnails differently from the files sorl writes.
"""
import functools

from sorl.thumbnail import default, get_thumbnail
from sorl.thumbnail import delete as sorl_delete
from sorl.thumbnail import source_cache as sorl_source_cache
from sorl.thumbnail.conf import defaults as sorl_defaults
from sorl.thumbnail.conf import settings as sorl_settings
from sorl.thumbnail.helpers import deserialize
from sorl.thumbnail.images import ImageFile, deserialize_image_file
from sorl.thumbnail.kvstores.base import add_prefix
from sorl.thumbnail.kvstores.cached_db_kvstore import EMPTY_VALUE
from sorl.thumbnail.kvstores.cached_db_kvstore import KVStore as CachedDbKVStore

# (dotted owner, attribute, parameters or None for a value): what this module relies on.
PRIVATE_API = [
    ("sorl.thumbnail.base.ThumbnailBackend", "_get_format", ["self", "source"]),
    ("sorl.thumbnail.base.ThumbnailBackend", "_get_thumbnail_filename",
     ["self", "source", "geometry_string", "options"]),
    ("sorl.thumbnail.base.ThumbnailBackend", "default_options", None),
    ("sorl.thumbnail.base.ThumbnailBackend", "extra_options", None),
    ("sorl.thumbnail.kvstores.base", "add_prefix", ["key", "identity"]),
    ("sorl.thumbnail.kvstores.base.KVStoreBase", "_find_keys_raw", ["self", "prefix"]),
    ("sorl.thumbnail.kvstores.base.KVStoreBase", "_get_raw", ["self", "key"]),
    ("sorl.thumbnail.kvstores.base.KVStoreBase", "_delete", ["self", "key", "identity"]),
    ("sorl.thumbnail.kvstores.cached_db_kvstore", "EMPTY_VALUE", None),
    ("sorl.thumbnail.images", "deserialize_image_file", ["s"]),
    ("sorl.thumbnail.helpers", "deserialize", ["s"]),
]


def image_file(name, storage):
    """sorl's ImageFile for a stored name (no I/O)."""
    return ImageFile(name, storage)


def source_key(field_file):
    """sorl's key of a source image: what identifies it in caches (no I/O)."""
    return ImageFile(field_file).key


def read_source(field_file):
    """The source's bytes, read the way sorl reads them."""
    return ImageFile(field_file).read()


def thumbnail_name_and_key(field_file, geometry, options):
    """(file name, raw key-value key) of a thumbnail sorl would make, without any I/O."""
    return _name_and_key(field_file.storage, field_file.name, geometry, tuple(sorted(options.items())))


def thumbnail_file(field_file, geometry, options):
    """sorl's ImageFile of the thumbnail get_thumbnail() would make: its name and key, no I/O."""
    return ImageFile(thumbnail_name_and_key(field_file, geometry, options)[0], default.storage)


@functools.lru_cache(maxsize=8192)
def _name_and_key(storage, name, geometry, options):
    # Hashing sorl's options and storage for every row of a page costs more than the rest
    # of the thumbnail column; name and key only depend on these arguments: memoized.
    backend = default.backend
    source = ImageFile(name, storage)
    options = _filled_options(backend, source, dict(options))
    thumb_name = backend._get_thumbnail_filename(source, geometry, options)
    return thumb_name, add_prefix(ImageFile(thumb_name, default.storage).key)


def _filled_options(backend, source, options):
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
    return options


def clear_names():
    """Drop the memoized thumbnail names (sorl settings or storages changed, e.g. in tests)."""
    _name_and_key.cache_clear()


def recorded(image):
    """The key-value store's entry for an image (a thumbnail ImageFile), or None."""
    return default.kvstore.get(image)


def drop_entry(image):
    """Delete the key-value entry of an image, not its file."""
    default.kvstore.delete(image, delete_thumbnails=False)


def make(field_file, geometry, options):
    """Have sorl make (or find) a thumbnail; sorl's own get_thumbnail()."""
    return get_thumbnail(field_file, geometry, **options)


def source_cache():
    """sorl's block within which a source is read from storage once."""
    return sorl_source_cache()


def delete_thumbnails(field_file):
    """Delete an image's thumbnail files and key-value entries through sorl, not the image."""
    sorl_delete(field_file, delete_file=False)


def can_prefetch():
    """True when the configured key-value store loads many entries at once (ours does)."""
    return hasattr(default.kvstore, "prefetch")


def prefetch(raw_keys):
    """Load many thumbnails' entries at once (see can_prefetch()): {raw key: ImageFile} of those recorded."""
    values = default.kvstore.prefetch(set(raw_keys))
    return {key: deserialize_image_file(value) for key, value in values.items()
            if value not in (None, EMPTY_VALUE)}


def raw_entries(kv_prefix):
    """(raw key, raw value) of every key-value entry whose key starts with kv_prefix."""
    kvstore = default.kvstore
    if isinstance(kvstore, CachedDbKVStore):
        # One query instead of one cache/DB lookup per key.
        from sorl.thumbnail.models import KVStore

        yield from KVStore.objects.filter(key__startswith=kv_prefix).values_list(
            "key", "value").iterator(chunk_size=5000)
        return
    for key in kvstore._find_keys_raw(kv_prefix) or ():
        yield key, kvstore._get_raw(key)


def drop_entries(name, storage):
    """Drop the key-value entries of a stored image (thumbnail or source), never a file."""
    try:
        image = ImageFile(name, storage)
        default.kvstore.delete(image, delete_thumbnails=False)
        default.kvstore._delete(image.key, identity="thumbnails")
    except Exception:  # a cache entry left behind is harmless: sorl's cleanup drops it
        pass


def _source_keys(name_storage_pairs):
    return [ImageFile(name, storage).key for name, storage in name_storage_pairs]


def _drop_raw(raw_keys):
    """Delete raw key-value entries: one query and one cache call for all of them (sorl does one per key)."""
    from sorl.thumbnail.models import KVStore

    raw_keys = sorted(set(raw_keys))
    for start in range(0, len(raw_keys), 500):  # below SQLite's oldest parameter limit
        KVStore.objects.filter(key__in=raw_keys[start:start + 500]).delete()
    default.kvstore.cache.delete_many(raw_keys)


def drop_entries_many(names, storage):
    """drop_entries() of many stored images at once: a bounded number of queries, not two per name."""
    if not names:
        return
    if not isinstance(default.kvstore, CachedDbKVStore):
        for name in names:
            drop_entries(name, storage)
        return
    try:
        keys = _source_keys((name, storage) for name in names)
        _drop_raw([add_prefix(k, identity) for k in keys for identity in ("image", "thumbnails")])
    except Exception:  # as drop_entries: an entry left behind is harmless
        pass


def delete_thumbnails_many(field_files):
    """delete_thumbnails() of many images: their thumbnail files, and every entry read and dropped in bulk.

    What sorl's delete() does per image (read the source's list of thumbnails, read each
    thumbnail's entry, delete its file, drop the entries), with two reads and one delete for
    all of them. Other key-value stores than ours go through sorl one image at a time.
    """
    field_files = [f for f in field_files if f and f.name]
    if not can_prefetch() or not isinstance(default.kvstore, CachedDbKVStore):
        for field_file in field_files:
            delete_thumbnails(field_file)
        return
    images = [ImageFile(field_file) for field_file in field_files]
    for image in images:
        image.forget()  # as sorl's delete(): a kept read of the source must not outlive it
    sources = [image.key for image in images]
    lists = default.kvstore.prefetch([add_prefix(k, "thumbnails") for k in sources])
    thumb_keys = [key for value in lists.values() if value not in (None, EMPTY_VALUE)
                  for key in deserialize(value) or ()]
    entries = default.kvstore.prefetch([add_prefix(k, "image") for k in thumb_keys])
    for value in entries.values():
        if value not in (None, EMPTY_VALUE):
            deserialize_image_file(value).delete()  # the thumbnail's file
    _drop_raw([*lists, *entries, *(add_prefix(k, "image") for k in sources)])
