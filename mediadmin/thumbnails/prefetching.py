"""A page's thumbnails loaded with one query, and kept where later lookups find them.

What prefetch() found for a file object, and what it did not, lives in one attribute of
that object, ATTRIBUTE = {size name: thumbnail or None}. Only the functions of this module
read or write it; it lives and dies with the file object (one page's rows).
"""
from . import sizes, sorl_adapter

ATTRIBUTE = "_mediadmin_thumbnails"
NOT_PREFETCHED = object()  # prefetched() when nothing was loaded for that size
_NOTHING = {}  # never written: _attached() of a file object prefetch() has not seen


def prefetch(field_files, size_names):
    """Load the thumbnails of many images in the given sizes with at most one query.

    Each file object keeps what was found (and what was not), so known() and thumbnail(),
    from templates, widgets or the admin, make no further lookup for it. Returns
    {(image name, size name): thumbnail} for those that exist.
    """
    if not sorl_adapter.can_prefetch():  # another kvstore: lookups stay one by one
        return {}
    field_files = [f for f in field_files if f]
    wanted = {(f.name, size): sizes.thumbnail_key(f, size) for f in field_files for size in size_names}
    values = sorl_adapter.prefetch(wanted.values())
    found = {pair: values[key] for pair, key in wanted.items() if key in values}
    for f in field_files:
        _attached(f, create=True).update((size, found.get((f.name, size))) for size in size_names)
    return found


def prefetch_objects(objects, fields_and_sizes):
    """prefetch() for (image field, size) pairs of model instances, one query per pair.

    A size's responsive variants (sizes.variant_names) come with it: {% picture %} reads them all.
    """
    objects = list(objects)
    for field_name, size_name in fields_and_sizes:
        prefetch([getattr(obj, field_name) for obj in objects], [size_name, *sizes.variant_names(size_name)])


def prefetched(field_file, size_name):
    """What prefetch() kept for a size: a thumbnail, None (not made), or NOT_PREFETCHED."""
    return _attached(field_file).get(size_name, NOT_PREFETCHED)


def update(field_file, size_name, thumb):
    """Record a thumbnail made since, on a file object prefetch() has seen (else nothing)."""
    attached = _attached(field_file)
    if attached is not _NOTHING:
        attached[size_name] = thumb


def discard(field_file, size_name=None):
    """Drop what was kept for one size (its entry turned out stale), or for all of them."""
    if size_name is not None:
        _attached(field_file).pop(size_name, None)
    elif hasattr(field_file, ATTRIBUTE):
        delattr(field_file, ATTRIBUTE)


def _attached(field_file, create=False):
    attached = getattr(field_file, ATTRIBUTE, None)
    if attached is None and create:
        attached = {}
        setattr(field_file, ATTRIBUTE, attached)
    return _NOTHING if attached is None else attached
