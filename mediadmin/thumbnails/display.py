"""What pages show: a named size's thumbnail or URL, and the placeholder when there is none."""
from django.conf import settings
from django.templatetags.static import static

from . import lookup, scheduling

PLACEHOLDER = "mediadmin/img/placeholder.svg"


def placeholder_url():
    """URL of the image shown when a thumbnail cannot be made."""
    return static(PLACEHOLDER)


def thumbnail(field_file, size_name, make=None):
    """Return sorl's thumbnail of field_file in a named size, or None when it cannot be made.

    A size not made yet is made here when `make` is true (the default is the setting
    MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST); otherwise the task is asked for it and None returned.
    """
    if not field_file:
        return None
    if make is None:
        make = settings.MEDIADMIN_THUMBNAIL_MAKE_IN_REQUEST
    if make:
        return lookup.found_or_made(field_file, size_name)
    found = lookup.known(field_file, size_name)
    return found if found is not None else scheduling.request_later(field_file)


def thumbnail_of(obj, field_name, size_name):
    """thumbnail() of an instance's image field (prefetch_objects() has attached its entry)."""
    return thumbnail(getattr(obj, field_name), size_name)


def thumbnail_url(field_file, size_name):
    """URL of the thumbnail in a named size, or of the placeholder."""
    thumb = thumbnail(field_file, size_name)
    return thumb.url if thumb else placeholder_url()
