"""Named sizes (settings.MEDIADMIN_THUMBNAIL_SIZES) and the thumbnail file each one names."""
from django.conf import settings

from . import sorl_adapter


def size_spec(size_name):
    """Return (geometry, options) for a named size from MEDIADMIN_THUMBNAIL_SIZES."""
    geometry, options = settings.MEDIADMIN_THUMBNAIL_SIZES[size_name]
    options = dict(options)
    if settings.MEDIADMIN_THUMBNAIL_FORMAT:
        options.setdefault("format", settings.MEDIADMIN_THUMBNAIL_FORMAT)
    return geometry, options


def size_names():
    """Every named size, in the settings' order."""
    return list(settings.MEDIADMIN_THUMBNAIL_SIZES)


def thumbnail_file(field_file, size_name):
    """sorl's ImageFile of a named-size thumbnail: its name and key, without any I/O."""
    return sorl_adapter.thumbnail_file(field_file, *size_spec(size_name))


def thumbnail_key(field_file, size_name):
    """The raw key-value key of a named-size thumbnail, without any I/O."""
    return sorl_adapter.thumbnail_name_and_key(field_file, *size_spec(size_name))[1]
