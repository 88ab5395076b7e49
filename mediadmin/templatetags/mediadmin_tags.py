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
    """{"products": n, "gallery": m}: products with an image lacking alt text, gallery images lacking it.

    For users who may fix them; else None.
    """
    if not permissions.may_change_product(user):
        return None
    products, gallery = alt_text.missing_counts()
    return {"products": products, "gallery": gallery} if products or gallery else None


@register.inclusion_tag("mediadmin/picture.html")
def picture(field_file, size_name, alt="", css_class="", lazy=True, priority=False):
    """<picture> of a named size: AVIF and WebP sources, srcset and sizes, width and height, a fallback <img>.

    Every variant comes from the thumbnail task after commit; one not made yet is left out
    (thumbnails.picture). `lazy` false for an image above the fold; `priority` for the one that is
    the page's largest paint (the product page's main image, the list's first card): fetched first
    (fetchpriority="high"), never lazily.
    """
    return {"picture": thumbnails.picture(field_file, size_name), "alt": alt, "css_class": css_class,
            "lazy": lazy and not priority, "priority": priority}


@register.filter
def lazy_after(position, count):
    """True past the first `count` items: those load lazily, the first rows (above the fold) at once."""
    return int(position) > int(count)
