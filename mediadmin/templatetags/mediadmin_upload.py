"""Template tags of the upload drop zones: configuration handed to bulk-upload.js via data-*."""
from django import template
from django.conf import settings
from django.utils.html import format_html_join

from .. import upload_kinds
from ..admin import presenters

register = template.Library()


@register.simple_tag
def csrf_cookie_name():
    """Name of the CSRF cookie the JavaScript reads its token from."""
    return settings.CSRF_COOKIE_NAME


@register.simple_tag
def upload_kind(prefix):
    """The UploadKind of an inline formset prefix (None for an inline of another kind)."""
    return upload_kinds.get(prefix)


def _data_attrs(values):
    # Escaped here once: every value reaches the JS as a string in a data-* attribute.
    return format_html_join(" ", 'data-{}="{}"', values.items())


@register.simple_tag
def inline_uploader_attrs(kind, object_id):
    """The data-* attributes of an inline's drop zone (presenters.inline_uploader_data)."""
    return _data_attrs(presenters.inline_uploader_data(kind, object_id))


@register.simple_tag
def bulk_page_attrs(form, match_chunk):
    """The data-* attributes of the bulk upload page (presenters.bulk_page_data)."""
    return _data_attrs(presenters.bulk_page_data(form, match_chunk))
