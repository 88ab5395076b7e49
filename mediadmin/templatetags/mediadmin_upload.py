"""Template tags of the upload drop zones: configuration handed to bulk-upload.js via data-*."""
from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def csrf_cookie_name():
    """Name of the CSRF cookie the JavaScript reads its token from."""
    return settings.CSRF_COOKIE_NAME


@register.simple_tag
def upload_max_bytes(kind):
    """Byte limit of one file of a kind ("images" or "documents"); the larger one otherwise."""
    limits = {"images": settings.MEDIADMIN_MAX_IMAGE_BYTES,
              "documents": settings.MEDIADMIN_MAX_DOCUMENT_BYTES}
    return limits.get(kind, max(limits.values()))
