"""Template tags for named thumbnail sizes that never break a page."""
from django import template

from .. import alt_text, permissions, thumbnails

register = template.Library()


@register.simple_tag
def thumbnail_url(field_file, size_name):
    """URL of the named-size thumbnail of an image, or of the placeholder."""
    return thumbnails.thumbnail_url(field_file, size_name)


@register.simple_tag
def thumbnail_image(field_file, size_name):
    """The named-size thumbnail (with .url, .width, .height), or None: use with `as`."""
    return thumbnails.thumbnail(field_file, size_name)


@register.filter
def may_add_product(user):
    """permissions.may_add_product, for links to the staff form."""
    return permissions.may_add_product(user)


@register.filter
def may_change_product(user, product=None):
    """permissions.may_change_product, for links to the staff form."""
    return permissions.may_change_product(user, product)


@register.simple_tag
def missing_alt_text_summary(user):
    """{"main": n, "gallery": m} images lacking alt text, for users who may fix them; else None."""
    if not permissions.may_change_product(user):
        return None
    main, gallery = alt_text.missing_counts()
    return {"main": main, "gallery": gallery} if main or gallery else None
