"""Thumbnails through sorl-thumbnail: named sizes, failure-proof lookups, warm-up."""
import logging

from django.conf import settings
from django.templatetags.static import static
from sorl.thumbnail import delete as sorl_delete
from sorl.thumbnail import get_thumbnail
from sorl.thumbnail import default

logger = logging.getLogger(__name__)

PLACEHOLDER = "mediadmin/img/placeholder.svg"


def size_spec(size_name):
    """Return (geometry, options) for a named size from MEDIADMIN_THUMBNAIL_SIZES."""
    geometry, options = settings.MEDIADMIN_THUMBNAIL_SIZES[size_name]
    return geometry, dict(options)


def placeholder_url():
    """URL of the image shown when a thumbnail cannot be made."""
    return static(PLACEHOLDER)


def thumbnail(field_file, size_name):
    """Return sorl's thumbnail of field_file in a named size, or None when it cannot be made."""
    if not field_file:
        return None
    geometry, options = size_spec(size_name)
    try:
        thumb = get_thumbnail(field_file, geometry, **options)
    except Exception:  # a broken file must never break a page
        logger.warning("Thumbnail %s of %r could not be made", size_name, field_file.name,
                       exc_info=True)
        return None
    # sorl swallows a source it cannot read and returns a thumbnail that was
    # never written; only a made thumbnail is recorded in its key-value store.
    if default.kvstore.get(thumb) is None:
        logger.warning("Thumbnail %s of %r could not be made (missing or corrupt source)",
                       size_name, field_file.name)
        return None
    return thumb


def thumbnail_url(field_file, size_name):
    """URL of the thumbnail in a named size, or of the placeholder."""
    thumb = thumbnail(field_file, size_name)
    return thumb.url if thumb else placeholder_url()


def warm(field_file, sizes=None):
    """Make the thumbnails of one image in the given (default: all) named sizes."""
    made = 0
    for size_name in sizes or settings.MEDIADMIN_THUMBNAIL_SIZES:
        if thumbnail(field_file, size_name) is not None:
            made += 1
    return made


def warm_product(product):
    """Make every named size of a product's main image and gallery images."""
    if product.image:
        warm(product.image)
    for image in product.images.all():
        warm(image.image)


def regenerate(field_file):
    """Drop the cached thumbnails of an image and make them again; False if it failed."""
    try:
        sorl_delete(field_file, delete_file=False)
    except Exception:
        logger.warning("Could not drop thumbnails of %r", field_file.name, exc_info=True)
    return warm(field_file) == len(settings.MEDIADMIN_THUMBNAIL_SIZES)


def forget(field_file):
    """Delete an image's cached thumbnails and key-value entries (not the image itself)."""
    try:
        sorl_delete(field_file, delete_file=False)
    except Exception:
        logger.warning("Could not delete thumbnails of %r", field_file.name, exc_info=True)
